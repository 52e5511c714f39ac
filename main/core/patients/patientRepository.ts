import type { Db } from '../db/database';
import { statements, type Statements } from '../db/statements';

export interface PatientRow {
  id: number;
  screeningNumber: string;
  initials: string;
  yearOfBirth: number;
  investigator: string;
  stratum: string;
  status: 'registered' | 'randomized' | 'withdrawn';
  randomizationNumber: string | null;
  baselineDate: string | null;
  registeredAt: string;
  withdrawnAt: string | null;
  withdrawalReason: string | null;
}

const COLUMNS = `id, screening_number AS screeningNumber, initials, year_of_birth AS yearOfBirth, investigator, stratum, status,
  randomization_number AS randomizationNumber, baseline_date AS baselineDate, registered_at AS registeredAt,
  withdrawn_at AS withdrawnAt, withdrawal_reason AS withdrawalReason`;

/** All SQL about patients and their dispensings. */
export class PatientRepository {
  /** The dispensing writes, prepared once (a dispensing is the bench's most frequent signed step). */
  private readonly sql: Statements;

  constructor(private readonly db: Db) {
    this.sql = statements(db);
  }

  insert(p: { screeningNumber: string; initials: string; yearOfBirth: number; investigator: string; stratum: string; registeredAt: string }): number {
    return Number(
      this.db
        .prepare(
          `INSERT INTO patients (screening_number, initials, year_of_birth, investigator, stratum, registered_at)
           VALUES (@screeningNumber, @initials, @yearOfBirth, @investigator, @stratum, @registeredAt)`,
        )
        .run(p).lastInsertRowid,
    );
  }

  get(id: number): PatientRow | undefined {
    return this.db.prepare(`SELECT ${COLUMNS} FROM patients WHERE id = ?`).get(id) as PatientRow | undefined;
  }

  byScreeningNumber(n: string): PatientRow | undefined {
    return this.db.prepare(`SELECT ${COLUMNS} FROM patients WHERE screening_number = ?`).get(n) as PatientRow | undefined;
  }

  /** Sorted by screening number: an order that says nothing about allocation. */
  list(): PatientRow[] {
    return this.db.prepare(`SELECT ${COLUMNS} FROM patients ORDER BY screening_number`).all() as PatientRow[];
  }

  nextFreeSlot(stratum: string): string | undefined {
    return (
      this.db
        .prepare(
          `SELECT s.randomization_number AS n FROM randomization_slots s
           WHERE s.stratum = ? AND NOT EXISTS (SELECT 1 FROM patients p WHERE p.randomization_number = s.randomization_number)
           ORDER BY s.list_order LIMIT 1`,
        )
        .get(stratum) as { n: string } | undefined
    )?.n;
  }

  randomize(id: number, randomizationNumber: string, baselineDate: string): void {
    this.db.prepare("UPDATE patients SET status = 'randomized', randomization_number = ?, baseline_date = ? WHERE id = ?").run(randomizationNumber, baselineDate, id);
  }

  withdraw(id: number, at: string, reason: string): void {
    this.db.prepare("UPDATE patients SET status = 'withdrawn', withdrawn_at = ?, withdrawal_reason = ? WHERE id = ?").run(at, reason, id);
  }

  dispensings(patientId: number): Array<{ id: number; visitCode: string; dispensedAt: string; outOfWindowReason: string | null; signatureId: number; kits: string[] }> {
    const rows = this.db
      .prepare(
        `SELECT id, visit_code AS visitCode, dispensed_at AS dispensedAt, out_of_window_reason AS outOfWindowReason, signature_id AS signatureId
         FROM dispensings WHERE patient_id = ? ORDER BY dispensed_at`,
      )
      .all(patientId) as Array<{ id: number; visitCode: string; dispensedAt: string; outOfWindowReason: string | null; signatureId: number }>;
    const kitsOf = this.db.prepare('SELECT kit_number AS k FROM dispensing_kits WHERE dispensing_id = ?');
    return rows.map((r) => ({ ...r, kits: (kitsOf.all(r.id) as Array<{ k: string }>).map((x) => x.k).sort() }));
  }

  /** Records a dispensing at a visit (its kits follow with `addDispensedKit`); returns its id. */
  recordDispensing(d: { patientId: number; visitCode: string; dispensedAt: string; userId: number; signatureId: number; outOfWindowReason: string | null }): number {
    return Number(
      this.sql('INSERT INTO dispensings (patient_id, visit_code, dispensed_at, user_id, signature_id, out_of_window_reason) VALUES (?, ?, ?, ?, ?, ?)').run(
        d.patientId,
        d.visitCode,
        d.dispensedAt,
        d.userId,
        d.signatureId,
        d.outOfWindowReason,
      ).lastInsertRowid,
    );
  }

  /** One kit given at a dispensing, and how its number was entered (scanner, keyboard wedge, typed). */
  addDispensedKit(dispensingId: number, kitNumber: string, source: string): void {
    this.sql('INSERT INTO dispensing_kits (dispensing_id, kit_number, source) VALUES (?, ?, ?)').run(dispensingId, kitNumber, source);
  }
}
