import type { Store } from '../db/store';
import type { StudyScope } from '../study/studyScope';

/** A kit given to a patient: who, at which visit, when. */
export interface KitGiven {
  kitNumber: string;
  screeningNumber: string;
  visitCode: string;
  dispensedAt: string;
}

/** The SQL of lot recall and expiry extension (issue 16, item 2), in the scope's study (issue 14). */
export class LotRepository {
  constructor(
    private readonly store: Store,
    private readonly study: StudyScope,
  ) {}

  /** Every dispensing that gave one of these kits (a kit dispensed in error and undone is not one). Unordered. */
  async dispensingsOf(kitNumbers: readonly string[]): Promise<KitGiven[]> {
    if (kitNumbers.length === 0) return [];
    return this.store
      .q()
      .selectFrom('dispensing_kits as dk')
      .innerJoin('dispensings as d', 'd.id', 'dk.dispensing_id')
      .innerJoin('patients as p', 'p.id', 'd.patient_id')
      .select(['dk.kit_number as kitNumber', 'p.screening_number as screeningNumber', 'd.visit_code as visitCode', 'd.dispensed_at as dispensedAt'])
      .where('dk.study_id', '=', this.study.id())
      .where('dk.kit_number', 'in', [...kitNumbers])
      .execute();
  }
}
