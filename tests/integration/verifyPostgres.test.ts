import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedDemo } from '../../main/core/demo/demoSeed';
import { openVeilCoreInternals } from '../../main/core/veilCore';
import { FakeClock } from '../helpers/core';
import { createPostgresDatabase } from '../helpers/postgres';
import { VEIL_CLI } from '../helpers/veilCli';

/** `veil verify --database postgres://…` (issue 13, item 4): the same checks as on a file, read from the server. */
let url: string;
let dataFolder: string;

function veil(...args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [VEIL_CLI, ...args], { env: { ...process.env, VEIL_DATABASE_URL: '' }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/** As the server's superuser: what someone with the database's rights could do behind Veil's back. */
async function asSuperuser(...statements: string[]): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    for (const statement of statements) await client.query(statement);
  } finally {
    await client.end();
  }
}

beforeAll(async () => {
  url = await createPostgresDatabase();
  dataFolder = mkdtempSync(join(tmpdir(), 'veil-verify-pg-'));
  const clock = new FakeClock();
  const core = await openVeilCoreInternals({ database: url, dataFolder, mode: 'browser', clock, idleSweepMs: 0 });
  await seedDemo(core, clock, { history: true });
  await core.close();
}, 300_000);
afterAll(() => rmSync(dataFolder, { recursive: true, force: true }));

describe('veil verify on PostgreSQL', () => {
  it('passes the demo with its history, with this workstation\'s anchors, and writes nothing', async () => {
    const before = await countRows();
    const r = await veil('verify', '--database', url, '--data', dataFolder);
    expect(r.stderr).toBe('');
    expect(r.stdout).toMatch(/^OK: postgres:\/\/.*the append-only triggers, the recorded state/);
    expect(r.stdout).toMatch(/Anchors: the last of \d+ anchors .* is in the chain, signed by the anchor key/);
    expect(r.stdout).toContain('PostgreSQL checks its own pages');
    expect(r.code).toBe(0);
    expect(await countRows()).toEqual(before);
    // Another workstation's folder has no anchors of this database: said plainly, not a failure.
    const elsewhere = await veil('verify', '--database', url, '--data', join(dataFolder, 'elsewhere'));
    expect(elsewhere.code).toBe(0);
    expect(elsewhere.stdout).toContain('This workstation keeps no anchors of this database');
  }, 120_000);

  it('a server that does not answer and a bad address are told plainly', async () => {
    const down = await veil('verify', '--database', 'postgres://veil@127.0.0.1:1/veil');
    expect(down.code).toBe(1);
    expect(down.stderr).toMatch(/does not answer/);
    const bad = await veil('verify', '--database', 'postgres://127.0.0.1:5432');
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/names no database/);
  }, 60_000);

  it('fails on a kit status changed behind the trail, naming the kit', async () => {
    const kit = await firstKitWithStatus('available');
    await asSuperuser(`UPDATE kits SET status = 'quarantined' WHERE kit_number = '${kit}'`);
    const r = await veil('verify', '--database', url, '--data', dataFolder);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/^FAILED: /);
    expect(r.stdout).toContain(`kit ${kit}: its status is "quarantined", but its audit events leave it "available"`);
    await asSuperuser(`UPDATE kits SET status = 'available' WHERE kit_number = '${kit}'`);
    expect((await veil('verify', '--database', url, '--data', dataFolder)).code).toBe(0);
  }, 120_000);

  it('fails on a trigger disabled and an event edited, naming both', async () => {
    await asSuperuser('ALTER TABLE audit_events DISABLE TRIGGER audit_events_no_update', "UPDATE audit_events SET reason = 'edited' WHERE seq = 7");
    const r = await veil('verify', '--database', url, '--data', dataFolder);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/the append-only triggers audit_events_no_update are missing, disabled or no longer refuse changes/);
    expect(r.stdout).toMatch(/audit trail broken at event 7: its content was changed after it was written/);
  }, 120_000);
});

async function countRows(): Promise<Record<string, number>> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const counts: Record<string, number> = {};
    for (const table of ['audit_events', 'signatures', 'kits', 'patients']) {
      counts[table] = Number((await client.query(`SELECT count(*) AS n FROM ${table}`)).rows[0].n);
    }
    return counts;
  } finally {
    await client.end();
  }
}

async function firstKitWithStatus(status: string): Promise<string> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query('SELECT kit_number FROM kits WHERE status = $1 ORDER BY kit_number LIMIT 1', [status])).rows[0].kit_number as string;
  } finally {
    await client.end();
  }
}
