import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { schemaVersion } from '../../main/core/db/database';
import { migrations } from '../../main/core/db/migrations/index';
import { verifyChain } from '../../main/core/audit/auditTrail';
import { openVeilCoreInternals } from '../../main/core/veilCore';
import { VEIL_CLI } from '../helpers/veilCli';

/**
 * Issue 14's done-when: "an existing single-study database upgrades in place and keeps its audit chain valid". The
 * fixture is a database as a released Veil wrote it: the NS-DUPI demo with its history (1,200 audit events, dispensings,
 * returns, a destruction, the cold chain) seeded by Veil at schema 19 (commit d7e953a, `seedDemo` with history), with
 * the audit anchors it countersigned and the anchor key of the data folder it was written in; users.json holds the
 * demo users' passwords of that seed. Nothing here writes the fixture: it is copied into a folder of its own.
 */
const FIXTURE = join(__dirname, 'fixtures', 'demo-v19');
const dir = mkdtempSync(join(tmpdir(), 'veil-upgrade-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const file = join(dir, 'veil-demo.db');
const anchorKey = join(dir, 'veil-audit-anchor.key');
const passwords = JSON.parse(readFileSync(join(FIXTURE, 'users.json'), 'utf8')) as Record<string, string>;

/** `veil verify` as the pharmacist, who holds the allocation key: the sealed values are authenticated too. */
function verify(): { code: number | null; stdout: string } {
  const r = spawnSync(process.execPath, [VEIL_CLI, 'verify', '--db', file, '--anchor-key', anchorKey, '--user', 'pharmacist'], {
    encoding: 'utf8',
    timeout: 120_000,
    env: { ...process.env, VEIL_PASSWORD: passwords.pharmacist! },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return { code: r.status, stdout: r.stdout + r.stderr };
}

/** What must come through the upgrade unchanged, read straight from the file. */
function records(db: Database.Database) {
  const all = (sql: string) => db.prepare(sql).all();
  return {
    kits: all('SELECT kit_number, status, blinded_lot, use_before, arm_sealed, expiry_sealed FROM kits ORDER BY kit_number'),
    patients: all('SELECT id, screening_number, status, randomization_number, baseline_date FROM patients ORDER BY id'),
    dispensed: all('SELECT dispensing_id, kit_number FROM dispensing_kits ORDER BY dispensing_id, kit_number'),
    returns: all('SELECT kit_number, condition, units_returned FROM kit_returns ORDER BY kit_number'),
    events: all('SELECT seq, action, entity_id, hash FROM audit_events ORDER BY seq'),
  };
}

describe('the NS-DUPI demo database of schema 19, upgraded in place', () => {
  it('passes veil verify before and after, every record named study 1 and kept, and works through the channels', async () => {
    writeFileSync(file, gunzipSync(readFileSync(join(FIXTURE, 'veil-demo.db.gz'))));
    copyFileSync(join(FIXTURE, 'veil-demo.db.audit-anchors'), `${file}.audit-anchors`);
    copyFileSync(join(FIXTURE, 'veil-audit-anchor.key'), anchorKey);

    const raw = new Database(file, { readonly: true });
    expect(schemaVersion(raw)).toBe(19);
    const before = records(raw);
    raw.close();
    expect(before.events.length).toBeGreaterThan(1000);
    expect(before.dispensed.length).toBeGreaterThan(0);
    const first = verify();
    expect(first).toMatchObject({ code: 0, stdout: expect.stringContaining('OK') });

    // Opened by this Veil: the upgrade runs in place.
    const core = await openVeilCoreInternals({ dbFile: file, dataFolder: dir, mode: 'browser', idleSweepMs: 0 });
    try {
      const result = await core.dispatch('w', 'session.login', { username: 'pharmacist', password: passwords.pharmacist! });
      expect(result.ok).toBe(true);
      const summary = await core.dispatch('w', 'inventory.summary', {});
      expect(summary.ok && summary.value).toMatchObject({ total: before.kits.length });
      const patients = await core.dispatch('w', 'patients.list', {});
      expect(patients.ok && (patients.value as unknown[]).length).toBe(before.patients.length);
    } finally {
      core.close();
    }

    const db = new Database(file, { readonly: true });
    expect(schemaVersion(db)).toBe(migrations.length);
    // Every record as it was; the trail goes on from where it was with the pharmacist's session only.
    const now = records(db);
    expect({ ...now, events: now.events.slice(0, before.events.length) }).toEqual(before);
    expect(now.events.slice(before.events.length).map((e) => (e as { action: string }).action)).toEqual(['session.login']);
    for (const table of ['kits', 'patients', 'list_imports', 'randomization_slots', 'shipments', 'dispensing_kits', 'kit_returns', 'destruction_kits', 'kit_stays']) {
      expect({ table, studies: db.prepare(`SELECT DISTINCT study_id FROM ${table}`).pluck().all() }).toEqual({ table, studies: [1] });
    }
    expect(db.prepare('SELECT id, code FROM studies').all()).toEqual([{ id: 1, code: 'NS-DUPI' }]);
    expect(verifyChain(db)).toMatchObject({ ok: true });
    db.close();
    const after = verify();
    expect(after).toMatchObject({ code: 0, stdout: expect.stringContaining('OK') });
  });
});
