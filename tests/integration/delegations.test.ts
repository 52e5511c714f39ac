import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DelegationLine } from '../../shared/contract/delegations';
import { delegatedRoleOn } from '../../main/core/delegations/studyRole';
import { inStudy } from '../../main/core/study/callStudy';
import { channelCalls } from '../helpers/channels';
import { demoCore, type TestCore } from '../helpers/core';

/**
 * Delegation per study (issue 14, item 2; docs/multi-study-plan.md step 3): a user's role in the study comes from the
 * delegation valid today, read at every call; the administrator delegates blinded roles, an unblinded user of the
 * study unblinded ones; each grant and end is e-signed, named in the trail, and takes effect at once.
 */
let t: TestCore;
beforeAll(async () => {
  t = await demoCore();
}, 120_000);
afterAll(() => t?.dispose());

const { call, ok, sign } = channelCalls(() => t);
const login = (role: Parameters<TestCore['userOf']>[0], window: string) => call(window, 'session.login', { username: t.userOf(role).username, password: t.userOf(role).password });
const today = () => {
  const d = t.clock.now();
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
};
const dayAfter = (day: string, n = 1) => {
  const d = new Date(`${day}T12:00:00Z`);
  d.setUTCDate(d.getUTCDate() + n);
  return d.toISOString().slice(0, 10);
};
const lineOf = (log: DelegationLine[], username: string) => log.filter((l) => l.username === username);

describe('the delegation log of the demo study', () => {
  it("lists every study role of the demo, current, and not the administrator's (a site role)", async () => {
    const admin = await t.loginAs('administrator', 'log-admin');
    const log = await ok<DelegationLine[]>(admin, 'delegations.log');
    expect(log.map((l) => l.role).sort()).toEqual(['investigator', 'monitor', 'pharmacy_technician', 'study_nurse', 'unblinded_monitor', 'unblinded_pharmacist']);
    expect(log.every((l) => l.current && l.endsOn === null)).toBe(true);
    expect(lineOf(log, t.userOf('administrator').username)).toEqual([]);
  });
});

describe('ending a delegation', () => {
  it('stops the user at once: the open session ends at its next call, which says why, and login is refused', async () => {
    const admin = await t.loginAs('administrator', 'end-admin');
    const monitor = await t.loginAs('monitor', 'end-monitor');
    expect((await call(monitor, 'inventory.summary', {})).ok).toBe(true);
    const log = await ok<DelegationLine[]>(admin, 'delegations.log');
    const [line] = lineOf(log, t.userOf('monitor').username);
    await ok(admin, 'delegations.end', { delegationId: line!.id, reason: 'Left the monitoring team', signature: sign('administrator') });

    const refused = await call(monitor, 'inventory.summary', {});
    expect(refused.ok ? 'answered' : { key: refused.error.key, params: refused.error.params }).toEqual({ key: 'session.delegationEnded', params: { study: 'NS-DUPI', date: today() } });
    expect((await ok<{ state: string }>(monitor, 'session.current')).state).toBe('logged_out');
    // Said once: the window is simply logged out from then on.
    const next = await call(monitor, 'inventory.summary', {});
    expect(next.ok ? 'answered' : next.error.key).toBe('session.notLoggedIn');
    const again = await login('monitor', 'end-monitor-2');
    expect(again.ok ? 'logged in' : { key: again.error.key, params: again.error.params }).toEqual({ key: 'session.delegationEnded', params: { study: 'NS-DUPI', date: today() } });

    const after = lineOf(await ok<DelegationLine[]>(admin, 'delegations.log'), t.userOf('monitor').username);
    expect(after).toMatchObject([{ current: false, endsOn: today(), endedBy: t.userOf('administrator').username, endReason: 'Left the monitoring team' }]);
    expect(after[0]!.endSignature?.meaning).toBe('I end this delegation today');
    const events = await t.core.store.q().selectFrom('audit_events').select(['action', 'study_code', 'entity_id']).where('action', '=', 'delegation.ended').execute();
    expect(events).toEqual([{ action: 'delegation.ended', study_code: 'NS-DUPI', entity_id: t.userOf('monitor').username }]);
  });

  it('a delegation granted from tomorrow lets its user in from tomorrow, not today', async () => {
    const admin = await t.loginAs('administrator', 'next-admin');
    const monitor = t.userOf('monitor');
    const userId = (await t.core.repositories.users.byUsername(monitor.username))!.id;
    const tomorrow = dayAfter(today());
    await ok(admin, 'delegations.grant', { userId, role: 'monitor', startsOn: tomorrow, endsOn: null, reason: 'Back on the study', signature: sign('administrator') });
    const early = await login('monitor', 'next-monitor');
    expect(early.ok ? 'logged in' : early.error.key).toBe('session.delegationNotStarted');
    t.clock.advanceMinutes(24 * 60);
    try {
      expect((await login('monitor', 'next-monitor')).ok).toBe(true);
    } finally {
      t.clock.advanceMinutes(-24 * 60);
    }
  });
});

describe('who delegates what', () => {
  it('the administrator delegates blinded roles only; an unblinded user of the study delegates unblinded roles only', async () => {
    const admin = await t.loginAs('administrator', 'who-admin');
    const pharmacist = await t.loginAs('unblinded_pharmacist', 'who-pharmacist');
    const technicianId = (await t.core.repositories.users.byUsername(t.userOf('pharmacy_technician').username))!.id;
    const input = { userId: technicianId, startsOn: today(), endsOn: null, reason: 'Trained on the dispensing SOP' };
    const byAdmin = await call(admin, 'delegations.grant', { ...input, role: 'unblinded_pharmacist', signature: sign('administrator') });
    expect(byAdmin.ok ? 'granted' : byAdmin.error.key).toBe('delegations.unblindedByUnblinded');
    const byPharmacist = await call(pharmacist, 'delegations.grant', { ...input, role: 'investigator', signature: sign('unblinded_pharmacist') });
    expect(byPharmacist.ok ? 'granted' : byPharmacist.error.key).toBe('delegations.blindedByAdministrator');
    const byMonitor = await call(await t.loginAs('investigator', 'who-investigator'), 'delegations.grant', { ...input, role: 'study_nurse', signature: sign('investigator') });
    expect(byMonitor.ok ? 'granted' : byMonitor.error.code).toBe('forbidden');
    // Nothing changed: the technician is still the technician.
    expect(lineOf(await ok<DelegationLine[]>(admin, 'delegations.log'), t.userOf('pharmacy_technician').username).map((l) => [l.role, l.current])).toEqual([['pharmacy_technician', true]]);
  });

  it('a role change ends the old delegation today and the new role is what the next login gets', async () => {
    const admin = await t.loginAs('administrator', 'change-admin');
    const investigator = await t.loginAs('investigator', 'change-investigator');
    const userId = (await t.core.repositories.users.byUsername(t.userOf('investigator').username))!.id;
    await ok(admin, 'delegations.grant', { userId, role: 'study_nurse', startsOn: today(), endsOn: null, reason: 'Moves to the visit team', signature: sign('administrator') });
    // The open session ended with the change, and its next call says so.
    const told = await call(investigator, 'patients.list', {});
    expect(told.ok ? 'answered' : told.error.key).toBe('session.delegationChanged');
    expect((await ok<{ state: string }>(investigator, 'session.current')).state).toBe('logged_out');
    const window = await t.loginAs('investigator', 'change-investigator-2');
    const state = await ok<{ state: string; user: { role: string }; permissions: string[] }>(window, 'session.current');
    expect(state.user.role).toBe('study_nurse');
    expect(state.permissions).not.toContain('emergency.unblind');
    const lines = lineOf(await ok<DelegationLine[]>(admin, 'delegations.log'), t.userOf('investigator').username);
    expect(lines.map((l) => [l.role, l.current, l.endsOn])).toEqual([
      ['investigator', false, today()],
      ['study_nurse', true, null],
    ]);
  });

  it('an account made unblinded but delegated a blinded role holds no key and sees no arm', async () => {
    const admin = await t.loginAs('administrator', 'blind-admin');
    const userId = (await t.core.repositories.users.byUsername(t.userOf('unblinded_monitor').username))!.id;
    // Before: the unblinded monitor's session holds the study's key.
    const before = await t.loginAs('unblinded_monitor', 'blind-before');
    expect(t.core.custody.keyOf(before)).not.toBeNull();
    await ok(admin, 'delegations.grant', { userId, role: 'monitor', startsOn: today(), endsOn: null, reason: 'Unblinded duties handed over', signature: sign('administrator') });
    const window = await t.loginAs('unblinded_monitor', 'blind-after');
    expect(t.core.custody.keyOf(window)).toBeNull();
    // The role replaced at once by a blinded one took the study's key with it: no wrap is left to open.
    expect(await t.core.repositories.keys.wrapsOfUser(userId)).toEqual([]);
    const state = await ok<{ user: { role: string; blinded: boolean } }>(window, 'session.current');
    expect(state.user).toMatchObject({ role: 'monitor', blinded: true });
    const register = await call(window, 'reconciliation.viewUnblinded', {});
    expect(register.ok ? 'answered' : register.error.code).toBe('forbidden');
    // Nor can the key be granted to them again while their role here is blinded.
    const pharmacist = await t.loginAs('unblinded_pharmacist', 'blind-pharmacist');
    const grant = await call(pharmacist, 'allocation.grantAccess', { userId, reason: 'Needs the register', signature: sign('unblinded_pharmacist') });
    expect(grant.ok ? 'granted' : grant.error.key).toBe('allocation.blindedTarget');
  });
});

describe('a delegation that reaches its last day', () => {
  it('lets the session work through its last day and refuses the first call of the day after, saying when it ended', async () => {
    const admin = await t.loginAs('administrator', 'last-admin');
    const userId = (await t.core.repositories.users.byUsername(t.userOf('study_nurse').username))!.id;
    const last = today();
    await ok(admin, 'delegations.grant', { userId, role: 'study_nurse', startsOn: today(), endsOn: last, reason: 'Covers the visits of the day', signature: sign('administrator') });
    const nurse = await t.loginAs('study_nurse', 'last-nurse');
    expect((await call(nurse, 'patients.list', {})).ok).toBe(true);
    t.clock.advanceMinutes(24 * 60);
    try {
      const refused = await call(nurse, 'patients.list', {});
      expect(refused.ok ? 'answered' : { key: refused.error.key, params: refused.error.params }).toEqual({ key: 'session.delegationEnded', params: { study: 'NS-DUPI', date: last } });
    } finally {
      t.clock.advanceMinutes(-24 * 60);
    }
  });
});

describe('accounts and delegations', () => {
  it('an account the administrator creates in a study role is delegated to the study from today; an administrator account is not', async () => {
    const admin = await t.loginAs('administrator', 'new-admin');
    await ok(admin, 'users.create', { username: 'new.nurse', displayName: 'New Nurse', role: 'study_nurse', temporaryPassword: 'temporary password 5' });
    await ok(admin, 'users.create', { username: 'second.admin', displayName: 'Second Admin', role: 'administrator', temporaryPassword: 'temporary password 6' });
    const log = await ok<DelegationLine[]>(admin, 'delegations.log');
    expect(lineOf(log, 'new.nurse').map((l) => [l.role, l.startsOn, l.current, l.grantedBy])).toEqual([['study_nurse', today(), true, t.userOf('administrator').username]]);
    expect(lineOf(log, 'second.admin')).toEqual([]);
  });

  it('nobody delegates to themselves, and an administrator account cannot be delegated', async () => {
    const admin = await t.loginAs('administrator', 'self-admin');
    const pharmacist = await t.loginAs('unblinded_pharmacist', 'self-pharmacist');
    const pharmacistId = (await t.core.repositories.users.byUsername(t.userOf('unblinded_pharmacist').username))!.id;
    const adminId = (await t.core.repositories.users.byUsername(t.userOf('administrator').username))!.id;
    const own = await call(pharmacist, 'delegations.grant', { userId: pharmacistId, role: 'unblinded_monitor', startsOn: today(), endsOn: null, reason: 'Self', signature: sign('unblinded_pharmacist') });
    expect(own.ok ? 'granted' : own.error.key).toBe('delegations.notOwn');
    const toAdmin = await call(admin, 'delegations.grant', { userId: adminId, role: 'monitor', startsOn: today(), endsOn: null, reason: 'Wants to see', signature: sign('administrator') });
    expect(toAdmin.ok ? 'granted' : toAdmin.error.key).toBe('delegations.administratorIsSiteRole');
  });
});

describe('the printed delegation log', () => {
  it('is a CSV and a PDF with the study, the audit seal and every line, signed or not', async () => {
    const monitor = await t.loginAs('unblinded_monitor', 'print-monitor');
    const csvFile = await ok<{ fileName: string; mime: string; base64: string }>(monitor, 'delegations.print', { format: 'csv' });
    const csv = Buffer.from(csvFile.base64, 'base64').toString('utf8');
    const seal = await t.core.audit.seal();
    expect(csvFile.fileName).toBe(`delegation-log-ns-dupi-${t.clock.now().toISOString().slice(0, 10)}-seal-${seal.seq}.csv`);
    expect(csv).toContain('Delegation log');
    expect(csv).toContain(`event ${seal.seq}`);
    expect(csv).toContain(seal.hash);
    const log = await ok<DelegationLine[]>(monitor, 'delegations.log');
    for (const line of log) expect(csv).toContain(`${line.username},${line.role.replace(/_/g, ' ')}`);
    // The signed end of the monitor's delegation (earlier in this file) is printed with its meaning.
    expect(csv).toContain('I end this delegation today');
    const pdfFile = await ok<{ base64: string; mime: string }>(monitor, 'delegations.print', { format: 'pdf' });
    expect(pdfFile.mime).toBe('application/pdf');
    const { spawnSync } = await import('node:child_process');
    const text = spawnSync('pdftotext', ['-layout', '-', '-'], { input: Buffer.from(pdfFile.base64, 'base64'), encoding: 'utf8' }).stdout;
    expect(text).toContain('Delegation log');
    expect(text).toContain(t.userOf('pharmacy_technician').username);
  });
});

describe("an unblinded role and the study's key, one signed step", () => {
  it('the pharmacist gives the unblinded role with the key under one signature; ending it takes the key back, even from a copy of the file', async () => {
    const pharmacist = await t.loginAs('unblinded_pharmacist', 'key-pharmacist');
    const monitor = t.userOf('unblinded_monitor');
    const userId = (await t.core.repositories.users.byUsername(monitor.username))!.id;
    const wrapsInStudy = async () => (await t.core.repositories.keys.wrapsOfUser(userId)).filter((w) => w.studyId === 1).length;
    const granted = await ok<{ delegationId: number; key: string }>(pharmacist, 'delegations.grant', {
      userId,
      role: 'unblinded_monitor',
      startsOn: today(),
      endsOn: null,
      reason: 'Unblinded monitoring of the pharmacy file',
      signature: sign('unblinded_pharmacist'),
    });
    expect(granted.key).toBe('granted');
    expect(await wrapsInStudy()).toBe(1);
    // One signature for both: the delegation and the key's wrap are one decision in the trail.
    const events = await t.core.store.q().selectFrom('audit_events').select(['action', 'signature_id', 'after_json']).where('entity_id', '=', monitor.username).where('action', 'in', ['delegation.granted', 'allocation.access_granted']).orderBy('seq', 'desc').limit(2).execute();
    expect(events.map((e) => e.action).sort()).toEqual(['allocation.access_granted', 'delegation.granted']);
    expect(events[0]!.signature_id).not.toBeNull();
    expect(events[0]!.signature_id).toBe(events[1]!.signature_id);
    const window = await t.loginAs('unblinded_monitor', 'key-monitor');
    expect(t.core.custody.keyOf(window)).not.toBeNull();
    expect((await call(window, 'reconciliation.viewUnblinded', {})).ok).toBe(true);

    const line = lineOf(await ok<DelegationLine[]>(pharmacist, 'delegations.log'), monitor.username).find((l) => l.current)!;
    expect(line.id).toBe(granted.delegationId);
    await ok(pharmacist, 'delegations.end', { delegationId: line.id, reason: 'Monitoring handed over', signature: sign('unblinded_pharmacist') });
    // The wrap is gone: the monitor's password opens nothing of this study, in this file or a copy of it.
    expect(await wrapsInStudy()).toBe(0);
    const ended = await t.core.store.q().selectFrom('audit_events').select('after_json').where('entity_id', '=', monitor.username).where('action', '=', 'delegation.ended').orderBy('seq', 'desc').executeTakeFirstOrThrow();
    expect(JSON.parse(ended.after_json!)).toMatchObject({ atOnce: true, keyTakenBack: true });
  });

  it('an unblinded role is refused to an account made blinded (it has no key pair to carry the key), and nothing changes', async () => {
    const pharmacist = await t.loginAs('unblinded_pharmacist', 'blinded-account-pharmacist');
    const technician = t.userOf('pharmacy_technician');
    const userId = (await t.core.repositories.users.byUsername(technician.username))!.id;
    const before = lineOf(await ok<DelegationLine[]>(pharmacist, 'delegations.log'), technician.username);
    const refused = await call(pharmacist, 'delegations.grant', { userId, role: 'unblinded_pharmacist', startsOn: today(), endsOn: null, reason: 'Covers the bench', signature: sign('unblinded_pharmacist') });
    expect(refused.ok ? 'granted' : { key: refused.error.key, params: refused.error.params }).toEqual({ key: 'delegations.unblindedNeedsUnblindedAccount', params: { name: (await t.core.repositories.users.byId(userId))!.displayName } });
    expect(lineOf(await ok<DelegationLine[]>(pharmacist, 'delegations.log'), technician.username)).toEqual(before);
  });

  it('an unblinded account the administrator creates is not delegated: the study\'s pharmacist delegates it, and the key waits for its own password', async () => {
    const admin = await t.loginAs('administrator', 'unblinded-new-admin');
    const created = await ok<{ id: number }>(admin, 'users.create', { username: 'new.unblinded', displayName: 'New Unblinded', role: 'unblinded_monitor', temporaryPassword: 'temporary password 9' });
    expect(lineOf(await ok<DelegationLine[]>(admin, 'delegations.log'), 'new.unblinded')).toEqual([]);
    const early = await call('unblinded-new', 'session.login', { username: 'new.unblinded', password: 'temporary password 9' });
    expect(early.ok ? 'logged in' : early.error.key).toBe('session.notDelegated');
    const pharmacist = await t.loginAs('unblinded_pharmacist', 'unblinded-new-pharmacist');
    const delegated = await ok<{ key: string }>(pharmacist, 'delegations.grant', { userId: created.id, role: 'unblinded_monitor', startsOn: today(), endsOn: null, reason: 'Joins the monitoring', signature: sign('unblinded_pharmacist') });
    expect(delegated.key).toBe('after_own_password');
    expect(await t.core.repositories.keys.wrapsOfUser(created.id)).toEqual([]);
    await ok('unblinded-new', 'session.login', { username: 'new.unblinded', password: 'temporary password 9' });
    await ok('unblinded-new', 'session.changePassword', { currentPassword: 'temporary password 9', newPassword: 'a password of my own' });
    // With a password of their own, the key is granted (allocation.grantAccess) and opens at their next login: the
    // window they are working in is logged out and told so.
    await ok(pharmacist, 'allocation.grantAccess', { userId: created.id, reason: 'Own password chosen', signature: sign('unblinded_pharmacist') });
    const told = await call('unblinded-new', 'patients.list', {});
    expect(told.ok ? 'answered' : { key: told.error.key, params: told.error.params }).toEqual({ key: 'session.keyGranted', params: { study: 'NS-DUPI' } });
    await ok('unblinded-new-2', 'session.login', { username: 'new.unblinded', password: 'a password of my own' });
    expect(t.core.custody.keyOf('unblinded-new-2')).not.toBeNull();
  });
});

describe("a user's roles in every study at once (what the switcher and Today read)", () => {
  it('gives on each day the role the per-call rule gives: not before the first day, through the last, never once ended early', async () => {
    const repo = t.core.repositories.delegations;
    const userId = (await t.core.repositories.users.byUsername(t.userOf('study_nurse').username))!.id;
    const day0 = today();
    const at = (n: number) => dayAfter(day0, n);
    const base = { userId, studyId: 1, grantedAt: 'now', grantedBy: null, signatureId: null, reason: 'parity' };
    // A role to a last day, a later one from a first day to come, and one ended early (never valid after).
    await repo.insert({ ...base, role: 'investigator', startsOn: at(10), endsOn: at(12) });
    await repo.insert({ ...base, role: 'monitor', startsOn: at(14), endsOn: null });
    const ended = await repo.insert({ ...base, role: 'pharmacy_technician', startsOn: at(20), endsOn: null });
    await repo.end(ended, { endsOn: at(20), endedAt: 'now', endedBy: userId, signatureId: null, reason: 'parity' });
    const rows = await repo.ofUser(userId, 1);
    for (let n = 0; n <= 22; n++) {
      expect((await repo.rolesOn(userId, at(n))).get(1), at(n)).toBe(delegatedRoleOn(rows, at(n)));
    }
    // What the days cover (the nurse's own delegation ended on its last day, today, earlier in this file): each role in
    // its own days, none between them, and the one ended early never.
    const roles = await Promise.all([9, 10, 12, 13, 14, 21].map(async (n) => (await repo.rolesOn(userId, at(n))).get(1)));
    expect(roles).toEqual([undefined, 'investigator', 'investigator', undefined, 'monitor', 'monitor']);
  });
});

describe('an unblinded role that reaches its last day', () => {
  it("has its wrap of the study's key taken back by the core's sweep the day after, with an event; the others keep theirs", async () => {
    const pharmacist = await t.loginAs('unblinded_pharmacist', 'lapse-pharmacist');
    const userId = (await t.core.repositories.users.byUsername('new.unblinded'))!.id;
    const pharmacistId = (await t.core.repositories.users.byUsername(t.userOf('unblinded_pharmacist').username))!.id;
    // Made earlier in this file: an unblinded monitor holding the key, now delegated to a last day, today.
    const granted = await ok<{ key: string }>(pharmacist, 'delegations.grant', { userId, role: 'unblinded_monitor', startsOn: today(), endsOn: today(), reason: 'Covers the monitoring visit of the day', signature: sign('unblinded_pharmacist') });
    expect(granted.key).toBe('granted');
    const wraps = async (id: number) => (await t.core.repositories.keys.wrapsOfUser(id)).length;
    // Through its last day the role and the key hold.
    expect(await inStudy(1, () => t.core.custody.takeBackLapsed())).toEqual([]);
    expect(await wraps(userId)).toBe(1);
    t.clock.advanceMinutes(24 * 60);
    try {
      expect(await inStudy(1, () => t.core.custody.takeBackLapsed())).toEqual(['new.unblinded']);
      expect(await wraps(userId)).toBe(0);
      expect(await wraps(pharmacistId)).toBe(1);
      const [event] = await t.sql<{ study_code: string; username: string; entity_id: string }>("SELECT study_code, username, entity_id FROM audit_events WHERE action = 'allocation.access_lapsed'");
      expect(event).toEqual({ study_code: 'NS-DUPI', username: 'system', entity_id: 'new.unblinded' });
      // Once: the next sweep finds nothing more.
      expect(await inStudy(1, () => t.core.custody.takeBackLapsed())).toEqual([]);
    } finally {
      t.clock.advanceMinutes(-24 * 60);
    }
  });
});
