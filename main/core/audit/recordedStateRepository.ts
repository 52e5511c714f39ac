import { integrityProblems, type Db } from '../db/database';
import { storedEvents, storedHashAt, type StoredAuditEvent } from './auditRepository';
import type { OfStudy, RecordedDelegation, RecordedDispensing, RecordedPatient, RecordedReturn, RecordedState, SignatureHead, StudyRow } from './recordedState';

export type { RecordedDispensing, RecordedPatient, RecordedReturn, SignatureHead } from './recordedState';

/**
 * Read-only SQL for `veil verify` on an SQLite file: the current state of every audited table, the e-signatures' chain heads, the
 * append-only triggers and the sealed columns, each streamed (a study's file grows to hundreds of thousands of rows).
 */

/** The triggers that make the trail and the signatures append-only (migrations.ts, step 2). */
export const APPEND_ONLY_TRIGGERS = ['audit_events_no_update', 'audit_events_no_delete', 'signatures_no_update', 'signatures_no_delete'] as const;

export class RecordedStateRepository implements RecordedState {
  readonly engine = 'sqlite';
  private hashStatement: ((seq: number) => string | undefined) | null = null;

  constructor(private readonly db: Db) {}

  /** SQLite's integrity check and foreign keys. */
  async integrity(): Promise<{ problems: string[]; note: string | null }> {
    return { problems: integrityProblems(this.db).map((problem) => `SQLite integrity check: ${problem}`), note: null };
  }

  events(): IterableIterator<StoredAuditEvent> {
    return storedEvents(this.db);
  }

  async hashAt(seq: number): Promise<string | undefined> {
    this.hashStatement ??= storedHashAt(this.db);
    return this.hashStatement(seq);
  }

  /** Each append-only trigger that is missing, or no longer refuses (its body replaced by one that lets changes through). */
  async missingAppendOnlyTriggers(): Promise<string[]> {
    const present = new Map(
      (this.db.prepare("SELECT name, sql FROM sqlite_master WHERE type = 'trigger'").all() as Array<{ name: string; sql: string | null }>).map((t) => [t.name, t.sql ?? '']),
    );
    return APPEND_ONLY_TRIGGERS.filter((name) => !/RAISE\s*\(\s*ABORT/i.test(present.get(name) ?? ''));
  }

  /** Each signature with the chain head it was made on (null in a file older than schema step 5, which recorded none). */
  signatureHeads(): IterableIterator<SignatureHead> {
    const columns = new Set((this.db.prepare("SELECT name FROM pragma_table_info('signatures')").all() as Array<{ name: string }>).map((c) => c.name));
    const head = columns.has('chain_seq') && columns.has('chain_hash') ? 'chain_seq AS chainSeq, chain_hash AS chainHash' : 'NULL AS chainSeq, NULL AS chainHash';
    return this.db
      .prepare(`SELECT id, printed_name AS printedName, meaning, signed_at_utc AS signedAtUtc, ${head} FROM signatures ORDER BY id`)
      .iterate() as IterableIterator<SignatureHead>;
  }

  /** The database's studies: `studies` from schema step 19, the one row of `study` before. */
  async studies(): Promise<StudyRow[]> {
    const hasStudies = this.db.prepare("SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'studies'").pluck().get() === 1;
    return this.db.prepare(`SELECT id, code FROM ${hasStudies ? 'studies' : 'study'} ORDER BY id`).all() as StudyRow[];
  }

  /** The column naming a row's study, or NULL in a file from before rows named it (schema step 20). */
  private studyOf(alias = ''): string {
    this.rowsNameStudy ??= (this.db.prepare("SELECT count(*) FROM pragma_table_info('kits') WHERE name = 'study_id'").pluck().get() as number) === 1;
    return this.rowsNameStudy ? `${alias}study_id` : 'NULL';
  }
  private rowsNameStudy: boolean | null = null;

  kitStatuses(): IterableIterator<OfStudy & { kit: string; status: string }> {
    return this.db.prepare(`SELECT ${this.studyOf()} AS study, kit_number AS kit, status FROM kits`).iterate() as IterableIterator<OfStudy & { kit: string; status: string }>;
  }

  receiptOutcomes(): IterableIterator<OfStudy & { kit: string; outcome: string }> {
    return this.db
      .prepare(`SELECT ${this.studyOf()} AS study, kit_number AS kit, outcome FROM shipment_kits WHERE outcome <> 'expected'`)
      .iterate() as IterableIterator<OfStudy & { kit: string; outcome: string }>;
  }

  *dispensings(): Generator<RecordedDispensing> {
    const rows = this.db
      .prepare(
        `SELECT ${this.studyOf('p.')} AS study, p.screening_number AS patient, d.visit_code AS visit, group_concat(dk.kit_number, ',') AS kits
         FROM dispensings d JOIN patients p ON p.id = d.patient_id LEFT JOIN dispensing_kits dk ON dk.dispensing_id = d.id
         GROUP BY d.id`,
      )
      .iterate() as IterableIterator<OfStudy & { patient: string; visit: string; kits: string | null }>;
    for (const row of rows) yield { study: row.study, patient: row.patient, visit: row.visit, kits: row.kits ? row.kits.split(',').sort() : [] };
  }

  *returns(): Generator<RecordedReturn> {
    const rows = this.db
      .prepare(
        `SELECT ${this.studyOf('r.')} AS study, r.kit_number AS kit, p.screening_number AS patient, r.condition, r.units_returned AS unitsReturned, r.verified_at IS NOT NULL AS verified
         FROM kit_returns r JOIN patients p ON p.id = r.patient_id`,
      )
      .iterate() as IterableIterator<Omit<RecordedReturn, 'verified'> & { verified: number }>;
    for (const row of rows) yield { ...row, verified: row.verified === 1 };
  }

  destroyedKits(): IterableIterator<OfStudy & { kit: string; destruction: number }> {
    return this.db
      .prepare(`SELECT ${this.studyOf()} AS study, kit_number AS kit, destruction_id AS destruction FROM destruction_kits`)
      .iterate() as IterableIterator<OfStudy & { kit: string; destruction: number }>;
  }

  patients(): IterableIterator<RecordedPatient> {
    return this.db
      .prepare(`SELECT ${this.studyOf()} AS study, screening_number AS screeningNumber, status, randomization_number AS randomizationNumber, baseline_date AS baselineDate FROM patients`)
      .iterate() as IterableIterator<RecordedPatient>;
  }

  *users(): Generator<{ username: string; role: string; active: boolean }> {
    const rows = this.db.prepare('SELECT username, role, active FROM users').iterate() as IterableIterator<{ username: string; role: string; active: number }>;
    for (const row of rows) yield { ...row, active: row.active === 1 };
  }

  *delegations(): Generator<RecordedDelegation> {
    if (this.db.prepare("SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'delegations'").pluck().get() === 0) return;
    const rows = this.db
      .prepare(
        `SELECT d.study_id AS study, u.username, d.role, d.starts_on AS startsOn, d.ends_on AS endsOn, d.ended_at IS NOT NULL AS ended,
                (d.granted_by IS NULL AND d.signature_id IS NULL AND d.reason IS NULL) AS carriedOver
         FROM delegations d JOIN users u ON u.id = d.user_id
         ORDER BY d.id`,
      )
      .iterate() as IterableIterator<Omit<RecordedDelegation, 'ended' | 'carriedOver'> & { ended: number; carriedOver: number }>;
    for (const row of rows) yield { ...row, ended: row.ended === 1, carriedOver: row.carriedOver === 1 };
  }

  /** Every column named "*_sealed" in the schema, as "table.column". */
  async sealedColumns(): Promise<string[]> {
    return (
      this.db
        .prepare(
          `SELECT m.name || '.' || c.name AS col FROM sqlite_master m JOIN pragma_table_info(m.name) c
           WHERE m.type = 'table' AND c.name LIKE '%\\_sealed' ESCAPE '\\' ORDER BY 1`,
        )
        .all() as Array<{ col: string }>
    ).map((r) => r.col);
  }

  /** The sealed values of one column with the key of their row; the table and columns come from the code, never from input. */
  sealedValues(table: string, rowKey: string, column: string): IterableIterator<OfStudy & { row: string; sealed: string | null }> {
    return this.db.prepare(`SELECT ${this.studyOf()} AS study, ${rowKey} AS row, ${column} AS sealed FROM ${table}`).iterate() as IterableIterator<OfStudy & { row: string; sealed: string | null }>;
  }
}
