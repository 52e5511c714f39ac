import type { StoredAuditEvent } from './auditRepository';

/**
 * What `veil verify` reads (recordVerification.ts), whichever engine holds the database: the checks are written once
 * against this, and each engine has one reader (recordedStateRepository.ts for an SQLite file,
 * postgresRecordedStateRepository.ts for a PostgreSQL database). Every list is streamed (a study's trail grows to
 * hundreds of thousands of events): an SQLite reader may give plain iterators, a PostgreSQL one pages by key.
 */
export type Rows<T> = Iterable<T> | AsyncIterable<T>;

/**
 * The study a recorded row belongs to: its `study_id`, or null in a file written before rows named their study
 * (migration 20), whose rows are all its one study's.
 */
export interface OfStudy {
  study: number | null;
}
/** A study of the database, as events name it (`studies`; a file before migration 19 has one, in `study`). */
export interface StudyRow {
  id: number;
  code: string;
}

/**
 * A delegation as its row holds it. Those carried over from the account's role at migration 21 have no grantor, no
 * signature and no reason, and no event either (`carriedOver`).
 */
export interface RecordedDelegation {
  carriedOver: boolean;
  study: number;
  username: string;
  role: string;
  startsOn: string;
  endsOn: string | null;
  /** Ended early (`ended_at` set). */
  ended: boolean;
}

export interface RecordedDispensing extends OfStudy {
  patient: string;
  visit: string;
  kits: string[];
}
export interface RecordedReturn extends OfStudy {
  kit: string;
  patient: string;
  condition: string;
  unitsReturned: number;
  verified: boolean;
}
export interface RecordedPatient extends OfStudy {
  screeningNumber: string;
  status: string;
  randomizationNumber: string | null;
  baselineDate: string | null;
}
export interface SignatureHead {
  id: number;
  printedName: string;
  meaning: string;
  signedAtUtc: string;
  chainSeq: number | null;
  chainHash: string | null;
}

export interface RecordedState {
  readonly engine: 'sqlite' | 'postgres';
  /** The storage's own checks: problems found, and a note on what was (or could not be) checked. */
  integrity(): Promise<{ problems: string[]; note: string | null }>;
  /** Each append-only trigger that is missing, disabled, or no longer refuses changes. */
  missingAppendOnlyTriggers(): Promise<string[]>;
  /** Every stored event, in the order written. */
  events(): Rows<StoredAuditEvent>;
  /** The stored hash of one event, or undefined when the chain has no such event. */
  hashAt(seq: number): Promise<string | undefined>;
  signatureHeads(): Rows<SignatureHead>;
  /** The database's studies. */
  studies(): Promise<StudyRow[]>;
  kitStatuses(): Rows<OfStudy & { kit: string; status: string }>;
  receiptOutcomes(): Rows<OfStudy & { kit: string; outcome: string }>;
  dispensings(): Rows<RecordedDispensing>;
  returns(): Rows<RecordedReturn>;
  destroyedKits(): Rows<OfStudy & { kit: string; destruction: number }>;
  patients(): Rows<RecordedPatient>;
  users(): Rows<{ username: string; role: string; active: boolean }>;
  /** Every delegation (migration 21), in the order written; none in an older file. */
  delegations(): Rows<RecordedDelegation>;
  /** Every column named "*_sealed" in the schema, as "table.column". */
  sealedColumns(): Promise<string[]>;
  /** The sealed values of one column with the key of their row; the table and columns come from the code, never from input. */
  sealedValues(table: string, rowKey: string, column: string): Rows<OfStudy & { row: string; sealed: string | null }>;
}

/**
 * Calls `each` on every row. Plain iterators (an SQLite file) are followed without an await per row, so the one pass
 * over the trail costs what it cost before verify spoke to two engines.
 */
export async function forEachRow<T>(rows: Rows<T>, each: (row: T) => void): Promise<void> {
  if (Symbol.iterator in rows) {
    for (const row of rows) each(row);
    return;
  }
  for await (const row of rows) each(row);
}
