import type { Store } from '../db/store';
import type { StudyScope } from '../study/studyScope';

/** The dispensing a kit went out at: the patient and the visit a patient-reported exception is recorded against. */
export interface KitDispensing {
  dispensingId: number;
  patientId: number;
  screeningNumber: string;
  visitCode: string;
  dispensedAt: string;
}

/** The SQL of the kit exceptions (issue 16, item 1): the expiry sweep's kits and the dispensing of a kit. */
export class KitExceptionRepository {
  constructor(
    private readonly store: Store,
    private readonly study: StudyScope,
  ) {}

  /**
   * Kits on the shelf or in quarantine whose use-before date (the date on their label, no later than their real expiry)
   * is before `today`, with that date. Unordered: the caller orders kit numbers itself.
   */
  async pastUseBefore(today: string): Promise<Array<{ kitNumber: string; useBefore: string }>> {
    return this.store
      .q()
      .selectFrom('kits')
      .select(['kit_number as kitNumber', 'use_before as useBefore'])
      .where('study_id', '=', this.study.id())
      .where('status', 'in', ['available', 'quarantined'])
      .where('use_before', '<', today)
      .execute();
  }

  /** The latest dispensing that gave this kit, if any. */
  async dispensingOf(kitNumber: string): Promise<KitDispensing | undefined> {
    return this.store
      .q()
      .selectFrom('dispensing_kits as dk')
      .innerJoin('dispensings as d', 'd.id', 'dk.dispensing_id')
      .innerJoin('patients as p', 'p.id', 'd.patient_id')
      .select(['d.id as dispensingId', 'p.id as patientId', 'p.screening_number as screeningNumber', 'd.visit_code as visitCode', 'd.dispensed_at as dispensedAt'])
      .where('dk.study_id', '=', this.study.id())
      .where('dk.kit_number', '=', kitNumber)
      .orderBy('d.id', 'desc')
      .executeTakeFirst();
  }

  /** Removes a dispensing and its kits (a dispensing undone the same day: its event says what it was). */
  async deleteDispensing(dispensingId: number): Promise<void> {
    const q = this.store.q();
    await q.deleteFrom('extra_dispensings').where('dispensing_id', '=', dispensingId).execute();
    await q.deleteFrom('dispensing_kits').where('dispensing_id', '=', dispensingId).execute();
    await q.deleteFrom('dispensings').where('id', '=', dispensingId).execute();
  }
}
