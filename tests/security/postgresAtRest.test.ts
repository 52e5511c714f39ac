import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { openDatabase, type Db } from '../../main/core/db/database';
import { moveToPostgres, type MoveReport } from '../../main/core/db/moveToPostgres';
import { openPostgres } from '../../main/core/db/postgres';
import { NS_DUPI } from '../../main/core/demo/demoSeed';
import { demoCore, type TestCore } from '../helpers/core';
import { createPostgresDatabase } from '../helpers/postgres';

/**
 * Issue 13, item 6: the server never sees an arm. The demo database with its whole history (dispensings, returns,
 * labels, an emergency unblinding) is moved to PostgreSQL the way a pharmacy moves when it adds a workstation; then a
 * database superuser reads every table, and a thief of the server's disk reads its data files. Neither learns an arm,
 * a real lot or a real expiry of any kit.
 */
const ARM_WORDS = NS_DUPI.arms.flatMap((a) => [a.code, a.name]);
/** The demo's real lots and expiry dates (one per arm), which only the sealed columns may hold. */
const SEALED_FACTS = ['DP24A117', 'DP25B042', 'PL24C009', 'PL25D021', '2027-09-30', '2028-03-31', '2028-02-29'];

let t: TestCore;
let source: Db;
let pool: pg.Pool;
let url: string;
let report: MoveReport;

beforeAll(async () => {
  t = await demoCore({ history: true });
  source = openDatabase(t.dbFile);
  url = await createPostgresDatabase();
  pool = await openPostgres(url);
  report = await moveToPostgres(source, pool, 'postgres://veil@test/veil');
}, 120_000);
afterAll(async () => {
  source?.close();
  await pool?.end();
  t?.dispose();
});

async function everyTable(): Promise<Record<string, unknown[]>> {
  const tables = (await pool.query<{ name: string }>("SELECT table_name AS name FROM information_schema.tables WHERE table_schema = 'public' ORDER BY 1")).rows.map((r) => r.name);
  const out: Record<string, unknown[]> = {};
  for (const table of tables) out[table] = (await pool.query(`SELECT * FROM "${table}"`)).rows;
  return out;
}

/** Every place an arm word occurs within 512 characters of a kit or randomization number. */
function armsNextToNumbers(text: string, numbers: string[]): string[] {
  const found: string[] = [];
  for (const word of ARM_WORDS) {
    for (let at = text.indexOf(word); at !== -1; at = text.indexOf(word, at + 1)) {
      const around = text.slice(Math.max(0, at - 512), at + word.length + 512);
      for (const n of numbers) if (around.includes(n)) found.push(`${word} near ${n}`);
    }
  }
  return found;
}

describe('a database moved to PostgreSQL', () => {
  it('holds every row of the SQLite database, table for table', async () => {
    expect(report.rows).toBeGreaterThan(1000);
    for (const { table, rows } of report.tables) {
      // The SQLite file gained one setting after the copy: the mark that it was moved.
      const sqliteRows = (source.prepare(`SELECT count(*) AS n FROM "${table}"`).get() as { n: number }).n - (table === 'settings' ? 1 : 0);
      const pgRows = (await pool.query<{ n: number }>(`SELECT count(*)::int AS n FROM "${table}"`)).rows[0]!.n;
      expect({ table, pgRows }).toEqual({ table, pgRows: sqliteRows });
      expect(rows).toBe(sqliteRows);
    }
    // Identities go on after the copied rows.
    const next = await pool.query<{ id: number }>("INSERT INTO users (username, display_name, role, password_hash, created_at) VALUES ('new', 'New', 'monitor', 'x', 'now') RETURNING id");
    expect(next.rows[0]!.id).toBe((source.prepare('SELECT max(id) AS m FROM users').get() as { m: number }).m + 1);
  });

  it('tells a superuser reading every table no arm, real lot or real expiry of any kit or patient', async () => {
    const tables = await everyTable();
    const numbers = [...t.armOf.keys()];
    expect(numbers.length).toBeGreaterThanOrEqual(180);
    const dump = JSON.stringify(tables);
    expect(armsNextToNumbers(dump, numbers)).toEqual([]);
    const stock = JSON.stringify([tables.kits, tables.randomization_slots, tables.label_prints, tables.dispensing_kits, tables.kit_returns]);
    for (const word of [...ARM_WORDS, ...SEALED_FACTS]) expect(stock.includes(word), word).toBe(false);
    // The history is there (a dispensing, an unblinding): the scan read real data, not an empty copy.
    expect(tables.dispensings!.length).toBeGreaterThan(10);
    expect(tables.audit_events!.length).toBeGreaterThan(100);
  });

  it('tells a thief of the server\'s data files no arm next to a kit or randomization number', async () => {
    await pool.query('CHECKPOINT');
    const files: string[] = [];
    // Other test files run beside this one on the same server: a cache file or a WAL segment of theirs may go between
    // the listing and the read. Such a file is no longer on the disk for a thief either: it is passed over.
    const gone = (error: unknown) => (error as NodeJS.ErrnoException).code === 'ENOENT';
    const walk = (dir: string) => {
      for (const entry of readdirSync(dir)) {
        const path = join(dir, entry);
        try {
          const stat = statSync(path);
          if (stat.isDirectory()) walk(path);
          else if (stat.size > 0) files.push(path);
        } catch (error) {
          if (!gone(error)) throw error;
        }
      }
    };
    const dataDir = inject('postgresDataDir');
    // The moved database's own files, and the server's write-ahead log that every database writes through.
    const oid = (await pool.query<{ oid: number }>('SELECT oid FROM pg_database WHERE datname = current_database()')).rows[0]!.oid;
    walk(join(dataDir, 'base', String(oid)));
    walk(join(dataDir, 'pg_wal'));
    // File by file: the log holds every test's writes, together more than a string can hold (a row never spans
    // two files: pages are written whole).
    const kit = [...t.armOf.keys()].find((k) => /^\d+$/.test(k)) ?? 'no kit';
    let kitSeen = false;
    const leaks: string[] = [];
    for (const file of files) {
      let bytes: string;
      try {
        bytes = readFileSync(file).toString('latin1');
      } catch (error) {
        if (gone(error)) continue;
        throw error;
      }
      kitSeen ||= bytes.includes(kit);
      leaks.push(...armsNextToNumbers(bytes, [...t.armOf.keys()]));
    }
    // The copied kit numbers are in the files (the scan reads real data) ...
    expect(kitSeen).toBe(true);
    // ... but no arm word lies beside one.
    expect(leaks).toEqual([]);
  });
});

describe('the at-rest scan fails on a planted leak', () => {
  it('finds an arm written beside a kit number, in the tables and in the data files', async () => {
    const planted = await openPostgres(await createPostgresDatabase());
    try {
      const [kit, arm] = [...t.armOf.entries()][0]!;
      await planted.query("INSERT INTO settings (key, value) VALUES ('note', $1)", [`kit ${kit} holds ${arm}`]);
      const dump = JSON.stringify((await planted.query('SELECT * FROM settings')).rows);
      expect(armsNextToNumbers(dump, [kit])).toEqual([`${arm} near ${kit}`]);
    } finally {
      await planted.end();
    }
  });
});

describe('moving refuses what would split or mix a pharmacy\'s record', () => {
  it('a moved SQLite file is not opened for writing again, and is not moved twice', async () => {
    expect(() => openDatabase(t.dbFile)).toThrow(/was moved to PostgreSQL \(postgres:\/\/veil@test\/veil\); open that database instead/);
    const again = await openPostgres(await createPostgresDatabase());
    try {
      await expect(moveToPostgres(source, again, 'elsewhere')).rejects.toThrow(/already moved, to postgres:\/\/veil@test\/veil/);
    } finally {
      await again.end();
    }
  });

  it('a PostgreSQL database that already holds Veil data receives nothing', async () => {
    const other = await demoCore();
    const otherSource = openDatabase(other.dbFile);
    try {
      await expect(moveToPostgres(otherSource, pool, 'x')).rejects.toThrow(/already holds Veil data .*nothing was copied/);
      const users = (await pool.query<{ n: number }>('SELECT count(*)::int AS n FROM users')).rows[0]!.n;
      expect(users).toBe((source.prepare('SELECT count(*) AS n FROM users').get() as { n: number }).n + 1);
    } finally {
      otherSource.close();
      other.dispose();
    }
  });
});

it('the PostgreSQL URL the tests use is a throw-away server', () => {
  expect(url).toMatch(/^postgres:\/\/veil:[^@]+@127\.0\.0\.1:\d+\/veil_t/);
});
