import type { Store } from '../db/store';

/** A kit still with its patient and no return recorded, with what says when it is due back. */
export interface KitWithPatientRow {
  kitNumber: string;
  patientId: number;
  visitCode: string;
  dispensedAt: string;
  baselineDate: string | null;
}

/**
 * What the Today home counts (issue 14, item 3): counts and short lists read in the caller's unit of work, each the
 * figure the screen the item links to shows. Nothing here opens a seal; the unblinded items open them in the service.
 */
export class TodayReadModel {
  constructor(private readonly store: Store) {}

  private async count(query: { executeTakeFirst(): Promise<{ n: number | string | bigint } | undefined> }): Promise<number> {
    return Number((await query.executeTakeFirst())?.n ?? 0);
  }

  /** Shipments not closed: kits still to scan in, or the temperature answer still to give. */
  async openShipments(): Promise<number> {
    return this.count(
      this.store
        .q()
        .selectFrom('shipments')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('closed_at', 'is', null),
    );
  }

  /** Available kits whose label's use-before date is on or before `until` (the blinded date every inventory reader sees). */
  async availableUsedBefore(until: string): Promise<number> {
    return this.count(
      this.store
        .q()
        .selectFrom('kits')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('status', '=', 'available')
        .where('use_before', '<=', until),
    );
  }

  /** How many of these kits are available on the shelf now (read in slices: the list may be long). */
  async availableAmong(kitNumbers: readonly string[]): Promise<number> {
    let count = 0;
    for (let i = 0; i < kitNumbers.length; i += 500) {
      count += await this.count(
        this.store
          .q()
          .selectFrom('kits')
          .select((eb) => eb.fn.countAll<number>().as('n'))
          .where('status', '=', 'available')
          .where('kit_number', 'in', kitNumbers.slice(i, i + 500)),
      );
    }
    return count;
  }

  /** Kits dispensed and still with their patient (status dispensed, no return recorded), with their visit and baseline. */
  async kitsWithPatients(): Promise<KitWithPatientRow[]> {
    return this.store
      .q()
      .selectFrom('dispensing_kits as dk')
      .innerJoin('dispensings as d', 'd.id', 'dk.dispensing_id')
      .innerJoin('kits as k', 'k.kit_number', 'dk.kit_number')
      .innerJoin('patients as p', 'p.id', 'd.patient_id')
      .leftJoin('kit_returns as r', 'r.kit_number', 'dk.kit_number')
      .select(['dk.kit_number as kitNumber', 'd.patient_id as patientId', 'd.visit_code as visitCode', 'd.dispensed_at as dispensedAt', 'p.baseline_date as baselineDate'])
      .where('k.status', '=', 'dispensed')
      .where('r.kit_number', 'is', null)
      .execute();
  }

  /**
   * Each patient's latest dispensing at one of these visits (the schedule's): a kit given before it should have come
   * back at that visit. A replacement or an unscheduled dispensing between visits calls no kit back.
   */
  async latestVisitByPatient(visitCodes: readonly string[]): Promise<Map<number, string>> {
    const rows = await this.store
      .q()
      .selectFrom('dispensings')
      .select(['patient_id as patientId', (eb) => eb.fn.max('dispensed_at').as('latest')])
      .where('visit_code', 'in', [...visitCodes])
      .groupBy('patient_id')
      .execute();
    return new Map(rows.map((r) => [r.patientId, String(r.latest)]));
  }

  /** Returns recorded and not verified by the monitor yet (a kit recorded missing has nothing to verify). */
  async returnsToVerify(): Promise<number> {
    return this.count(
      this.store
        .q()
        .selectFrom('kit_returns')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('verified_at', 'is', null)
        .where('condition', '<>', 'missing'),
    );
  }
}
