import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { demoCore, TEST_ENGINE, type TestCore } from '../helpers/core';
import { createPostgresDatabase } from '../helpers/postgres';

let t: TestCore;
beforeEach(async () => {
  t = await demoCore();
});
afterEach(() => t.dispose());

async function login(windowId: string, username: string, password: string) {
  return t.core.dispatch(windowId, 'session.login', { username, password });
}

describe('login and lockout', () => {
  it('logs a user in with the right password and reports the role and blinding', async () => {
    const { username, password } = t.userOf('monitor');
    const result = await login('w1', username, password);
    expect(result).toMatchObject({ ok: true, value: { state: 'active', user: { username: 'monitor', role: 'monitor', blinded: true } } });
  });

  it('locks the account after five wrong passwords, even against the right password, for 15 minutes', async () => {
    const { username, password } = t.userOf('investigator');
    for (let attempt = 1; attempt <= 4; attempt++) {
      const r = await login('w1', username, 'not the password');
      expect(r).toMatchObject({ ok: false, error: { code: 'unauthenticated' } });
      if (!r.ok) expect(r.error.message).toContain(`${5 - attempt} attempt`);
    }
    const fifth = await login('w1', username, 'not the password');
    expect(fifth).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    if (!fifth.ok) expect(fifth.error.message).toMatch(/locked for 15 more minutes/);

    const rightButLocked = await login('w1', username, password);
    expect(rightButLocked).toMatchObject({ ok: false, error: { code: 'forbidden' } });

    t.clock.advanceMinutes(14);
    expect((await login('w1', username, password)).ok).toBe(false);
    t.clock.advanceMinutes(1);
    expect(await login('w1', username, password)).toMatchObject({ ok: true, value: { state: 'active' } });
  });

  it('a good login resets the failure count', async () => {
    const { username, password } = t.userOf('pharmacy_technician');
    for (let i = 0; i < 4; i++) await login('w1', username, 'wrong');
    expect((await login('w1', username, password)).ok).toBe(true);
    for (let i = 0; i < 4; i++) await login('w2', username, 'wrong');
    expect((await login('w2', username, password)).ok).toBe(true);
  });

  it('answers an unknown username with the same words as a wrong password', async () => {
    const unknown = await login('w1', 'nobody', 'whatever password');
    const wrong = await login('w1', 'monitor', 'whatever password');
    expect(unknown.ok || wrong.ok).toBe(false);
    if (!unknown.ok && !wrong.ok) expect(wrong.error.message.startsWith(unknown.error.message)).toBe(true);
  });
});

describe('inactivity lock', () => {
  it('locks an idle session; its data calls answer unauthenticated until the same user unlocks it', async () => {
    const w = await t.loginAs('administrator');
    expect((await t.core.dispatch(w, 'users.list', {})).ok).toBe(true);

    t.clock.advanceMinutes(4);
    expect((await t.core.dispatch(w, 'users.list', {})).ok).toBe(true); // activity restarts the timer
    t.clock.advanceMinutes(4);
    expect((await t.core.dispatch(w, 'users.list', {})).ok).toBe(true);

    t.clock.advanceMinutes(5);
    const refused = await t.core.dispatch(w, 'users.list', {});
    expect(refused).toMatchObject({ ok: false, error: { code: 'unauthenticated' } });
    expect(await t.core.dispatch(w, 'session.current', {})).toMatchObject({ ok: true, value: { state: 'locked', user: { username: 'admin' } } });

    const wrong = await t.core.dispatch(w, 'session.unlock', { password: t.userOf('monitor').password });
    expect(wrong).toMatchObject({ ok: false, error: { code: 'unauthenticated' } });
    expect((await t.core.dispatch(w, 'users.list', {})).ok).toBe(false);

    const unlocked = await t.core.dispatch(w, 'session.unlock', { password: t.userOf('administrator').password });
    expect(unlocked).toMatchObject({ ok: true, value: { state: 'active' } });
    expect((await t.core.dispatch(w, 'users.list', {})).ok).toBe(true);
  });

  it('the idle sweep locks the window and tells it through a session.changed event', async () => {
    const seen: Array<{ windowId: string; event: string; state: unknown }> = [];
    // Session events only: the commits of the login and the lock also tell every window 'records.changed'.
    t.core.onEvent((windowId, event, payload) => event === 'session.changed' && seen.push({ windowId, event, state: (payload as { state: string }).state }));
    const w = await t.loginAs('monitor');
    t.clock.advanceMinutes(5);
    await t.core.auth.lockIdleWindows();
    expect(seen).toEqual([{ windowId: w, event: 'session.changed', state: 'locked' }]);
  });

  it('another user at a locked window must log out and log in (switch user)', async () => {
    const w = await t.loginAs('pharmacy_technician');
    await t.core.dispatch(w, 'session.lock', {});
    expect((await t.core.dispatch(w, 'system.info', {})).ok).toBe(true); // public
    expect((await t.core.dispatch(w, 'session.heartbeat', {})).ok).toBe(false);
    expect((await t.core.dispatch(w, 'session.logout', {})).ok).toBe(true);
    await t.loginAs('investigator', w);
    expect(await t.core.dispatch(w, 'session.current', {})).toMatchObject({ value: { state: 'active', user: { role: 'investigator' } } });
  });

  it('uses the inactivity setting an administrator sets', async () => {
    const w = await t.loginAs('administrator');
    const r = await t.core.dispatch(w, 'system.updateSecuritySettings', { maxFailedLogins: 5, lockoutMinutes: 15, inactivityMinutes: 2 });
    expect(r.ok).toBe(true);
    t.clock.advanceMinutes(2);
    expect(await t.core.dispatch(w, 'users.list', {})).toMatchObject({ ok: false, error: { code: 'unauthenticated' } });
  });
});

describe('first start', () => {
  it('asks for the administrator only while no user exists', async () => {
    const { openVeilCore } = await import('../../main/core/veilCore');
    const { join } = await import('node:path');
    // An empty database on this run's engine: a new SQLite file, or a new database on the PostgreSQL server.
    const empty = TEST_ENGINE === 'postgres' ? { database: await createPostgresDatabase(), dataFolder: t.dir } : { dbFile: join(t.dir, 'empty.db') };
    const core = await openVeilCore({ ...empty, mode: 'browser', idleSweepMs: 0 });
    try {
      expect(await core.dispatch('w', 'session.current', {})).toMatchObject({ ok: true, value: { state: 'logged_out', needsAdministrator: true } });
      const created = await core.dispatch('w', 'session.createAdministrator', { username: 'admin', displayName: 'Site Admin', password: 'a long password' });
      expect(created).toMatchObject({ ok: true, value: { state: 'active', user: { role: 'administrator' } } });
      const again = await core.dispatch('w2', 'session.createAdministrator', { username: 'admin2', displayName: 'Other', password: 'a long password' });
      expect(again).toMatchObject({ ok: false, error: { code: 'conflict' } });
      expect(await core.dispatch('w2', 'session.current', {})).toMatchObject({ value: { state: 'logged_out', needsAdministrator: false } });
    } finally {
      core.close();
    }
  });
});
