import type { Db } from '../db/database';
import { statements, type Statements } from '../db/statements';

/** What a dispensed kit's blinded label prints: the kit's blinded fields, its patient and the visit. No arm. */
export interface LabelSource {
  kitNumber: string;
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

/** The SQL of the label data: dispensed kits with their patient and visit (the prints themselves are the devices'). */
export class LabelRepository {
  private readonly sql: Statements;

  constructor(db: Db) {
    this.sql = statements(db);
  }

  /** The label data of a dispensed kit; undefined when the kit was not dispensed. */
  labelSource(kitNumber: string): LabelSource | undefined {
    return this.sql(
      `SELECT k.kit_number AS kitNumber, k.blinded_lot AS blindedLot, k.use_before AS useBefore, p.randomization_number AS randomizationNumber,
         p.initials, p.investigator, d.visit_code AS visitCode
       FROM kits k JOIN dispensing_kits dk ON dk.kit_number = k.kit_number JOIN dispensings d ON d.id = dk.dispensing_id
       JOIN patients p ON p.id = d.patient_id WHERE k.kit_number = ?`,
    ).get(kitNumber) as LabelSource | undefined;
  }

  /** Every dispensed kit with its patient's screening number and visit, oldest dispensing first. */
  dispensedKits(): DispensedKitForLabel[] {
    return this.sql(
      `SELECT dk.kit_number AS kitNumber, p.screening_number AS patient, d.visit_code AS visit, d.dispensed_at AS dispensedAt
       FROM dispensing_kits dk JOIN dispensings d ON d.id = dk.dispensing_id JOIN patients p ON p.id = d.patient_id
       ORDER BY d.dispensed_at, dk.kit_number`,
    ).all() as DispensedKitForLabel[];
  }
}
