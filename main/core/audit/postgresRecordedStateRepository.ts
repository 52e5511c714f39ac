import { sql, type Kysely } from 'kysely';
import type { VeilTables } from '../db/tables';
import type { StoredAuditEvent } from './auditRepository';
import type { OfStudy, RecordedDelegation, RecordedDispensing, RecordedPatient, RecordedReturn, RecordedState, SignatureHead, StudyRow } from './recordedState';

/**
 * Read-only SQL for `veil verify` on a PostgreSQL database (recordedStateRepository.ts is the SQLite file's): the same
 * lists, each read a page at a time by key (keyset: `WHERE key > last ORDER BY key LIMIT n`), so neither the trail nor
 * a large table is ever held whole. Run it inside one REPEATABLE READ, READ ONLY transaction (`inSnapshot`): the
 * trail and the tables are then read as of one moment, while workstations go on writing.
 */

/** The triggers that make the trail and the signatures append-only on PostgreSQL (schema step 2): TRUNCATE too. */
export const POSTGRES_APPEND_ONLY_TRIGGERS = [
  { name: 'audit_events_no_update', table: 'audit_events', event: 'update' },
  { name: 'audit_events_no_delete', table: 'audit_events', event: 'delete' },
  { name: 'audit_events_no_truncate', table: 'audit_events', event: 'truncate' },
  { name: 'signatures_no_update', table: 'signatures', event: 'update' },
  { name: 'signatures_no_delete', table: 'signatures', event: 'delete' },
  { name: 'signatures_no_truncate', table: 'signatures', event: 'truncate' },
] as const;

/** pg_trigger.tgtype bits (PostgreSQL's include/catalog/pg_trigger.h). */
const TRIGGER_BEFORE = 2;
const TRIGGER_EVENT = { delete: 8, update: 16, truncate: 32 } as const;

const PAGE = 5000;

export class PostgresRecordedStateRepository implements RecordedState {
  readonly engine = 'postgres';

  constructor(private readonly db: Kysely<VeilTables>) {}

  /** Runs `work` on a reader of one consistent, read-only snapshot of the database. */
  static inSnapshot<T>(db: Kysely<VeilTables>, work: (state: PostgresRecordedStateRepository) => Promise<T>): Promise<T> {
    return db
      .transaction()
      .setIsolationLevel('repeatable read')
      .setAccessMode('read only')
      .execute((tx) => work(new PostgresRecordedStateRepository(tx)));
  }

  async integrity(): Promise<{ problems: string[]; note: string | null }> {
    return {
      problems: [],
      note: "Storage: PostgreSQL checks its own pages and foreign keys as it runs; there is no file to check here (the server's administrator has its own tools for that, such as amcheck).",
    };
  }

  /** Each trigger that is missing, not enabled (a disabled or replica-only trigger does not fire), or whose function no longer raises. */
  async missingAppendOnlyTriggers(): Promise<string[]> {
    const { rows } = await sql<{ name: string; table: string; enabled: string; type: number; language: string; body: string }>`
      SELECT t.tgname AS name, c.relname AS table, t.tgenabled AS enabled, t.tgtype AS type, l.lanname AS language, p.prosrc AS body
      FROM pg_trigger t
      JOIN pg_class c ON c.oid = t.tgrelid
      JOIN pg_proc p ON p.oid = t.tgfoid
      JOIN pg_language l ON l.oid = p.prolang
      WHERE NOT t.tgisinternal AND pg_table_is_visible(c.oid) AND c.relname IN ('audit_events', 'signatures')`.execute(this.db);
    return POSTGRES_APPEND_ONLY_TRIGGERS.filter((expected) => {
      const t = rows.find((r) => r.name === expected.name && r.table === expected.table);
      if (!t) return true;
      const fires = t.enabled === 'O' || t.enabled === 'A';
      const when = (Number(t.type) & TRIGGER_BEFORE) !== 0 && (Number(t.type) & TRIGGER_EVENT[expected.event]) !== 0;
      const refuses = t.language === 'plpgsql' && /RAISE\s+EXCEPTION/i.test(t.body);
      return !(fires && when && refuses);
    }).map((t) => t.name);
  }

  async *events(): AsyncIterableIterator<StoredAuditEvent> {
    let after = 0;
    for (;;) {
      const page = (await this.db.selectFrom('audit_events').selectAll().where('seq', '>', after).orderBy('seq').limit(PAGE).execute()) as StoredAuditEvent[];
      yield* page;
      if (page.length < PAGE) return;
      after = page[page.length - 1]!.seq;
    }
  }

  async hashAt(seq: number): Promise<string | undefined> {
    const row = await this.db.selectFrom('audit_events').select('hash').where('seq', '=', seq).executeTakeFirst();
    return row?.hash;
  }

  async *signatureHeads(): AsyncIterableIterator<SignatureHead> {
    const { rows: columns } = await sql<{ name: string }>`
      SELECT column_name AS name FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = 'signatures'`.execute(this.db);
    const names = new Set(columns.map((c) => c.name));
    const head = names.has('chain_seq') && names.has('chain_hash') ? sql`chain_seq AS "chainSeq", chain_hash AS "chainHash"` : sql`NULL AS "chainSeq", NULL AS "chainHash"`;
    yield* this.paged<SignatureHead, number>(
      0,
      (after) => sql<SignatureHead>`
        SELECT id, printed_name AS "printedName", meaning, signed_at_utc AS "signedAtUtc", ${head}
        FROM signatures WHERE id > ${after} ORDER BY id LIMIT ${PAGE}`,
      (row) => row.id,
    );
  }

  /** The database's studies: `studies` from schema step 19, the one row of `study` before. */
  async studies(): Promise<StudyRow[]> {
    const { rows } = await sql<{ present: boolean }>`SELECT to_regclass('studies') IS NOT NULL AS present`.execute(this.db);
    const table = rows[0]?.present ? sql`studies` : sql`study`;
    return (await sql<StudyRow>`SELECT id, code FROM ${table} ORDER BY id`.execute(this.db)).rows;
  }

  /** Whether the rows name their study (schema step 20): a database from before holds one study. */
  private async rowsNameStudy(): Promise<boolean> {
    this.namesStudy ??= sql<{ n: number }>`
      SELECT count(*)::int AS n FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = 'kits' AND column_name = 'study_id'`
      .execute(this.db)
      .then(({ rows }) => rows[0]?.n === 1);
    return this.namesStudy;
  }
  private namesStudy: Promise<boolean> | null = null;

  /** A table's study column, or NULL in a database whose rows name none. */
  private async studyColumn(): Promise<(table: string) => ReturnType<typeof sql>> {
    const named = await this.rowsNameStudy();
    return (table) => (named ? sql.ref(`${table}.study_id`) : sql`NULL::integer`);
  }

  /**
   * Rows about kits, a page at a time by (study, kit number), the kits' key; by kit number alone in a database whose
   * rows name no study. `select` gives the columns after the study and the kit, `from` the table (aliased `t`).
   */
  private async *byKit<R>(select: ReturnType<typeof sql>, from: ReturnType<typeof sql>, where: ReturnType<typeof sql> = sql`TRUE`): AsyncIterableIterator<R & OfStudy & { kit: string }> {
    type Row = R & OfStudy & { kit: string };
    if (await this.rowsNameStudy()) {
      yield* this.paged<Row, [number, string]>(
        [0, ''],
        ([study, kit]) => sql<Row>`
          SELECT t.study_id AS study, t.kit_number AS kit, ${select} FROM ${from}
          WHERE ${where} AND (t.study_id, t.kit_number) > (${study}, ${kit}) ORDER BY t.study_id, t.kit_number LIMIT ${PAGE}`,
        (row) => [row.study!, row.kit],
      );
    } else {
      yield* this.paged<Row, string>(
        '',
        (kit) => sql<Row>`SELECT NULL::integer AS study, t.kit_number AS kit, ${select} FROM ${from} WHERE ${where} AND t.kit_number > ${kit} ORDER BY t.kit_number LIMIT ${PAGE}`,
        (row) => row.kit,
      );
    }
  }

  kitStatuses(): AsyncIterableIterator<OfStudy & { kit: string; status: string }> {
    return this.byKit<{ status: string }>(sql`t.status`, sql`kits t`);
  }

  receiptOutcomes(): AsyncIterableIterator<OfStudy & { kit: string; outcome: string }> {
    return this.byKit<{ outcome: string }>(sql`t.outcome`, sql`shipment_kits t`, sql`t.outcome <> 'expected'`);
  }

  async *dispensings(): AsyncIterableIterator<RecordedDispensing> {
    const study = await this.studyColumn();
    const rows = this.paged<OfStudy & { id: number; patient: string; visit: string; kits: string | null }, number>(
      0,
      (after) => sql`
        SELECT d.id, ${study('p')} AS study, p.screening_number AS patient, d.visit_code AS visit, string_agg(dk.kit_number, ',') AS kits
        FROM dispensings d JOIN patients p ON p.id = d.patient_id LEFT JOIN dispensing_kits dk ON dk.dispensing_id = d.id
        WHERE d.id > ${after} GROUP BY d.id, p.id ORDER BY d.id LIMIT ${PAGE}`,
      (row) => row.id,
    );
    for await (const row of rows) yield { study: row.study, patient: row.patient, visit: row.visit, kits: row.kits ? row.kits.split(',').sort() : [] };
  }

  async *returns(): AsyncIterableIterator<RecordedReturn> {
    const rows = this.byKit<Omit<RecordedReturn, 'verified' | 'study' | 'kit'> & { verified: boolean }>(
      sql`p.screening_number AS patient, t.condition, t.units_returned AS "unitsReturned", t.verified_at IS NOT NULL AS verified`,
      sql`kit_returns t JOIN patients p ON p.id = t.patient_id`,
    );
    for await (const row of rows) yield { ...row, unitsReturned: Number(row.unitsReturned), verified: row.verified === true };
  }

  destroyedKits(): AsyncIterableIterator<OfStudy & { kit: string; destruction: number }> {
    return this.byKit<{ destruction: number }>(sql`t.destruction_id AS destruction`, sql`destruction_kits t`);
  }

  async *patients(): AsyncIterableIterator<RecordedPatient> {
    const study = await this.studyColumn();
    const rows = this.paged<RecordedPatient & { id: number }, number>(
      0,
      (after) => sql`
        SELECT id, ${study('patients')} AS study, screening_number AS "screeningNumber", status, randomization_number AS "randomizationNumber", baseline_date AS "baselineDate"
        FROM patients WHERE id > ${after} ORDER BY id LIMIT ${PAGE}`,
      (row) => row.id,
    );
    for await (const { id: _id, ...row } of rows) yield row;
  }

  async *users(): AsyncIterableIterator<{ username: string; role: string; active: boolean }> {
    const rows = this.paged<{ id: number; username: string; role: string; active: number }, number>(
      0,
      (after) => sql`SELECT id, username, role, active FROM users WHERE id > ${after} ORDER BY id LIMIT ${PAGE}`,
      (row) => row.id,
    );
    for await (const row of rows) yield { username: row.username, role: row.role, active: Number(row.active) === 1 };
  }

  async *delegations(): AsyncIterableIterator<RecordedDelegation> {
    const { rows: found } = await sql<{ n: number }>`
      SELECT count(*)::int AS n FROM information_schema.tables WHERE table_schema = current_schema() AND table_name = 'delegations'`.execute(this.db);
    if (found[0]?.n !== 1) return;
    const rows = this.paged<RecordedDelegation & { id: number }, number>(
      0,
      (after) => sql`
        SELECT d.id, d.study_id AS study, u.username, d.role, d.starts_on AS "startsOn", d.ends_on AS "endsOn", d.ended_at IS NOT NULL AS ended,
                (d.granted_by IS NULL AND d.signature_id IS NULL AND d.reason IS NULL) AS "carriedOver"
        FROM delegations d JOIN users u ON u.id = d.user_id
        WHERE d.id > ${after} ORDER BY d.id LIMIT ${PAGE}`,
      (row) => row.id,
    );
    for await (const { id: _id, ...row } of rows) yield row;
  }

  async sealedColumns(): Promise<string[]> {
    const { rows } = await sql<{ col: string }>`
      SELECT table_name || '.' || column_name AS col FROM information_schema.columns
      WHERE table_schema = current_schema() AND column_name LIKE '%\\_sealed' ESCAPE '\\' ORDER BY 1`.execute(this.db);
    return rows.map((r) => r.col);
  }

  /** A page at a time by (study, row key): the same number may be used by two studies (migration 20). */
  async *sealedValues(table: string, rowKey: string, column: string): AsyncIterableIterator<OfStudy & { row: string; sealed: string | null }> {
    const study = (await this.rowsNameStudy()) ? sql.ref(`${table}.study_id`) : sql`0`;
    yield* this.paged<{ study: number; row: string; sealed: string | null }, [number, string]>(
      [0, ''],
      ([afterStudy, after]) =>
        sql`SELECT ${study} AS study, ${sql.ref(rowKey)} AS row, ${sql.ref(column)} AS sealed FROM ${sql.table(table)}
            WHERE (${study}, ${sql.ref(rowKey)}) > (${afterStudy}, ${after}) ORDER BY 1, 2 LIMIT ${PAGE}`,
      (row) => [row.study, row.row],
    );
  }

  /** A list read a page at a time, each page after the last key of the one before. */
  private async *paged<R, K>(first: K, page: (after: K) => ReturnType<typeof sql<R>>, keyOf: (row: R) => K): AsyncIterableIterator<R> {
    let after = first;
    for (;;) {
      const { rows } = await page(after).execute(this.db);
      yield* rows;
      if (rows.length < PAGE) return;
      after = keyOf(rows[rows.length - 1]!);
    }
  }
}
