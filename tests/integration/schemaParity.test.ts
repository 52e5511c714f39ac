import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, tableNames, type Db } from '../../main/core/db/database';
import { migrations } from '../../main/core/db/migrations/index';
import { migratePostgres, postgresSchemaVersion } from '../../main/core/db/postgres';
import { createPostgresDatabase } from '../helpers/postgres';

/**
 * Issue 13, item 3: the same steps give the same schema on both engines. Each engine is described in one neutral
 * shape (tables; columns with type, NOT NULL, primary key and default; unique and plain indexes by their columns;
 * foreign keys; triggers), read from its own catalogue, and the two are compared table by table.
 */
interface Column {
  type: 'integer' | 'text';
  notNull: boolean;
  primaryKey: boolean;
  default: string | null;
}
interface TableShape {
  columns: Record<string, Column>;
  /** "unique a,b" or "index a,b": every index but the primary key's. */
  indexes: string[];
  /** "col -> table(col)", one per column of a foreign key. */
  foreignKeys: string[];
}
type Schema = Record<string, TableShape>;

/** Triggers PostgreSQL has and SQLite cannot: TRUNCATE does not exist in SQLite. */
const POSTGRES_ONLY_TRIGGERS = ['audit_events_no_truncate', 'signatures_no_truncate'];

const normalDefault = (value: string | null): string | null => (value === null ? null : value.replace(/::text$/, '').replace(/^\((.*)\)$/, '$1'));

function sqliteSchema(db: Db): { tables: Schema; triggers: string[] } {
  const tables: Schema = {};
  const names = tableNames(db);
  for (const table of names) {
    const columns: Record<string, Column> = {};
    for (const c of db.pragma(`table_info(${table})`) as Array<{ name: string; type: string; notnull: number; pk: number; dflt_value: string | null }>) {
      const integerKey = c.pk > 0 && c.type === 'INTEGER';
      // An INTEGER PRIMARY KEY is SQLite's rowid: never null, whatever the column says.
      columns[c.name] = { type: c.type.toLowerCase() as Column['type'], notNull: c.notnull === 1 || c.pk > 0, primaryKey: c.pk > 0, default: integerKey ? null : normalDefault(c.dflt_value) };
    }
    const indexes: string[] = [];
    for (const i of db.pragma(`index_list(${table})`) as Array<{ name: string; unique: number; origin: string }>) {
      if (i.origin === 'pk') continue;
      const cols = (db.pragma(`index_info(${i.name})`) as Array<{ name: string }>).map((c) => c.name).join(',');
      indexes.push(`${i.unique ? 'unique' : 'index'} ${cols}`);
    }
    const foreignKeys = (db.pragma(`foreign_key_list(${table})`) as Array<{ from: string; table: string; to: string }>).map((f) => `${f.from} -> ${f.table}(${f.to})`);
    tables[table] = { columns, indexes: indexes.sort(), foreignKeys: foreignKeys.sort() };
  }
  const triggers = (db.prepare("SELECT name FROM sqlite_master WHERE type = 'trigger' ORDER BY name").all() as Array<{ name: string }>).map((r) => r.name);
  return { tables, triggers };
}

async function postgresSchema(client: pg.Pool): Promise<{ tables: Schema; triggers: string[] }> {
  const tables: Schema = {};
  const names = (
    await client.query<{ name: string }>("SELECT table_name AS name FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE' AND table_name <> 'veil_schema_version' ORDER BY 1")
  ).rows.map((r) => r.name);
  for (const table of names) {
    const pk = new Set(
      (
        await client.query<{ name: string }>(
          `SELECT a.attname AS name FROM pg_index i JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = ANY(i.indkey)
           WHERE i.indrelid = $1::regclass AND i.indisprimary`,
          [table],
        )
      ).rows.map((r) => r.name),
    );
    const columns: Record<string, Column> = {};
    for (const c of (
      await client.query<{ name: string; type: string; nullable: string; dflt: string | null; identity: string }>(
        `SELECT column_name AS name, data_type AS type, is_nullable AS nullable, column_default AS dflt, is_identity AS identity
         FROM information_schema.columns WHERE table_schema = 'public' AND table_name = $1 ORDER BY ordinal_position`,
        [table],
      )
    ).rows) {
      // SQLite's INTEGER holds 64 bits; PostgreSQL spells a column that outgrows 32 bits (epoch milliseconds) bigint.
      columns[c.name] = { type: (c.type === 'bigint' ? 'integer' : c.type) as Column['type'], notNull: c.nullable === 'NO', primaryKey: pk.has(c.name), default: c.identity === 'YES' ? null : normalDefault(c.dflt) };
    }
    const indexes = (
      await client.query<{ unique: boolean; cols: string }>(
        `SELECT i.indisunique AS unique,
                (SELECT string_agg(a.attname, ',' ORDER BY k.ord) FROM unnest(i.indkey) WITH ORDINALITY AS k(attnum, ord)
                   JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k.attnum) AS cols
         FROM pg_index i WHERE i.indrelid = $1::regclass AND NOT i.indisprimary`,
        [table],
      )
    ).rows.map((r) => `${r.unique ? 'unique' : 'index'} ${r.cols}`);
    const foreignKeys = (
      await client.query<{ fk: string }>(
        // One line per column pair, as SQLite lists a foreign key of several columns (a kit by study and number).
        `SELECT a.attname || ' -> ' || rt.relname || '(' || ra.attname || ')' AS fk
         FROM pg_constraint c
         CROSS JOIN LATERAL unnest(c.conkey, c.confkey) AS k(col, ref)
         JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = k.col
         JOIN pg_class rt ON rt.oid = c.confrelid
         JOIN pg_attribute ra ON ra.attrelid = c.confrelid AND ra.attnum = k.ref
         WHERE c.contype = 'f' AND c.conrelid = $1::regclass`,
        [table],
      )
    ).rows.map((r) => r.fk);
    tables[table] = { columns, indexes: indexes.sort(), foreignKeys: foreignKeys.sort() };
  }
  const triggers = (await client.query<{ name: string }>('SELECT DISTINCT tgname AS name FROM pg_trigger WHERE NOT tgisinternal ORDER BY 1')).rows.map((r) => r.name);
  return { tables, triggers };
}

describe('one schema on two engines (issue 13)', () => {
  let dir: string;
  let sqlite: Db;
  let pool: pg.Pool;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'veil-parity-'));
    sqlite = openDatabase(join(dir, 'veil.db'));
    pool = new pg.Pool({ connectionString: await createPostgresDatabase() });
    await migratePostgres(pool);
  });
  afterAll(async () => {
    sqlite?.close();
    await pool?.end();
    rmSync(dir, { recursive: true, force: true });
  });

  it('brings PostgreSQL to the same version as SQLite', async () => {
    expect(await postgresSchemaVersion(pool)).toBe(migrations.length);
    expect(sqlite.pragma('user_version', { simple: true })).toBe(migrations.length);
  });

  it('has the same tables, and in each the same columns, keys, indexes and foreign keys', async () => {
    const a = sqliteSchema(sqlite);
    const b = await postgresSchema(pool);
    expect(Object.keys(b.tables)).toEqual(Object.keys(a.tables));
    expect(Object.keys(a.tables).length).toBeGreaterThan(20);
    for (const table of Object.keys(a.tables)) {
      expect({ table, ...b.tables[table] }).toEqual({ table, ...a.tables[table] });
    }
  });

  it('has the same append-only triggers (and PostgreSQL refuses TRUNCATE too)', async () => {
    const a = sqliteSchema(sqlite).triggers;
    const b = (await postgresSchema(pool)).triggers;
    expect(b.filter((t) => !POSTGRES_ONLY_TRIGGERS.includes(t))).toEqual(a);
    expect(b).toEqual(expect.arrayContaining(POSTGRES_ONLY_TRIGGERS));
  });

  it('refuses to change or delete audit events on PostgreSQL, as on SQLite', async () => {
    await pool.query(`INSERT INTO audit_events (seq, at_utc, at_offset, username, action, entity_type, entity_id, prev_hash, hash)
                      VALUES (1, '2026-12-04T10:00:00.000Z', '+00:00', 'system', 'test', 'test', '1', 'x', 'y')`);
    await expect(pool.query("UPDATE audit_events SET action = 'forged' WHERE seq = 1")).rejects.toThrow(/append-only/);
    await expect(pool.query('DELETE FROM audit_events')).rejects.toThrow(/append-only/);
    await expect(pool.query('TRUNCATE audit_events')).rejects.toThrow(/append-only/);
    expect((await pool.query('SELECT action FROM audit_events')).rows).toEqual([{ action: 'test' }]);
  });
});
