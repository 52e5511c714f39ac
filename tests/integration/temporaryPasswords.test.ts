import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { channels } from '../../shared/contract';
import { open, sealedField } from '../../main/core/crypto/allocationCipher';
import { openUserPrivateKey, unwrapForUser, WrongSecretError, type PasswordSealed, type UserWrap } from '../../main/core/crypto/keyCustody';
import { demoCore, type TestCore } from '../helpers/core';

/**
 * DESIGN.md section 3, invariant 6: a password an administrator chose never protects the allocation key. The attacks
 * replayed here: the administrator creates (or resets) an unblinded account, a pharmacist grants it access as Veil
 * asks, and the administrator then uses the temporary password, online (log in, open the register) or offline (two
 * copies of the database, the real key-custody crypto).
 */
let t: TestCore;
beforeEach(async () => {
  t = await demoCore();
});
afterEach(() => t.dispose());

const TEMPORARY = 'temporary chosen by admin';
const OWN = 'a password only I know';

async function ok(windowId: string, channel: string, input: unknown = {}): Promise<unknown> {
  const result = await t.core.dispatch(windowId, channel, input);
  if (!result.ok) throw new Error(`${channel}: ${result.error.message}`);
  return result.value;
}

async function createUnblinded(username: string): Promise<number> {
  const admin = await t.loginAs('administrator', 'admin-window');
  const created = (await ok(admin, 'users.create', { username, displayName: 'Mallory Pharma', role: 'unblinded_pharmacist', temporaryPassword: TEMPORARY })) as { id: number };
  // An unblinded role is delegated by the study's pharmacist; under a temporary password the key cannot go with it.
  const pharmacist = await t.loginAs('unblinded_pharmacist', 'delegating-pharmacist');
  const today = ((await ok(pharmacist, 'today.view')) as { today: string }).today;
  const signature = { username: t.userOf('unblinded_pharmacist').username, password: t.userOf('unblinded_pharmacist').password };
  const delegated = await ok(pharmacist, 'delegations.grant', { userId: created.id, role: 'unblinded_pharmacist', startsOn: today, endsOn: null, reason: 'Joins the pharmacy', signature });
  expect(delegated).toMatchObject({ key: 'after_own_password' });
  return created.id;
}

function grant(pharmacistWindow: string, userId: number) {
  return t.core.dispatch(pharmacistWindow, 'allocation.grantAccess', {
    userId,
    reason: 'New pharmacist joins the study',
    signature: { username: t.userOf('unblinded_pharmacist').username, password: t.userOf('unblinded_pharmacist').password },
  });
}

function awaiting(status: unknown, userId: number) {
  return (status as { awaitingAccess: Array<{ userId: number; canBeGranted: boolean }> }).awaitingAccess.find((a) => a.userId === userId);
}

/**
 * What a thief takes away with a copy of the database as it stands now (the file with its WAL, or a dump of the
 * PostgreSQL database): every row of the tables the offline attack needs, read on either engine.
 */
interface StolenCopy {
  keys: Array<{ userId: number; publicKey: string; sealed: string }>;
  wraps: Array<{ holder: string; json: string }>;
  slots: Array<{ randomizationNumber: string; sealed: string }>;
}

async function copyDatabase(): Promise<StolenCopy> {
  return {
    keys: await t.sql('SELECT user_id AS "userId", public_key AS "publicKey", sealed_private_key AS sealed FROM user_keys'),
    wraps: await t.sql('SELECT holder, wrap_json AS json FROM key_wraps'),
    slots: await t.sql('SELECT randomization_number AS "randomizationNumber", arm_sealed AS sealed FROM randomization_slots'),
  };
}

/** What a thief does with the copy: reads the user's sealed private key and wrap, and tries a password. */
function offlineDataKey(copy: StolenCopy, userId: number, password: string): Promise<Buffer | null> {
  const pair = copy.keys.find((k) => Number(k.userId) === userId);
  const wrap = copy.wraps.find((w) => w.holder === `user:${userId}`);
  if (!pair || !wrap) return Promise.resolve(null);
  return openUserPrivateKey(userId, password, JSON.parse(pair.sealed) as PasswordSealed).then(
    (privateKey) => unwrapForUser(JSON.parse(wrap.json) as UserWrap, userId, privateKey, pair.publicKey),
    (error: unknown) => {
      if (error instanceof WrongSecretError) return null;
      throw error;
    },
  );
}

/** Opens slot R001's sealed arm with a data key: proof that the key found offline is the allocation key. */
function armOfFirstSlot(copy: StolenCopy, key: Buffer): string {
  const slot = copy.slots.find((s) => s.randomizationNumber === 'R001')!;
  return open(key, slot.sealed, sealedField.slotArm('R001'));
}

describe('while a password must change, the router refuses everything but the change and leaving', () => {
  it('a session under a temporary password reaches no data channel at all, whatever the renderer does', async () => {
    await createUnblinded('mallory');
    await ok('mallory-window', 'session.login', { username: 'mallory', password: TEMPORARY });
    const allowed = new Set(['session.changePassword', 'session.logout', 'session.lock', 'session.unlock', 'session.heartbeat']);
    const checked: string[] = [];
    for (const { name, definition } of channels) {
      if (definition.access === 'public' || allowed.has(name)) continue;
      const result = await t.core.dispatch('mallory-window', name, definition.examples[0]);
      expect(result, name).toMatchObject({ ok: false, error: { code: 'forbidden', message: expect.stringContaining('temporary password') } });
      checked.push(name);
    }
    expect(checked.length).toBeGreaterThan(50);
    // Still there: the session is active and shows the forced change, which the user can make.
    expect(await ok('mallory-window', 'session.current')).toMatchObject({ state: 'active', user: { mustChangePassword: true } });
    expect(await ok('mallory-window', 'session.changePassword', { currentPassword: TEMPORARY, newPassword: OWN })).toMatchObject({
      state: 'active',
      user: { mustChangePassword: false },
    });
    expect((await t.core.dispatch('mallory-window', 'patients.list', {})).ok).toBe(true);
  });
});

describe('an unblinded account under a temporary password cannot be given the allocation key', () => {
  it('created by the administrator: the pharmacist is not offered a grant, and the administrator with the temporary password opens nothing', async () => {
    const id = await createUnblinded('mallory');
    const pharmacist = await t.loginAs('unblinded_pharmacist', 'pharmacist-window');
    // The pharmacist does what Veil asks of them: grant access to the new unblinded colleague.
    const status = await ok(pharmacist, 'allocation.status');
    const granted = await grant(pharmacist, id);

    // The administrator logs in with the password they chose and goes for the register and every key channel.
    await ok('attacker', 'session.login', { username: 'mallory', password: TEMPORARY });
    expect(t.core.custody.keyOf('attacker')).toBeNull();
    for (const [channel, input] of [
      ['allocation.register', { password: TEMPORARY }],
      ['allocation.status', {}],
      ['dispensing.plan', { patientId: 1, visitCode: 'D1' }],
      ['reconciliation.viewUnblinded', {}],
      ['reports.renderUnblinded', { report: 'accountability', format: 'csv' }],
    ] as const) {
      const result = await t.core.dispatch('attacker', channel, input);
      expect(result, channel).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    }

    // Veil listed the account as waiting, not grantable until they chose their own password, and refused the grant.
    expect(awaiting(status, id)).toEqual({ userId: id, username: 'mallory', displayName: 'Mallory Pharma', canBeGranted: false });
    expect(granted).toMatchObject({ ok: false, error: { code: 'conflict', message: expect.stringContaining('own password') } });
    expect(await t.core.repositories.keys.userKey(id)).toBeUndefined();
    expect(await t.core.repositories.keys.userWrap(id)).toBeUndefined();

    // The real user sets their own password; only now is a key pair made, and the grant goes through.
    await ok('attacker', 'session.changePassword', { currentPassword: TEMPORARY, newPassword: OWN });
    expect(await t.core.repositories.keys.userKey(id)).toBeDefined();
    expect(awaiting(await ok(pharmacist, 'allocation.status'), id)).toMatchObject({ canBeGranted: true });
    expect((await grant(pharmacist, id)).ok).toBe(true);
    await ok('mallory-again', 'session.login', { username: 'mallory', password: OWN });
    expect((await t.core.dispatch('mallory-again', 'allocation.register', { password: OWN })).ok).toBe(true);
  });

  it('created by the administrator, offline: two copies of the database around the grant, and the temporary password opens no key', async () => {
    const id = await createUnblinded('mallory');
    const pharmacist = await t.loginAs('unblinded_pharmacist', 'pharmacist-window');
    const before = await copyDatabase();
    await grant(pharmacist, id);
    const after = await copyDatabase();
    expect(await offlineDataKey(before, id, TEMPORARY)).toBeNull();
    expect(await offlineDataKey(after, id, TEMPORARY)).toBeNull();

    // After the user chose their own password and was granted: still nothing under the temporary one...
    await ok('mallory-window', 'session.login', { username: 'mallory', password: TEMPORARY });
    await ok('mallory-window', 'session.changePassword', { currentPassword: TEMPORARY, newPassword: OWN });
    expect((await grant(pharmacist, id)).ok).toBe(true);
    const granted = await copyDatabase();
    expect(await offlineDataKey(granted, id, TEMPORARY)).toBeNull();
    // ...while the same offline attack with the user's own password does open the key: the attack itself is real.
    const key = await offlineDataKey(granted, id, OWN);
    expect(key).not.toBeNull();
    expect(armOfFirstSlot(granted, key!)).toBe(t.armOf.get('R001'));
  });

  it('reset by the administrator: the pair and the wrap are deleted, and a new grant waits for the user\'s own password', async () => {
    const monitor = (await t.core.repositories.users.byUsername('unblinded.monitor'))!;
    const ownBefore = t.userOf('unblinded_monitor').password;
    const pharmacist = await t.loginAs('unblinded_pharmacist', 'pharmacist-window');
    expect(await t.core.repositories.keys.userWrap(monitor.id)).toBeDefined();

    const admin = await t.loginAs('administrator', 'admin-window');
    const reset = await ok(admin, 'users.resetPassword', { userId: monitor.id, temporaryPassword: TEMPORARY, reason: 'Forgotten password' });
    expect(reset).toMatchObject({ mustChangePassword: true, keyAccessRemoved: true });
    expect(await t.core.repositories.keys.userKey(monitor.id)).toBeUndefined();
    expect(await t.core.repositories.keys.userWrap(monitor.id)).toBeUndefined();
    const before = await copyDatabase();

    // The pharmacist is asked to grant again: not possible while the password is the administrator's.
    expect(awaiting(await ok(pharmacist, 'allocation.status'), monitor.id)).toMatchObject({ canBeGranted: false });
    expect(await grant(pharmacist, monitor.id)).toMatchObject({ ok: false, error: { code: 'conflict' } });

    // The administrator logs in as the unblinded monitor with the temporary password: refused everywhere, no pair made.
    await ok('attacker', 'session.login', { username: 'unblinded.monitor', password: TEMPORARY });
    expect(await t.core.repositories.keys.userKey(monitor.id)).toBeUndefined();
    expect(await t.core.dispatch('attacker', 'reconciliation.viewUnblinded', {})).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    expect(await t.core.dispatch('attacker', 'allocation.grantAccess', { userId: monitor.id, reason: 'self', signature: { username: 'unblinded.monitor', password: TEMPORARY } })).toMatchObject({
      ok: false,
      error: { code: 'forbidden' },
    });
    const after = await copyDatabase();
    expect(await offlineDataKey(before, monitor.id, TEMPORARY)).toBeNull();
    expect(await offlineDataKey(after, monitor.id, TEMPORARY)).toBeNull();
    // Nor does the old password open anything any more.
    expect(await offlineDataKey(after, monitor.id, ownBefore)).toBeNull();
  });
});

describe('the demo grants the unblinded monitor only after a password of their own', () => {
  it('the demo unblinded monitor holds a pair sealed under their own password and a wrap that opens with it', async () => {
    const monitor = (await t.core.repositories.users.byUsername('unblinded.monitor'))!;
    expect(monitor.mustChangePassword).toBe(false);
    const copy = await copyDatabase();
    const key = await offlineDataKey(copy, monitor.id, t.userOf('unblinded_monitor').password);
    expect(armOfFirstSlot(copy, key!)).toBe(t.armOf.get('R001'));
  });
});
