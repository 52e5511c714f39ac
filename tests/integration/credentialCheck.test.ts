import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { VeilResult } from '../../shared/errors';
import type { AuditEvent } from '../../main/core/audit/auditTrail';
import { demoCore, type TestCore } from '../helpers/core';

/**
 * DESIGN.md section 4: every place a secret is re-entered goes through one credential check. Each re-entry point is
 * attacked here the same way: the demo's default settings (5 wrong attempts, 15 minutes) make the fifth wrong secret
 * lock the account; each failure and the lockout leave an audit event; the right secret is then refused until the
 * lockout ends.
 */
const MAX = 5;
const LOCKOUT_MINUTES = 15;
const LOCKED = /locked for 15 more minutes/;

/** The audit events written since `from` (a seal's seq). */
async function eventsSince(t: TestCore, from: number): Promise<AuditEvent[]> {
  return (await t.core.audit.query()).filter((e) => e.seq > from);
}

const after = (e: AuditEvent) => (e.after ?? {}) as Record<string, unknown>;

/** Failure events of one re-entry point (login failures keep their own action, the others say which check). */
function failuresAt(events: AuditEvent[], check: string): AuditEvent[] {
  return events.filter((e) => (check === 'login' ? e.action === 'session.login_failed' : e.action === 'credential.failed' && after(e).check === check));
}

function expectRefused(result: VeilResult<unknown>, pattern: RegExp): void {
  expect(result).toMatchObject({ ok: false, error: { message: expect.stringMatching(pattern) } });
}

describe('one credential check at every re-entry point (demo without history)', () => {
  let t: TestCore;
  beforeEach(async () => {
    t = await demoCore();
  });
  afterEach(() => t.dispose());

  const login = (windowId: string, username: string, password: string) => t.core.dispatch(windowId, 'session.login', { username, password });

  it('login: five wrong passwords lock the account, each failure and the lockout are audited, the right one waits for the end', async () => {
    const { username, password } = t.userOf('pharmacy_technician');
    const from = (await t.core.audit.seal()).seq;
    for (let i = 1; i <= MAX; i++) expect((await login('w', username, `wrong ${i}`)).ok).toBe(false);
    const events = (await eventsSince(t, from));
    expect(failuresAt(events, 'login')).toHaveLength(MAX);
    expect(events.filter((e) => e.action === 'user.locked_out').map((e) => [e.entityId, after(e).check])).toEqual([[username, 'login']]);

    expectRefused(await login('w', username, password), LOCKED);
    // The refused right password is an attempt too, and is recorded as one made while locked out.
    expect(after(failuresAt((await eventsSince(t, from)), 'login').at(-1)!)).toMatchObject({ cause: 'locked out' });
    t.clock.advanceMinutes(LOCKOUT_MINUTES);
    expect(await login('w', username, password)).toMatchObject({ ok: true, value: { state: 'active' } });
  });

  it('every failed login leaves its own audit event: 21 attempts, 21 failure events (and a lockout each time the limit is reached)', async () => {
    const { username } = t.userOf('pharmacy_technician');
    const from = (await t.core.audit.seal()).seq;
    let attempts = 0;
    for (let i = 0; i < 21; i++) {
      if (i === 12) t.clock.advanceMinutes(LOCKOUT_MINUTES); // the first lockout ends: five more wrong ones lock again
      const result = i % 7 === 3 ? await login('w', `nobody${i}`, 'whatever') : await login('w', username, `wrong ${i}`);
      expect(result.ok).toBe(false);
      attempts++;
    }
    const events = (await eventsSince(t, from));
    expect(attempts).toBe(21);
    expect(failuresAt(events, 'login')).toHaveLength(21);
    expect(failuresAt(events, 'login').filter((e) => after(e).cause === 'unknown username').map((e) => e.entityId)).toEqual(['nobody3', 'nobody10', 'nobody17']);
    expect(failuresAt(events, 'login').filter((e) => after(e).cause === 'locked out').length).toBeGreaterThan(0);
    expect(events.filter((e) => e.action === 'user.locked_out')).toHaveLength(2);
    // The chain holds all of them.
    expect(await t.core.dispatch(await t.loginAs('monitor'), 'audit.verify', {})).toMatchObject({ ok: true, value: { ok: true } });
  });

  it('a login lockout stops the user\'s open session from signing until it ends', async () => {
    const monitor = await t.loginAs('monitor', 'monitor-desk');
    const { username, password } = t.userOf('monitor');
    for (let i = 1; i <= MAX; i++) await login('elsewhere', username, 'guess');
    const sign = await t.core.dispatch(monitor, 'reconciliation.signOff', { signature: { username, password } });
    expectRefused(sign, LOCKED);
    t.clock.advanceMinutes(LOCKOUT_MINUTES);
    // The open session was idle for the whole lockout: it unlocks with the password, then signs.
    expect((await t.core.dispatch(monitor, 'session.unlock', { password })).ok).toBe(true);
    expect((await t.core.dispatch(monitor, 'reconciliation.signOff', { signature: { username, password } })).ok).toBe(true);
  });

  it('unlock: five wrong passwords at a locked window lock the account; the lock screen says so; the right one waits for the end', async () => {
    const w = await t.loginAs('pharmacy_technician', 'bench');
    const { password } = t.userOf('pharmacy_technician');
    await t.core.dispatch(w, 'session.lock', {});
    const from = (await t.core.audit.seal()).seq;
    for (let i = 1; i <= MAX; i++) expect((await t.core.dispatch(w, 'session.unlock', { password: `colleague guess ${i}` })).ok).toBe(false);
    const events = (await eventsSince(t, from));
    expect(failuresAt(events, 'unlock')).toHaveLength(MAX);
    expect(events.filter((e) => e.action === 'user.locked_out').map((e) => after(e).check)).toEqual(['unlock']);
    expect(await t.core.dispatch(w, 'session.current', {})).toMatchObject({ ok: true, value: { state: 'locked', accountLockedUntil: expect.any(String) } });

    expectRefused(await t.core.dispatch(w, 'session.unlock', { password }), LOCKED);
    t.clock.advanceMinutes(LOCKOUT_MINUTES);
    expect(await t.core.dispatch(w, 'session.unlock', { password })).toMatchObject({ ok: true, value: { state: 'active' } });
  });

  it('e-signature: five wrong passwords lock the account and the window in front of the guesser; the right one waits for the end', async () => {
    const w = await t.loginAs('monitor', 'monitor-desk');
    const { username, password } = t.userOf('monitor');
    const from = (await t.core.audit.seal()).seq;
    for (let i = 1; i <= MAX; i++) {
      expect((await t.core.dispatch(w, 'reconciliation.signOff', { signature: { username, password: `guess ${i}` } })).ok).toBe(false);
    }
    const events = (await eventsSince(t, from));
    expect(failuresAt(events, 'signature')).toHaveLength(MAX);
    expect(events.filter((e) => e.action === 'user.locked_out').map((e) => after(e).check)).toEqual(['signature']);
    expect(await t.sql("SELECT count(*) AS n FROM signatures WHERE record_type = 'reconciliation'")).toEqual([{ n: 0 }]);
    // The window in front of the guesser is locked, and cannot be unlocked with the right password either.
    expect(await t.core.dispatch(w, 'session.current', {})).toMatchObject({ value: { state: 'locked' } });
    expectRefused(await t.core.dispatch(w, 'session.unlock', { password }), LOCKED);
    // Nor can the monitor log in anywhere else with it.
    expectRefused(await t.core.dispatch('monitor-other', 'session.login', { username, password }), LOCKED);

    t.clock.advanceMinutes(LOCKOUT_MINUTES);
    expect((await t.core.dispatch(w, 'session.unlock', { password })).ok).toBe(true);
    expect(await t.core.dispatch(w, 'reconciliation.signOff', { signature: { username, password } })).toMatchObject({ ok: true });
  });

  it('register password: five wrong ones lock the account, wipe the key of the window, and the right one waits for the end', async () => {
    const w = await t.loginAs('unblinded_pharmacist', 'register');
    const { password } = t.userOf('unblinded_pharmacist');
    const key = t.core.custody.keyOf(w)!;
    expect(key).not.toBeNull();
    const from = (await t.core.audit.seal()).seq;
    for (let i = 1; i <= MAX; i++) expect((await t.core.dispatch(w, 'allocation.register', { password: `guess ${i}` })).ok).toBe(false);
    const events = (await eventsSince(t, from));
    expect(failuresAt(events, 'register')).toHaveLength(MAX);
    expect(events.filter((e) => e.action === 'user.locked_out').map((e) => after(e).check)).toEqual(['register']);
    expect(events.filter((e) => e.action === 'allocation.register_revealed')).toHaveLength(0);
    expect(t.core.custody.keyOf(w)).toBeNull();
    expect(key.every((byte) => byte === 0)).toBe(true);

    expectRefused(await t.core.dispatch(w, 'session.unlock', { password }), LOCKED);
    t.clock.advanceMinutes(LOCKOUT_MINUTES);
    expect((await t.core.dispatch(w, 'session.unlock', { password })).ok).toBe(true);
    expect((await t.core.dispatch(w, 'allocation.register', { password })).ok).toBe(true);
  });

  it('password change: five wrong current passwords lock the account; the right one waits for the end', async () => {
    const w = await t.loginAs('investigator', 'own-password');
    const { password } = t.userOf('investigator');
    const from = (await t.core.audit.seal()).seq;
    for (let i = 1; i <= MAX; i++) {
      expect((await t.core.dispatch(w, 'session.changePassword', { currentPassword: `guess ${i}`, newPassword: 'a new long password' })).ok).toBe(false);
    }
    const events = (await eventsSince(t, from));
    expect(failuresAt(events, 'password_change')).toHaveLength(MAX);
    // A password is the user's, across studies: its failures name no study.
    expect(failuresAt(events, 'password_change').map((e) => e.study)).toEqual(Array(MAX).fill(null));
    expect(events.filter((e) => e.action === 'user.locked_out').map((e) => after(e).check)).toEqual(['password_change']);
    expectRefused(await t.core.dispatch(w, 'session.unlock', { password }), LOCKED);
    t.clock.advanceMinutes(LOCKOUT_MINUTES);
    expect((await t.core.dispatch(w, 'session.unlock', { password })).ok).toBe(true);
    expect(await t.core.dispatch(w, 'session.changePassword', { currentPassword: password, newPassword: 'a new long password' })).toMatchObject({ ok: true });
    expect(events.filter((e) => e.action === 'user.password_changed')).toHaveLength(0);
  });

  it('code-break passphrase: five wrong ones lock code-break for the study, for everyone, until the lockout ends', async () => {
    const investigator = (await t.core.repositories.users.byUsername('investigator'))!;
    const by = { userId: investigator.id, username: investigator.username };
    const from = (await t.core.audit.seal()).seq;
    for (let i = 1; i <= MAX; i++) {
      await expect(t.core.codeBreak.revealSlot(by, `AAAAA-BBBBB-CCCCC-DDDDD-EEEEE-FFFFF-GGGGG-HHHH${i}`, 'R001')).rejects.toThrow();
    }
    const events = (await eventsSince(t, from));
    expect(failuresAt(events, 'code_break')).toHaveLength(MAX);
    expect(events.filter((e) => e.action === 'code_break.locked_out').map((e) => [e.entityType, e.entityId])).toEqual([['study', 'NS-DUPI']]);
    // The passphrase is the study's: its failures and its lockout name the study, a wrong password does not.
    expect(failuresAt(events, 'code_break').map((e) => e.study)).toEqual(Array(MAX).fill('NS-DUPI'));
    expect(events.filter((e) => e.action === 'code_break.locked_out').map((e) => e.study)).toEqual(['NS-DUPI']);
    // Per study: another person with the right passphrase is refused too.
    const pharmacist = (await t.core.repositories.users.byUsername('pharmacist'))!;
    await expect(t.core.codeBreak.revealSlot({ userId: pharmacist.id, username: 'pharmacist' }, t.demo.codeBreakPassphrase, 'R001')).rejects.toThrow(/code-break .*locked for 15 more minutes/);
    t.clock.advanceMinutes(LOCKOUT_MINUTES);
    expect((await t.core.codeBreak.revealSlot(by, t.demo.codeBreakPassphrase, 'R001')).armCode).toBe(t.armOf.get('R001'));
  });

  it('a new login over a live session wipes that session\'s key, as a logout does', async () => {
    const w = await t.loginAs('unblinded_pharmacist', 'shared-bench');
    const key = t.core.custody.keyOf(w)!;
    expect(key.some((byte) => byte !== 0)).toBe(true);
    await t.loginAs('pharmacy_technician', 'shared-bench');
    expect(t.core.custody.keyOf(w)).toBeNull();
    expect(key.every((byte) => byte === 0)).toBe(true);
  });
});

describe('the re-entry points of the pharmacy history (demo with history)', () => {
  let t: TestCore;
  beforeAll(async () => {
    t = await demoCore({ history: true });
  });
  afterAll(() => t.dispose());

  it('destruction witness: five wrong witness passwords lock the witness account, not the pharmacist; the right one waits for the end', async () => {
    const ph = await t.loginAs('unblinded_pharmacist', 'destroy');
    const sign = { username: 'pharmacist', password: t.userOf('unblinded_pharmacist').password };
    // Only returns the monitor verified are destroyed (issue 11, item 7): the monitor verifies one first.
    const monitor = await t.loginAs('monitor', 'verify-before-destroy');
    const toVerify = (await t.sql<{ k: string }>("SELECT kit_number AS k FROM kit_returns WHERE verified_at IS NULL AND condition <> 'missing' LIMIT 1"))[0]!.k;
    expect((await t.core.dispatch(monitor, 'returns.verify', { kitNumbers: [toVerify], signature: { username: 'monitor', password: t.userOf('monitor').password } })).ok).toBe(true);
    const candidates = (await t.core.dispatch(ph, 'destruction.candidates', {})) as VeilResult<Array<{ kitNumber: string; status: string }>>;
    if (!candidates.ok) throw new Error(candidates.error.message);
    const kits = candidates.value.filter((c) => c.status === 'returned').slice(0, 1).map((c) => c.kitNumber);
    expect(kits).toHaveLength(1);
    const record = (password: string) =>
      t.core.dispatch(ph, 'destruction.record', { kitNumbers: kits, method: 'Incineration', place: 'Pharmacy', destroyedOn: '2026-11-24', witness: { username: 'monitor', password }, signature: sign });
    const from = (await t.core.audit.seal()).seq;
    for (let i = 1; i <= MAX; i++) expect((await record(`guess ${i}`)).ok).toBe(false);
    const events = (await eventsSince(t, from));
    expect(failuresAt(events, 'witness').map((e) => [e.username, e.entityId])).toEqual(Array(MAX).fill(['pharmacist', 'monitor']));
    expect(events.filter((e) => e.action === 'user.locked_out').map((e) => [e.entityId, after(e).check])).toEqual([['monitor', 'witness']]);
    // The pharmacist's own session goes on; the witness account is the one locked.
    expect(await t.core.dispatch(ph, 'session.current', {})).toMatchObject({ value: { state: 'active' } });
    expectRefused(await record(t.userOf('monitor').password), LOCKED);
    expectRefused(await t.core.dispatch('monitor-login', 'session.login', { username: 'monitor', password: t.userOf('monitor').password }), LOCKED);
    t.clock.advanceMinutes(LOCKOUT_MINUTES);
    await t.core.dispatch(ph, 'session.unlock', { password: sign.password });
    expect(await record(t.userOf('monitor').password)).toMatchObject({ ok: true, value: { kits: [{ kitNumber: kits[0] }] } });
  });

  it('emergency unblinding: five wrong passphrases lock code-break for the study, with an audit event each; the right one waits for the end', async () => {
    const inv = await t.loginAs('investigator', 'emergency');
    const patient = (await t.sql<{ id: number; rn: string }>("SELECT id, randomization_number AS rn FROM patients WHERE screening_number = 'S-002'"))[0]!;
    const input = { patientId: patient.id, reason: 'Anaphylactic reaction 20 minutes after the injection', adverseEvent: true, signature: { username: 'investigator', password: t.userOf('investigator').password } };
    const from = (await t.core.audit.seal()).seq;
    for (let i = 1; i <= MAX; i++) {
      expect((await t.core.dispatch(inv, 'emergency.unblind', { ...input, passphrase: `ZZZZZ-ZZZZZ-ZZZZZ-ZZZZZ-ZZZZZ-ZZZZZ-ZZZZZ-ZZZZ${i}` })).ok).toBe(false);
    }
    const events = (await eventsSince(t, from));
    expect(failuresAt(events, 'code_break')).toHaveLength(MAX);
    expect(events.filter((e) => e.action === 'code_break.locked_out')).toHaveLength(1);
    expect(events.filter((e) => e.action === 'patient.emergency_unblinded')).toHaveLength(0);
    expectRefused(await t.core.dispatch(inv, 'emergency.unblind', { ...input, passphrase: t.demo.codeBreakPassphrase }), /code-break .*locked for 15 more minutes/);
    t.clock.advanceMinutes(LOCKOUT_MINUTES);
    await t.core.dispatch(inv, 'session.unlock', { password: input.signature.password });
    expect(await t.core.dispatch(inv, 'emergency.unblind', { ...input, passphrase: t.demo.codeBreakPassphrase })).toMatchObject({ ok: true, value: { armCode: t.armOf.get(patient.rn) } });
  });
});

describe('one credential check, by construction', () => {
  it('no module of main/ but the credential check compares a password or a passphrase itself', () => {
    const root = join(__dirname, '../..');
    const sources = (dir: string): string[] =>
      readdirSync(dir, { withFileTypes: true }).flatMap((d) => (d.isDirectory() ? sources(join(dir, d.name)) : d.name.endsWith('.ts') ? [join(dir, d.name)] : []));
    const using = (word: RegExp) =>
      sources(join(root, 'main'))
        .filter((file) => word.test(readFileSync(file, 'utf8')))
        .map((file) => relative(root, file));
    // passwords.ts defines verifyPassword; keyCustody.ts defines the unwrap; everyone else goes through the check.
    // One named exception: `veil verify --user` (keyHolderCredential.ts) opens the key from a database file read-only.
    // It cannot count failures (it writes nothing), and counting would protect nothing: whoever holds the file can try
    // passwords against its sealed key pair offline anyway. Any other module comparing a password fails here.
    expect(using(/\bverifyPassword\(/)).toEqual(['main/core/allocation/keyHolderCredential.ts', 'main/core/auth/credentialCheck.ts', 'main/core/auth/passwords.ts']);
    expect(using(/\bunwrapForEmergency\(/)).toEqual(['main/core/allocation/keyCustodyService.ts', 'main/core/crypto/keyCustody.ts']);
    expect(readFileSync(join(root, 'main/core/allocation/keyCustodyService.ts'), 'utf8')).toMatch(/credentials\.codeBreakPassphrase\([\s\S]*unwrapForEmergency\(/);
  });
});
