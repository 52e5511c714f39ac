import type { Store } from '../db/store';
import type { StudyScope } from '../study/studyScope';
import { patientsWithVisitsToDispense } from '../patients/patientRepository';

/** A kit the forecast weighs: its arm and real expiry come from the session's unsealed index (UnsealedStock.opened). */
export interface AvailableKitRow {
  kitNumber: string;
  useBefore: string;
}

/** A randomized patient still in the study, with the sealed arm of the randomization slot the patient holds. */
export interface RandomizedPatientRow {
  id: number;
  screeningNumber: string;
  randomizationNumber: string;
  baselineDate: string;
  slotArmSealed: string;
}

/** What the stock forecast reads (issue 16, item 3): available kits, randomized patients and their slots' sealed arms. */
export class StockReadModel {
  constructor(
    private readonly store: Store,
    private readonly study: StudyScope,
  ) {}

  /** The kits on the shelf that may be dispensed (status available); arms and real expiry stay sealed here. */
  async availableKits(): Promise<AvailableKitRow[]> {
    return this.store
      .q()
      .selectFrom('kits')
      .where('study_id', '=', this.study.id())
      .select(['kit_number as kitNumber', 'use_before as useBefore'])
      .where('status', '=', 'available')
      .execute();
  }

  /** These kits as the forecast weighs them, when they are in quarantine (held by an excursion case, say). */
  async quarantinedKits(kitNumbers: readonly string[]): Promise<AvailableKitRow[]> {
    if (kitNumbers.length === 0) return [];
    return this.store
      .q()
      .selectFrom('kits')
      .where('study_id', '=', this.study.id())
      .select(['kit_number as kitNumber', 'use_before as useBefore'])
      .where('status', '=', 'quarantined')
      .where('kit_number', 'in', [...kitNumbers])
      .execute();
  }

  /** How many kits are available on the shelf: the figure every inventory reader already sees. */
  async availableCount(): Promise<number> {
    const row = await this.store
      .q()
      .selectFrom('kits')
      .where('study_id', '=', this.study.id())
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('status', '=', 'available')
      .executeTakeFirst();
    return Number(row?.n ?? 0);
  }

  /** Randomized patients with a baseline date and a visit of the schedule still to dispense, each with the sealed arm of its slot. */
  async patientsWithVisitsToDispense(visitCodes: readonly string[]): Promise<RandomizedPatientRow[]> {
    const rows = await this.store
      .q()
      .selectFrom('patients as p')
      .innerJoin('randomization_slots as s', (join) => join.onRef('s.study_id', '=', 'p.study_id').onRef('s.randomization_number', '=', 'p.randomization_number'))
      .select(['p.id as id', 'p.screening_number as screeningNumber', 'p.randomization_number as randomizationNumber', 'p.baseline_date as baselineDate', 's.arm_sealed as slotArmSealed'])
      .where('p.id', 'in', patientsWithVisitsToDispense(this.store.q(), this.study.id(), visitCodes))
      .where('p.baseline_date', 'is not', null)
      .execute();
    return rows.map((r) => ({ ...r, randomizationNumber: r.randomizationNumber!, baselineDate: r.baselineDate! }));
  }
}
