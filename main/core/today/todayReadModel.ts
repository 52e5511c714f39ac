import type { Store } from '../db/store';
import { readInSlices } from '../db/slices';
import type { StudyScope } from '../study/studyScope';

/** A kit still with its patient and no return recorded, with what says when it is due back. */
export interface KitWithPatientRow {
  kitNumber: string;
  patientId: number;
  visitCode: string;
  dispensedAt: string;
  baselineDate: string | null;
  /** The patient has since come to a later visit of the schedule, where the kit should have come back. */
  calledBack: boolean;
}

/**
 * What the Today home counts (issue 14, item 3): counts and short lists read in the caller's unit of work, each the
 * figure the screen the item links to shows. Nothing here opens a seal; the unblinded items open them in the service.
 */
export class TodayReadModel {
  constructor(
    private readonly store: Store,
    private readonly study: StudyScope,
  ) {}

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
        .where('study_id', '=', this.study.id())
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
        .where('study_id', '=', this.study.id())
        .where('status', '=', 'available')
        .where('use_before', '<=', until),
    );
  }

  /** How many of these kits are available on the shelf now (read in slices: the list may be long). */
  async availableAmong(kitNumbers: readonly string[]): Promise<number> {
    const studyId = this.study.id();
    const counts = await readInSlices(kitNumbers, async (slice) => [
      await this.count(
        this.store
          .q()
          .selectFrom('kits')
          .select((eb) => eb.fn.countAll<number>().as('n'))
          .where('study_id', '=', studyId)
          .where('status', '=', 'available')
          .where('kit_number', 'in', slice),
      ),
    ]);
    return counts.reduce((sum, n) => sum + n, 0);
  }

  /**
   * Kits dispensed and still with their patient (status dispensed, no return recorded), with their visit and baseline,
   * and whether the patient has since come to a later visit of the schedule (`visitCodes`): the kit should have come
   * back then. A replacement or an unscheduled dispensing between visits calls no kit back. Read from the kits with
   * their patients (an index on the status), not from every dispensing the site ever made.
   */
  async kitsWithPatients(visitCodes: readonly string[]): Promise<KitWithPatientRow[]> {
    const rows = await this.store
      .q()
      .selectFrom('kits as k')
      .innerJoin('dispensing_kits as dk', (join) => join.onRef('dk.study_id', '=', 'k.study_id').onRef('dk.kit_number', '=', 'k.kit_number'))
      .innerJoin('dispensings as d', 'd.id', 'dk.dispensing_id')
      .innerJoin('patients as p', 'p.id', 'd.patient_id')
      .select(['k.kit_number as kitNumber', 'd.patient_id as patientId', 'd.visit_code as visitCode', 'd.dispensed_at as dispensedAt', 'p.baseline_date as baselineDate'])
      .select((eb) =>
        eb
          .exists(
            eb
              .selectFrom('dispensings as later')
              .select('later.id')
              .whereRef('later.patient_id', '=', 'd.patient_id')
              .where('later.visit_code', 'in', [...visitCodes])
              .whereRef('later.dispensed_at', '>', 'd.dispensed_at'),
          )
          .as('calledBack'),
      )
      .where('k.study_id', '=', this.study.id())
      .where('k.status', '=', 'dispensed')
      .where(({ not, exists, selectFrom }) =>
        not(exists(selectFrom('kit_returns as r').select('r.kit_number').whereRef('r.study_id', '=', 'k.study_id').whereRef('r.kit_number', '=', 'k.kit_number'))),
      )
      .execute();
    // SQLite answers EXISTS with 0 or 1, PostgreSQL with a boolean.
    return rows.map((r) => ({ ...r, calledBack: Boolean(r.calledBack) }));
  }

  /** Returns recorded and not verified by the monitor yet (a kit recorded missing has nothing to verify). */
  async returnsToVerify(): Promise<number> {
    return this.count(
      this.store
        .q()
        .selectFrom('kit_returns')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('study_id', '=', this.study.id())
        .where('verified_at', 'is', null)
        .where('condition', '<>', 'missing'),
    );
  }
}
