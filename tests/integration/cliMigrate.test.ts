import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { migrate, openDatabase } from '../../main/core/db/database';
import { migrations } from '../../main/core/db/migrations/index';
import { createPostgresDatabase } from '../helpers/postgres';
import { VEIL_CLI } from '../helpers/veilCli';

/** `veil migrate` on both engines (issue 13, item 4). */
const dir = mkdtempSync(join(tmpdir(), 'veil-cli-migrate-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Asynchronous, unlike cli.test's helper: the throw-away PostgreSQL server answers in this same process' event loop. */
function veil(env: Record<string, string>, ...args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [VEIL_CLI, ...args], { env: { ...process.env, VEIL_DATABASE_URL: '', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

const LATEST = migrations.length;

describe('veil migrate', () => {
  it('brings an SQLite file of an older version to the latest, and says from which', async () => {
    const file = join(dir, 'v9.db');
    const raw = new Database(file);
    migrate(raw, 9);
    raw.close();
    const r = await veil({}, 'migrate', '--db', file);
    expect(r.stderr).toBe('');
    expect(JSON.parse(r.stdout)).toEqual({ engine: 'sqlite', database: file, before: 9, after: LATEST, latest: LATEST });
    expect(r.code).toBe(0);
  });

  it('creates Veil\'s tables in an empty PostgreSQL database, and a second run changes nothing', async () => {
    const url = await createPostgresDatabase();
    const first = await veil({}, 'migrate', '--database', url);
    expect(first.code).toBe(0);
    const report = JSON.parse(first.stdout);
    expect(report).toMatchObject({ engine: 'postgres', before: 0, after: LATEST, latest: LATEST });
    // The address is shown without its password.
    expect(first.stdout).not.toContain(new URL(url).password);
    const second = await veil({ VEIL_DATABASE_URL: url }, 'migrate');
    expect(JSON.parse(second.stdout)).toMatchObject({ engine: 'postgres', before: LATEST, after: LATEST });
  });

  it('refuses wrong credentials plainly and writes nothing', async () => {
    const url = await createPostgresDatabase();
    const wrong = url.replace(/^postgres:\/\/veil:[^@]+@/, 'postgres://veil:wrong@');
    const r = await veil({}, 'migrate', '--database', wrong);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/refused the user name or password of "veil"\. Check the credentials; nothing was changed\./);
    expect(r.stderr).not.toContain('wrong');
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    const tables = await client.query("SELECT count(*)::int AS n FROM information_schema.tables WHERE table_schema = 'public'");
    await client.end();
    expect(tables.rows).toEqual([{ n: 0 }]);
  });

  it('moves an SQLite database into an empty PostgreSQL one, then refuses to write to the moved file', async () => {
    const file = join(dir, 'bench.db');
    const db = openDatabase(file);
    db.prepare("INSERT INTO users (username, display_name, role, password_hash, created_at) VALUES ('pharma', 'P', 'unblinded_pharmacist', 'x', 'now')").run();
    db.close();
    const url = await createPostgresDatabase();
    expect((await veil({}, 'migrate', '--database', url)).code).toBe(0);
    const moved = await veil({}, 'move-to-postgres', '--db', file, '--database', url);
    expect(moved.stderr).toBe('');
    const report = JSON.parse(moved.stdout);
    expect(report.rows).toBe(1);
    expect(report.tables.find((r: { table: string }) => r.table === 'users')).toMatchObject({ rows: 1 });
    expect(moved.stdout).not.toContain(new URL(url).password);
    const after = await veil({}, 'migrate', '--db', file);
    expect(after.code).toBe(1);
    expect(after.stderr).toMatch(/was moved to PostgreSQL .*open that database instead/);
  });

  it('says what is wrong with a bad address or with two databases at once', async () => {
    const bad = await veil({}, 'migrate', '--database', 'localhost/veil');
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/not a PostgreSQL address/);
    const both = await veil({}, 'migrate', '--db', join(dir, 'x.db'), '--database', 'postgres://a@b/c');
    expect(both.code).toBe(2);
    expect(both.stderr).toMatch(/either --db FILE \(SQLite\) or --database postgres:\/\/… \(PostgreSQL\), not both/);
  });
});
