import { createHash } from 'node:crypto';
import type pg from 'pg';
import { VeilError } from '../../../shared/errors';
import { MOVED_TO_SETTING, schemaVersion, tableNames, type Db } from './database';
import { migrations } from './migrations/index';
import { postgresSchemaVersion } from './postgres';

/**
 * Moving a pharmacy's SQLite database to PostgreSQL when it adds a second workstation (issue 13). Every row of every
 * table is copied as it is (sealed values stay sealed: the key never leaves the main process, and nothing is opened to
 * move it), in one PostgreSQL transaction, into a database Veil has set up and nothing has written to. Then each
 * table is compared, row for row, by a digest computed the same way on both sides; only then is the move committed and
 * the SQLite file marked as moved, so that nobody goes on working in it by mistake.
 */
export interface MoveReport {
  tables: Array<{ table: string; rows: number; sha256: string }>;
  rows: number;
}

const BATCH = 500;

/** Tables in an order that inserts every row after the rows its foreign keys point to. */
function tablesInKeyOrder(db: Db): string[] {
  const tables = tableNames(db);
  const needs = new Map(tables.map((t) => [t, new Set((db.pragma(`foreign_key_list(${t})`) as Array<{ table: string }>).map((f) => f.table).filter((p) => p !== t))]));
  const ordered: string[] = [];
  while (ordered.length < tables.length) {
    const ready = tables.filter((t) => !ordered.includes(t) && [...needs.get(t)!].every((p) => ordered.includes(p)));
    if (ready.length === 0) throw new Error('The tables refer to each other in a circle; they cannot be copied in order.');
    ordered.push(...ready);
  }
  return ordered;
}

function columnsOf(db: Db, table: string): string[] {
  return (db.pragma(`table_info(${table})`) as Array<{ name: string }>).map((c) => c.name);
}

/**
 * The same digest on both engines: one JSON line per row (each value as text, or null), lines sorted here rather than
 * by the databases, whose text collations may differ.
 */
function digest(rows: Array<Record<string, unknown>>, names: string[]): string {
  const lines = rows.map((row) => JSON.stringify(names.map((n) => (row[n] === null || row[n] === undefined ? null : String(row[n]))))).sort();
  const hash = createHash('sha256');
  for (const line of lines) hash.update(line + '\n');
  return hash.digest('hex');
}

const quoted = (name: string) => `"${name.replace(/"/g, '""')}"`;

export async function moveToPostgres(source: Db, pool: pg.Pool, target: string): Promise<MoveReport> {
  const sourceVersion = schemaVersion(source);
  if (sourceVersion !== migrations.length) throw new VeilError('conflict', `The SQLite database is at schema ${sourceVersion}, not ${migrations.length}: open it with this Veil first (veil migrate), then move it.`);
  const moved = source.prepare('SELECT value FROM settings WHERE key = ?').get(MOVED_TO_SETTING) as { value: string } | undefined;
  if (moved) throw new VeilError('conflict', `This SQLite database was already moved, to ${moved.value}.`);
  const report: MoveReport = { tables: [], rows: 0 };
  const client = await pool.connect();
  try {
    if ((await postgresSchemaVersion(client)) !== migrations.length) throw new VeilError('conflict', 'The PostgreSQL database is not at this Veil\'s schema: run veil migrate on it first.');
    const tables = tablesInKeyOrder(source);
    for (const table of tables) {
      const { rows } = await client.query(`SELECT 1 FROM ${quoted(table)} LIMIT 1`);
      if (rows.length > 0) throw new VeilError('conflict', `The PostgreSQL database already holds Veil data (table ${table}): a move goes into an empty Veil database only; nothing was copied.`);
    }
    await client.query('BEGIN ISOLATION LEVEL SERIALIZABLE');
    try {
      for (const table of tables) {
        const names = columnsOf(source, table);
        // Parents before children within a table too (none today refers to itself, but rowid order is insertion order).
        const rows = source.prepare(`SELECT ${names.map(quoted).join(', ')} FROM ${quoted(table)} ORDER BY rowid`).all() as Array<Record<string, unknown>>;
        for (let start = 0; start < rows.length; start += BATCH) {
          const batch = rows.slice(start, start + BATCH);
          const values: unknown[] = [];
          const tuples = batch.map((row) => `(${names.map((n) => (values.push(row[n]), `$${values.length}`)).join(', ')})`);
          await client.query(`INSERT INTO ${quoted(table)} (${names.map(quoted).join(', ')}) VALUES ${tuples.join(', ')}`, values);
        }
        // An identity goes on from the highest id copied, so the next row PostgreSQL numbers does not collide.
        const identity = names.includes('id') ? (await client.query<{ seq: string | null }>('SELECT pg_get_serial_sequence($1, $2) AS seq', [table, 'id'])).rows[0]?.seq : null;
        if (identity) {
          await client.query(`SELECT setval($1, COALESCE((SELECT max(id) FROM ${quoted(table)}), 1), (SELECT max(id) IS NOT NULL FROM ${quoted(table)}))`, [identity]);
        }
        const copied = await client.query(`SELECT ${names.map(quoted).join(', ')} FROM ${quoted(table)}`);
        const expected = digest(rows, names);
        const found = digest(copied.rows as Array<Record<string, unknown>>, names);
        if (copied.rows.length !== rows.length || found !== expected) {
          throw new VeilError('internal', `Table ${table} did not arrive whole in PostgreSQL (${copied.rows.length} of ${rows.length} rows, digest differs); nothing was copied.`);
        }
        report.tables.push({ table, rows: rows.length, sha256: expected });
        report.rows += rows.length;
      }
      await client.query('COMMIT');
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    }
  } finally {
    client.release();
  }
  source.prepare('INSERT INTO settings (key, value) VALUES (?, ?)').run(MOVED_TO_SETTING, target);
  return report;
}
