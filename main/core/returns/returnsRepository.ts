import { compareKitNumbers } from '../../../shared/allocation/kitOrder';
import type { Db } from '../db/database';

export const RETURN_CONDITIONS = ['used', 'unused', 'partly_used', 'damaged', 'missing'] as const;
export type ReturnCondition = (typeof RETURN_CONDITIONS)[number];

export interface ReturnRow {
  kitNumber: string;
  patientId: number;
  screeningNumber: string;
  returnedAt: string;
  condition: ReturnCondition;
  unitsReturned: number;
  unitsMissing: number;
  note: string | null;
  source: string;
  verifiedBy: string | null;
  verifiedAt: string | null;
}

/** Who a kit went out to, at which visit and when: blinded facts only (no arm, no lot). */
export interface DispensedTo {
  patientId: number;
  screeningNumber: string;
  visitCode: string;
  dispensedAt: string;
}

/** Every SQL statement of patient returns (DESIGN.md section 6: SQL lives in repositories). */
export class ReturnsRepository {
  constructor(private readonly db: Db) {}

  dispensedTo(kitNumber: string): DispensedTo | undefined {
    return this.db
      .prepare(
        `SELECT p.id AS patientId, p.screening_number AS screeningNumber, d.visit_code AS visitCode, d.dispensed_at AS dispensedAt
         FROM dispensing_kits dk JOIN dispensings d ON d.id = dk.dispensing_id JOIN patients p ON p.id = d.patient_id WHERE dk.kit_number = ?`,
      )
      .get(kitNumber) as DispensedTo | undefined;
  }

  exists(kitNumber: string): boolean {
    return this.db.prepare('SELECT 1 FROM kit_returns WHERE kit_number = ?').get(kitNumber) !== undefined;
  }

  insert(row: { kitNumber: string; patientId: number; returnedAt: string; userId: number; condition: ReturnCondition; unitsReturned: number; unitsMissing: number; note: string | null; source: string }): void {
    this.db
      .prepare(
        `INSERT INTO kit_returns (kit_number, patient_id, returned_at, user_id, condition, units_returned, units_missing, note, source)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(row.kitNumber, row.patientId, row.returnedAt, row.userId, row.condition, row.unitsReturned, row.unitsMissing, row.note, row.source);
  }

  /** A correction: the new values, and the verification removed (REGULATORY.md: a later edit removes it). */
  correct(kitNumber: string, values: { condition: ReturnCondition; unitsReturned: number; unitsMissing: number; note: string | null }): void {
    this.db
      .prepare('UPDATE kit_returns SET condition = ?, units_returned = ?, units_missing = ?, note = ?, verified_by = NULL, verified_at = NULL WHERE kit_number = ?')
      .run(values.condition, values.unitsReturned, values.unitsMissing, values.note, kitNumber);
  }

  markVerified(kitNumber: string, userId: number, at: string): void {
    this.db.prepare('UPDATE kit_returns SET verified_by = ?, verified_at = ? WHERE kit_number = ?').run(userId, at, kitNumber);
  }

  get(kitNumber: string): ReturnRow | undefined {
    return this.rows('WHERE r.kit_number = ?', kitNumber)[0];
  }

  list(): ReturnRow[] {
    return this.rows('');
  }

  /** Kits whose return is recorded but not verified by the monitor yet. */
  unverifiedKits(): Set<string> {
    return new Set((this.db.prepare('SELECT kit_number AS k FROM kit_returns WHERE verified_at IS NULL').all() as Array<{ k: string }>).map((r) => r.k));
  }

  /** One query for one return or all of them (a single kit is looked up by key, not by reading every return). */
  private rows(where: string, ...params: string[]): ReturnRow[] {
    const rows = this.db
      .prepare(
        `SELECT r.kit_number AS kitNumber, r.patient_id AS patientId, p.screening_number AS screeningNumber, r.returned_at AS returnedAt,
           r.condition, r.units_returned AS unitsReturned, r.units_missing AS unitsMissing, r.note, r.source,
           u.display_name AS verifiedBy, r.verified_at AS verifiedAt
         FROM kit_returns r JOIN patients p ON p.id = r.patient_id LEFT JOIN users u ON u.id = r.verified_by ${where}`,
      )
      .all(...params) as ReturnRow[];
    return rows.sort((a, b) => compareKitNumbers(a.kitNumber, b.kitNumber));
  }
}
