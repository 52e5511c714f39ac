import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { channels, type ChannelOutput } from '../../shared/contract';
import { OPEN_WHEN_STUDY_CLOSED } from '../../shared/contract/study';
import { ROLES, ROLE_PERMISSIONS, type Role } from '../../shared/roles';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { hashPassword } from '../../main/core/auth/passwords';
import { isoUtc } from '../../main/core/clock';
import { openVeilCoreInternals } from '../../main/core/veilCore';
import { FakeClock, TEST_ENGINE, demoCore, openCopy, type TestCore } from '../helpers/core';
import { createPostgresDatabase } from '../helpers/postgres';
import { rawRows } from '../helpers/rawSql';

/**
 * A study's close-out (issue 14, item 1). Closing is refused while the reconciliation's sign-off does not hold or a
 * kit is still with a patient, changing nothing; once closed, every command of the study is refused with one clear
 * message whatever its input, before any signature, and writes nothing, while reports, the site's own commands and
 * the emergency code-break still answer; reopening needs a reason and a signature, and the study works again. Each
 * step is in the audit trail with its signature.
 */
type Closure = ChannelOutput<'study.closure'>;

let t: TestCore;
beforeAll(async () => {
  t = await demoCore({ history: true });
}, 240_000);
afterAll(() => t?.dispose());

const sign = (role: Role) => ({ username: t.userOf(role).username, password: t.userOf(role).password });
async function call<T>(window: string, channel: string, input: unknown = {}): Promise<T> {
  const r = await t.core.dispatch(window, channel, input);
  if (!r.ok) throw new Error(`${channel}: ${r.error.code}: ${r.error.message}`);
  return r.value as T;
}
const events = async () => Number((await t.sql<{ n: number }>('SELECT count(*) AS n FROM audit_events'))[0]!.n);
/** Refused with this code and message key; nothing written to the audit trail or the closures. */
async function refused(window: string, channel: string, input: unknown, code: string, key: string) {
  const [before, closures] = [await events(), await t.sql('SELECT * FROM study_closures ORDER BY id')];
  const r = await t.core.dispatch(window, channel, input);
  expect(r.ok, `${channel} should be refused`).toBe(false);
  if (!r.ok) expect({ code: r.error.code, key: (r.error as { key?: string }).key }, `${channel}: ${r.error.message}`).toEqual({ code, key });
  expect(await events(), channel).toBe(before);
  expect(await t.sql('SELECT * FROM study_closures ORDER BY id'), channel).toEqual(closures);
  return r;
}

describe("a study's close-out", () => {
  it('is refused while the sign-off does not hold, then while kits are with patients, and closes once both are settled', async () => {
    const ph = await t.loginAs('unblinded_pharmacist', 'close-ph');
    const monitor = await t.loginAs('monitor', 'close-monitor');
    const tech = await t.loginAs('pharmacy_technician', 'close-tech');
    // The demo's sign-off was voided by the visits after it.
    let closure = await call<Closure>(monitor, 'study.closure');
    expect(closure).toMatchObject({ code: 'NS-DUPI', closed: null, readiness: { signOffHolds: false } });
    expect(closure.readiness.kitsWithPatients).toBeGreaterThan(0);
    await refused(ph, 'study.close', { signature: sign('unblinded_pharmacist') }, 'conflict', 'study.closeNeedsSignOff');

    const signOff = async () => {
      const view = await call<ChannelOutput<'reconciliation.view'>>(monitor, 'reconciliation.view');
      for (const kitNumber of view.openDiscrepancies) await call(monitor, 'reconciliation.comment', { kitNumber, comment: 'Checked at the close-out visit' });
      await call(monitor, 'reconciliation.signOff', { signature: sign('monitor') });
    };
    await signOff();
    const withPatients = (await call<ChannelOutput<'inventory.kits'>>(tech, 'inventory.kits', { status: 'dispensed' })).map((k) => k.kitNumber);
    const r = await refused(ph, 'study.close', { signature: sign('unblinded_pharmacist') }, 'conflict', 'study.closeKitsWithPatients');
    expect(r.ok ? '' : r.error.message).toContain(`${withPatients.length} kit`);

    // Every kit back (its return recorded), which voids the sign-off: the monitor signs again.
    for (const code of withPatients) await call(tech, 'returns.record', { code, condition: 'used', unitsReturned: 1, source: 'scanner' });
    expect((await call<Closure>(ph, 'study.closure')).readiness).toEqual({ signOffHolds: false, kitsWithPatients: 0 });
    await refused(ph, 'study.close', { signature: sign('unblinded_pharmacist') }, 'conflict', 'study.closeNeedsSignOff');
    await signOff();
    // A wrong password closes nothing (the failed attempt itself is audited, as every wrong password is).
    const wrong = await t.core.dispatch(ph, 'study.close', { signature: { ...sign('unblinded_pharmacist'), password: 'not the password' } });
    expect(wrong.ok ? 'ok' : (wrong.error as { key?: string }).key).toBe('signatures.wrongPassword');
    expect(await t.sql('SELECT id FROM study_closures')).toEqual([]);

    closure = await call<Closure>(ph, 'study.close', { signature: sign('unblinded_pharmacist') });
    const pharmacist = (await t.core.repositories.users.byUsername(t.userOf('unblinded_pharmacist').username))!;
    expect(closure.closed).toMatchObject({ closedBy: pharmacist.displayName, signature: { meaning: 'I close this study: its records become read-only' } });
    const [event] = await t.sql<{ action: string; signature_id: number; entity_id: string }>("SELECT action, signature_id, entity_id FROM audit_events WHERE action = 'study.closed'");
    expect(event).toMatchObject({ entity_id: 'NS-DUPI', signature_id: closure.closed!.signature.id });
    // Every user sees it closed.
    expect((await call<Closure>(tech, 'study.closure')).closed?.closedAt).toBe(closure.closed!.closedAt);
    await refused(ph, 'study.close', { signature: sign('unblinded_pharmacist') }, 'conflict', 'study.closed');
  });

  it("refuses every command of the closed study, whatever its input, and writes nothing; the site's own commands are not refused", async () => {
    const windows = new Map<Role, string>();
    for (const role of ROLES) windows.set(role, await t.loginAs(role, `closed-${role}`));
    // Every command but the open ones (sessions, users, settings, devices set-up, storage, the code-break, reopening).
    const commands = channels.filter((c) => c.definition.kind === 'command' && !OPEN_WHEN_STUDY_CLOSED.has(c.name));
    expect(commands.length).toBeGreaterThan(30);
    for (const { name, definition } of commands) {
      // Called as a role the contract lets call it, with its example (placeholders and all): the refusal is the closure's.
      const role = ROLES.find((r) => definition.access === 'session' || ROLE_PERMISSIONS[r].includes(definition.access as never))!;
      const before = await events();
      const r = await t.core.dispatch(windows.get(role)!, name, definition.examples[0]);
      expect(r.ok ? 'answered' : (r.error as { key?: string }).key, `${name} as ${role}: ${r.ok ? '' : r.error.message}`).toBe('study.closed');
      expect(await events(), name).toBe(before);
    }
    // The site's own work goes on: an account for a new monitor.
    await call(windows.get('administrator')!, 'users.create', { username: 'late.monitor', displayName: 'Late Monitor', role: 'monitor', temporaryPassword: 'late monitor temporary 1' });
    // In words: the study and the day it was closed.
    const r = await t.core.dispatch(windows.get('investigator')!, 'patients.register', { screeningNumber: 'S-900', initials: 'AB', yearOfBirth: 1980, investigator: 'Dr X' });
    expect(r.ok ? '' : r.error.message).toMatch(/^Study NS-DUPI was closed on \d{4}-\d{2}-\d{2}: its records are read-only\./);
  });

  it('still answers its reports and screens, and the emergency code-break, while closed', async () => {
    const monitor = await t.loginAs('monitor', 'closed-reads');
    // Today: the study closed, nothing waiting in it.
    const today = await call<ChannelOutput<'today.view'>>(monitor, 'today.view');
    expect(today.studies).toEqual([expect.objectContaining({ code: 'NS-DUPI', closedAt: expect.any(String), items: [] })]);
    const report = await call<{ fileName: string }>(monitor, 'reports.render', { report: 'accountability', format: 'csv' });
    expect(report.fileName).toMatch(/\.csv$/);
    await call(monitor, 'reconciliation.view');
    await call(monitor, 'audit.list', { page: 1 });
    const investigator = await t.loginAs('investigator', 'closed-emergency');
    const patient = (await call<ChannelOutput<'patients.list'>>(investigator, 'patients.list')).find((p) => p.status === 'randomized' && !p.emergencyUnblinded)!;
    const unblinded = await call<{ randomizationNumber: string }>(investigator, 'emergency.unblind', {
      patientId: patient.id,
      reason: 'Serious adverse event after the study closed',
      adverseEvent: true,
      passphrase: t.demo.codeBreakPassphrase,
      signature: sign('investigator'),
    });
    expect(unblinded.randomizationNumber).toBe(patient.randomizationNumber);
  });

  it("is archived out of the day's lists (the switcher's studies of the day, Today) and brought back; its records still read", async () => {
    const ph = await t.loginAs('unblinded_pharmacist', 'archive-ph');
    const tech = await t.loginAs('pharmacy_technician', 'archive-tech');
    await refused(tech, 'study.archive', {}, 'forbidden', 'session.roleForbids');
    const archived = await call<Closure>(ph, 'study.archive');
    const pharmacist = (await t.core.repositories.users.byUsername(t.userOf('unblinded_pharmacist').username))!;
    expect(archived.closed).toMatchObject({ archivedAt: expect.any(String), archivedBy: pharmacist.displayName });
    const [event] = await t.sql<{ entity_id: string; after_json: string }>("SELECT entity_id, after_json FROM audit_events WHERE action = 'study.archived'");
    expect(event!.entity_id).toBe('NS-DUPI');
    expect(JSON.parse(event!.after_json)).toEqual({ archivedAt: archived.closed!.archivedAt });
    await refused(ph, 'study.archive', {}, 'conflict', 'study.alreadyArchived');

    // Out of the day's lists: the switcher sets it apart, Today has nothing of it; a login still opens it (the only one).
    const monitor = await t.loginAs('monitor', 'archive-monitor');
    const state = await call<ChannelOutput<'session.current'>>(monitor, 'session.current');
    expect(state.state === 'active' && state.studies).toEqual([expect.objectContaining({ code: 'NS-DUPI', archived: true })]);
    expect((await call<ChannelOutput<'today.view'>>(monitor, 'today.view')).studies).toEqual([]);
    // Still readable and reportable.
    expect((await call<{ fileName: string }>(monitor, 'reports.render', { report: 'accountability', format: 'csv' })).fileName).toMatch(/\.csv$/);
    const investigator = await t.loginAs('investigator', 'archive-investigator');
    await refused(investigator, 'patients.register', { screeningNumber: 'S-903', initials: 'GH', yearOfBirth: 1990, investigator: 'Dr X' }, 'conflict', 'study.closed');

    const back = await call<Closure>(ph, 'study.unarchive');
    expect(back.closed).toMatchObject({ archivedAt: null, archivedBy: null });
    expect((await call<ChannelOutput<'today.view'>>(monitor, 'today.view')).studies).toEqual([expect.objectContaining({ code: 'NS-DUPI' })]);
    await refused(ph, 'study.unarchive', {}, 'conflict', 'study.notArchived');
    // Archived again: reopening the study (below) ends its closure, and the archive with it.
    await call<Closure>(ph, 'study.archive');
  });

  it("is left as it was by the expiry sweep: a workstation opened long after the kits' dates expires none of them", async () => {
    const onShelf = Number((await t.sql<{ n: number }>("SELECT count(*) AS n FROM kits WHERE status IN ('available', 'quarantined')"))[0]!.n);
    expect(onShelf).toBeGreaterThan(0);
    const core = await openCopy(t, { clock: new FakeClock(new Date('2029-06-01T08:00:00.000Z')), expirySweepMs: 24 * 60 * 60_000 });
    try {
      // The sweep runs at start-up; on an open study it expires the shelf within a few hundred milliseconds (kitExceptions.test.ts).
      await new Promise((resolve) => setTimeout(resolve, 1500));
      const expired = await rawRows<{ n: number }>(core.store, "SELECT count(*) AS n FROM kits WHERE status = 'expired'");
      expect(Number(expired[0]!.n)).toBe(Number((await t.sql<{ n: number }>("SELECT count(*) AS n FROM kits WHERE status = 'expired'"))[0]!.n));
    } finally {
      core.close();
    }
  });

  it('is reopened only with a reason and a signature, by the unblinded pharmacist; the study then works again', async () => {
    const ph = await t.loginAs('unblinded_pharmacist', 'reopen-ph');
    const admin = await t.loginAs('administrator', 'reopen-admin');
    const r = await t.core.dispatch(admin, 'study.reopen', { reason: 'Administrator tries', signature: sign('administrator') });
    expect(r.ok ? 'ok' : r.error.code).toBe('forbidden');
    const noReason = await t.core.dispatch(ph, 'study.reopen', { reason: '', signature: sign('unblinded_pharmacist') });
    expect(noReason.ok ? 'ok' : noReason.error.code).toBe('validation');
    const open = await call<Closure>(ph, 'study.reopen', { reason: 'A returned kit was found in the fridge after close-out', signature: sign('unblinded_pharmacist') });
    expect(open.closed).toBeNull();
    // The archive ended with the closure: the study is back in the day's lists, and an open study cannot be archived.
    const state = await call<ChannelOutput<'session.current'>>(ph, 'session.current');
    expect(state.state === 'active' && state.studies.map((s) => s.archived)).toEqual([false]);
    await refused(ph, 'study.archive', {}, 'conflict', 'study.archiveNeedsClosed');
    const [event] = await t.sql<{ reason: string; signature_id: number | null }>("SELECT reason, signature_id FROM audit_events WHERE action = 'study.reopened'");
    expect(event).toMatchObject({ reason: 'A returned kit was found in the fridge after close-out' });
    expect(event!.signature_id).toBeGreaterThan(0);
    const [row] = await t.sql<{ reopen_reason: string; reopened_at: string | null }>('SELECT reopen_reason, reopened_at FROM study_closures');
    expect(row).toMatchObject({ reopen_reason: 'A returned kit was found in the fridge after close-out' });
    expect(row!.reopened_at).not.toBeNull();
    // Working again.
    const investigator = await t.loginAs('investigator', 'reopen-investigator');
    await call(investigator, 'patients.register', { screeningNumber: 'S-901', initials: 'CD', yearOfBirth: 1985, investigator: 'Dr Inès Moreau' });
    await refusedReopen(ph);
  });
});

describe('a study closed at another workstation', () => {
  it('refuses the commit of a command that passed the check before this workstation heard of the closure', async () => {
    // A second workstation on the same database closes the study. On SQLite nothing tells this one, so its memory still
    // says open and the router's early check lets the command through: the check at the commit is what refuses it.
    const folder = mkdtempSync(join(t.dir, 'second-'));
    const other = await openVeilCoreInternals({ ...(t.database ? { database: t.database, dataFolder: folder } : { dbFile: t.dbFile }), mode: 'browser', clock: t.clock, idleSweepMs: 0 });
    const investigator = await t.loginAs('investigator', 'race-investigator');
    try {
      const user = t.userOf('unblinded_pharmacist');
      expect((await other.dispatch('other-ph', 'session.login', { username: user.username, password: user.password })).ok).toBe(true);
      const closed = await other.dispatch('other-ph', 'study.close', { signature: sign('unblinded_pharmacist') });
      expect(closed.ok ? 'closed' : closed.error.message).toBe('closed');
      if (TEST_ENGINE === 'sqlite') expect(t.core.site.closed()).toBeNull();
      const patients = Number((await t.sql<{ n: number }>('SELECT count(*) AS n FROM patients'))[0]!.n);
      const before = await events();
      const r = await t.core.dispatch(investigator, 'patients.register', { screeningNumber: 'S-902', initials: 'EF', yearOfBirth: 1979, investigator: 'Dr Inès Moreau' });
      expect(r.ok ? 'registered' : (r.error as { key?: string }).key).toBe('study.closed');
      expect(Number((await t.sql<{ n: number }>('SELECT count(*) AS n FROM patients'))[0]!.n)).toBe(patients);
      expect(await events()).toBe(before);
      // Reopened there, the command goes through here (its commit finds the study open).
      const ph = await t.loginAs('unblinded_pharmacist', 'race-ph');
      const reopened = await other.dispatch('other-ph', 'study.reopen', { reason: 'Closed by mistake at the second workstation', signature: sign('unblinded_pharmacist') });
      expect(reopened.ok ? 'reopened' : reopened.error.message).toBe('reopened');
      await t.core.site.reload();
      await call(investigator, 'patients.register', { screeningNumber: 'S-902', initials: 'EF', yearOfBirth: 1979, investigator: 'Dr Inès Moreau' });
      await refusedReopen(ph);
    } finally {
      other.close();
    }
  });
});

async function refusedReopen(window: string) {
  const r = await t.core.dispatch(window, 'study.reopen', { reason: 'Nothing to reopen', signature: sign('unblinded_pharmacist') });
  expect(r.ok ? 'ok' : (r.error as { key?: string }).key).toBe('study.notClosed');
}

describe('a new database, before any study is loaded', () => {
  it('is not closed: the study is loaded, then its key set up, as on a new site (every command failed with "no study" before)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'veil-no-study-'));
    const location = TEST_ENGINE === 'sqlite' ? { dbFile: join(dir, 'veil.db') } : { database: await createPostgresDatabase(), dataFolder: dir };
    const clock = new FakeClock();
    const core = await openVeilCoreInternals({ ...location, mode: 'browser', clock, idleSweepMs: 0 });
    try {
      const now = isoUtc(clock.now());
      await core.store.transaction(async () => {
        await core.repositories.users.insert({ username: 'pharma', displayName: 'P. Harma', role: 'unblinded_pharmacist', passwordHash: await hashPassword('pharma password 1'), mustChangePassword: false, createdAt: now });
        await core.audit.append({ userId: null, username: 'system' }, { action: 'user.created', entityType: 'user', entityId: 'pharma', after: { displayName: 'P. Harma', role: 'unblinded_pharmacist' }, source: 'system' });
      });
      expect((await core.dispatch('w', 'session.login', { username: 'pharma', password: 'pharma password 1' })).ok).toBe(true);
      const signature = { username: 'pharma', password: 'pharma password 1' };
      // A key belongs to a study: asked for before the study, it says what comes first.
      const early = await core.dispatch('w', 'allocation.setUpKey', { signature });
      expect(early.ok ? 'ok' : (early.error as { key?: string }).key).toBe('allocation.loadStudyFirst');
      const file = { fileName: 'ns-dupi.json', contentBase64: readFileSync(join(__dirname, '../../studies/ns-dupi.json')).toString('base64') };
      const loaded = await core.dispatch('w', 'study.load', { ...file, signature });
      expect(loaded.ok ? 'ok' : `${loaded.error.code}: ${loaded.error.message}`).toBe('ok');
      const key = await core.dispatch('w', 'allocation.setUpKey', { signature });
      expect(key.ok ? 'ok' : `${key.error.code}: ${key.error.message}`).toBe('ok');
    } finally {
      core.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

