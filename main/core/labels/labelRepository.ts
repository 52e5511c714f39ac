import { compareKitNumbers } from '../../../shared/allocation/kitOrder';
import type { PreparedQuery, Store } from '../db/store';
import type { StudyScope } from '../study/studyScope';

/** What a dispensed kit's blinded label prints: the kit's blinded fields, its patient and the visit. No arm. */
export interface LabelSource {
  kitNumber: string;
  /** The kit's type, whose product texts its label prints; null in a study without kit types. */
  kitType: string | null;
  blindedLot: string;
  useBefore: string;
  randomizationNumber: string;
  initials: string;
  investigator: string;
  visitCode: string;
}

/** A dispensed kit waiting for (or having had) its labels. */
export interface DispensedKitForLabel {
  kitNumber: string;
  patient: string;
  visit: string;
  dispensedAt: string;
}

/**
 * The SQL of the label data: dispensed kits with their patient and visit (the prints themselves are the devices').
 * On the Store (issue 13, item 2). The scope's study's kits only (issue 14).
 */
export class LabelRepository {
  // Every preview, download and print lays a label out from this: prepared once.
  private readonly source: PreparedQuery<[number, string], LabelSource>;

  constructor(
    private readonly store: Store,
    private readonly study: StudyScope,
  ) {
    this.source = store.prepare((q, studyId: number, kitNumber: string) =>
      q
        .selectFrom('kits as k')
        // By study and number: kit 1001 of another study was dispensed to another study's patient.
        .innerJoin('dispensing_kits as dk', (join) => join.onRef('dk.study_id', '=', 'k.study_id').onRef('dk.kit_number', '=', 'k.kit_number'))
        .innerJoin('dispensings as d', 'd.id', 'dk.dispensing_id')
        .innerJoin('patients as p', 'p.id', 'd.patient_id')
        .select([
          'k.kit_number as kitNumber',
          'k.kit_type as kitType',
          'k.blinded_lot as blindedLot',
          'k.use_before as useBefore',
          'p.randomization_number as randomizationNumber',
          'p.initials',
          'p.investigator',
          'd.visit_code as visitCode',
        ])
        .where('k.study_id', '=', studyId)
        .where('k.kit_number', '=', kitNumber)
        .$castTo<LabelSource>(),
    );
  }

  /** The label data of a dispensed kit; undefined when the kit was not dispensed. */
  async labelSource(kitNumber: string): Promise<LabelSource | undefined> {
    return (await this.source.run(this.study.id(), kitNumber))[0];
  }

  /**
   * Every dispensed kit with its patient's screening number and visit, oldest dispensing first, then in kit-number
   * order. Sorted here, not by the database: text order is the engine's collation (dispensing times are ISO strings,
   * compared character by character).
   */
  async dispensedKits(): Promise<DispensedKitForLabel[]> {
    const rows = await this.store
      .q()
      .selectFrom('dispensing_kits as dk')
      .innerJoin('dispensings as d', 'd.id', 'dk.dispensing_id')
      .innerJoin('patients as p', 'p.id', 'd.patient_id')
      .select(['dk.kit_number as kitNumber', 'p.screening_number as patient', 'd.visit_code as visit', 'd.dispensed_at as dispensedAt'])
      .where('dk.study_id', '=', this.study.id())
      .execute();
    return rows.sort((a, b) => (a.dispensedAt < b.dispensedAt ? -1 : a.dispensedAt > b.dispensedAt ? 1 : compareKitNumbers(a.kitNumber, b.kitNumber)));
  }
}
