import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedDemo, type DemoResult } from '../../main/core/demo/demoSeed';
import { postgresSchemaVersion } from '../../main/core/db/postgres';
import { migrations } from '../../main/core/db/migrations/index';
import { desktopDatabase } from '../../main/core/system/databaseChoice';
import { openVeilCoreInternals, type VeilCoreInternals } from '../../main/core/veilCore';
import { FakeClock } from '../helpers/core';
import { createPostgresDatabase } from '../helpers/postgres';

/**
 * Issue 13, item 4: the administrator chooses, on the desktop, the database the workstation opens at its next start.
 * A trial connection writes nothing; a choice is tried first, saved readable by the workstation's account only, and
 * audited in the records the workstation leaves; the password never comes back. Then the next start opens it.
 */
let folder: string;
let core: VeilCoreInternals;
let demo: DemoResult;
const choiceFile = () => join(folder, 'database.json');

type Answer = { ok: true; value: unknown } | { ok: false; error: { code: string; message: string; key?: string } };
const as = (window: string, channel: string, input: unknown = {}) => core.dispatch(window, channel, input) as Promise<Answer>;
const valueOf = <T>(answer: Answer): T => {
  if (!answer.ok) throw new Error(`${answer.error.code}: ${answer.error.message}`);
  return answer.value as T;
};
const passwordOf = (url: string) => decodeURIComponent(new URL(url).password);

beforeAll(async () => {
  folder = mkdtempSync(join(tmpdir(), 'veil-database-choice-'));
  const clock = new FakeClock();
  core = await openVeilCoreInternals({ dbFile: join(folder, 'veil.db'), mode: 'desktop', clock, idleSweepMs: 0, desktopDatabase: { choiceFile: choiceFile(), ownFile: join(folder, 'veil.db'), fromEnvironment: false } });
  demo = await seedDemo(core, clock, { history: false });
  for (const role of ['administrator', 'investigator', 'unblinded_pharmacist'] as const) {
    const user = demo.users.find((u) => u.role === role)!;
    valueOf(await as(role, 'session.login', { username: user.username, password: user.password }));
  }
}, 120_000);
afterAll(() => {
  core?.close();
  rmSync(folder, { recursive: true, force: true });
});

/** A new database's address, with the throw-away server's password in it (scram over TCP). */
async function serverWithPassword(): Promise<string> {
  const url = await createPostgresDatabase();
  expect(passwordOf(url).length).toBeGreaterThan(8);
  return url;
}

describe("the workstation's database, chosen by the administrator", () => {
  it('shows the database in use: this workstation file, nothing else chosen yet, changeable here', async () => {
    expect(valueOf(await as('administrator', 'system.databaseConnection'))).toEqual({ current: { engine: 'sqlite', where: join(folder, 'veil.db'), caFile: null }, next: null, fixedBy: null });
  });

  it('tries a server and writes nothing there: an empty database is told as empty, and stays empty', async () => {
    const url = await serverWithPassword();
    const probe = valueOf<{ where: string; schemaVersion: number; knownVersion: number; state: string }>(await as('administrator', 'system.testDatabaseConnection', { engine: 'postgres', url, caFile: null }));
    expect(probe).toEqual({ where: expect.stringMatching(/^postgres:\/\/veil@127\.0\.0\.1:\d+\/veil_t\w+$/), schemaVersion: 0, knownVersion: migrations.length, state: 'empty' });
    expect(JSON.stringify(probe)).not.toContain(passwordOf(url));
    const pool = new pg.Pool({ connectionString: url });
    try {
      expect(await postgresSchemaVersion(pool)).toBe(0);
    } finally {
      await pool.end();
    }
  });

  it('tells wrong credentials, a server that does not answer, a bad address and an unreadable CA file each in words; nothing is saved', async () => {
    const wrong = new URL(await createPostgresDatabase());
    wrong.password = 'not-the-password';
    const refused = await as('administrator', 'system.testDatabaseConnection', { engine: 'postgres', url: wrong.href, caFile: null });
    expect(refused).toMatchObject({ ok: false, error: { code: 'storage', message: expect.stringMatching(/refused the user name or password of "veil"/) } });
    expect(JSON.stringify(refused)).not.toContain('not-the-password');
    const down = await as('administrator', 'system.testDatabaseConnection', { engine: 'postgres', url: 'postgres://veil@127.0.0.1:1/pharmacy', caFile: null });
    expect(down).toMatchObject({ ok: false, error: { code: 'storage', message: expect.stringMatching(/does not answer/) } });
    const bad = await as('administrator', 'system.testDatabaseConnection', { engine: 'postgres', url: 'http://db.pharmacy.local/veil', caFile: null });
    expect(bad).toMatchObject({ ok: false, error: { code: 'validation', message: expect.stringMatching(/not a PostgreSQL address/) } });
    const ca = await as('administrator', 'system.testDatabaseConnection', { engine: 'postgres', url: await createPostgresDatabase(), caFile: join(folder, 'no-such-ca.pem') });
    expect(ca).toMatchObject({ ok: false, error: { code: 'validation', key: 'system.caFileUnreadable' } });
    const saved = await as('administrator', 'system.saveDatabaseConnection', { engine: 'postgres', url: 'postgres://veil@127.0.0.1:1/pharmacy', caFile: null });
    expect(saved).toMatchObject({ ok: false, error: { code: 'storage' } });
    expect(existsSync(choiceFile())).toBe(false);
    const events = await core.store.q().selectFrom('audit_events').select('action').where('action', '=', 'settings.database_changed').execute();
    expect(events).toEqual([]);
  });

  it('refuses every blinded and unblinded user who is not the administrator', async () => {
    for (const window of ['investigator', 'unblinded_pharmacist']) {
      for (const [channel, input] of [
        ['system.databaseConnection', {}],
        ['system.testDatabaseConnection', { engine: 'postgres', url: 'postgres://veil@127.0.0.1:1/pharmacy', caFile: null }],
        ['system.saveDatabaseConnection', { engine: 'sqlite' }],
      ] as const) {
        expect(await as(window, channel, input), `${window} ${channel}`).toMatchObject({ ok: false, error: { code: 'forbidden' } });
      }
    }
  });

  it('saves a server for the next start: the file is readable by this account only, the answer and the audit trail name the server without its password; the next start opens it', async () => {
    const url = await serverWithPassword();
    const answer = valueOf<{ current: { engine: string }; next: { engine: string; where: string } }>(await as('administrator', 'system.saveDatabaseConnection', { engine: 'postgres', url, caFile: null }));
    expect(answer.current.engine).toBe('sqlite');
    expect(answer.next).toMatchObject({ engine: 'postgres', where: expect.stringMatching(/^postgres:\/\/veil@127\.0\.0\.1:\d+\/veil_t/) });
    expect(JSON.stringify(answer)).not.toContain(passwordOf(url));
    expect(statSync(choiceFile()).mode & 0o777).toBe(0o600);
    expect(JSON.parse(readFileSync(choiceFile(), 'utf8')).choice.url).toBe(url);
    const events = await core.store.q().selectFrom('audit_events').select(['action', 'after_json']).where('action', '=', 'settings.database_changed').execute();
    expect(events).toHaveLength(1);
    expect(events[0]!.after_json).toContain(answer.next.where);
    expect(events[0]!.after_json).not.toContain(passwordOf(url));

    // The next start: the desktop resolves the saved choice and opens the server, bringing its empty schema up to date.
    const next = desktopDatabase({ ownFile: join(folder, 'veil.db'), choiceFile: choiceFile(), env: {} });
    expect(next.from).toBe('setting');
    expect(next.location.engine).toBe('postgres');
    const started = await openVeilCoreInternals({ database: next.location.engine === 'postgres' ? next.location.url.href : '', dataFolder: folder, mode: 'desktop', idleSweepMs: 0 });
    try {
      const info = valueOf<{ schemaVersion: number }>((await started.dispatch('w', 'system.info', {})) as Answer);
      expect(info.schemaVersion).toBe(migrations.length);
    } finally {
      started.close();
    }

    // And back to this workstation's own file.
    const back = valueOf<{ next: unknown }>(await as('administrator', 'system.saveDatabaseConnection', { engine: 'sqlite' }));
    expect(back.next).toBeNull();
    expect(desktopDatabase({ ownFile: join(folder, 'veil.db'), choiceFile: choiceFile(), env: {} }).location).toEqual({ engine: 'sqlite', file: join(folder, 'veil.db') });
  });

  it('is not changed here when veil serve or VEIL_DATABASE_URL chose the database, and says which', async () => {
    const served = await openVeilCoreInternals({ dbFile: join(folder, 'veil.db'), mode: 'browser', idleSweepMs: 0 });
    const envFolder = mkdtempSync(join(tmpdir(), 'veil-database-env-'));
    try {
      const admin = demo.users.find((u) => u.role === 'administrator')!;
      valueOf((await served.dispatch('a', 'session.login', { username: admin.username, password: admin.password })) as Answer);
      expect(valueOf<{ fixedBy: string }>((await served.dispatch('a', 'system.databaseConnection', {})) as Answer).fixedBy).toBe('browser');
      expect(await served.dispatch('a', 'system.saveDatabaseConnection', { engine: 'sqlite' })).toMatchObject({ ok: false, error: { code: 'conflict', key: 'system.databaseFixedByBrowser' } });
    } finally {
      served.close();
    }
    const fromEnvironment = await openVeilCoreInternals({ dbFile: join(folder, 'veil.db'), mode: 'desktop', idleSweepMs: 0, desktopDatabase: { choiceFile: join(envFolder, 'database.json'), ownFile: join(folder, 'veil.db'), fromEnvironment: true } });
    try {
      const admin = demo.users.find((u) => u.role === 'administrator')!;
      valueOf((await fromEnvironment.dispatch('a', 'session.login', { username: admin.username, password: admin.password })) as Answer);
      expect(valueOf<{ fixedBy: string }>((await fromEnvironment.dispatch('a', 'system.databaseConnection', {})) as Answer).fixedBy).toBe('environment');
      expect(await fromEnvironment.dispatch('a', 'system.saveDatabaseConnection', { engine: 'sqlite' })).toMatchObject({ ok: false, error: { code: 'conflict', key: 'system.databaseFixedByEnvironment' } });
      expect(existsSync(join(envFolder, 'database.json'))).toBe(false);
    } finally {
      fromEnvironment.close();
      rmSync(envFolder, { recursive: true, force: true });
    }
  });

  it('refuses to start on a setting file it did not write, in words', () => {
    const file = join(folder, 'broken.json');
    writeFileSync(file, '{"choice": {"engine": "oracle"}}');
    expect(() => desktopDatabase({ ownFile: join(folder, 'veil.db'), choiceFile: file, env: {} })).toThrow(/not one Veil wrote\. Delete it/);
  });
});
