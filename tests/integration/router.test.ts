import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { channels } from '../../shared/contract';
import { ROLES, ROLE_PERMISSIONS, type Role } from '../../shared/roles';
import { Router, type Handlers } from '../../main/core/router';
import { silentLogger } from '../../main/core/log';
import { demoCore, type TestCore } from '../helpers/core';

let t: TestCore;
beforeAll(async () => {
  t = await demoCore();
  // The examples carry a placeholder password: every e-signed channel a role may call answers "wrong password", which
  // the one credential check counts. Without a high maximum here, the role would be locked out half-way and every later
  // channel would answer "forbidden" for that reason, hiding what this test is about (which channels each role may call).
  await t.core.repositories.settings.setSecurity({ ...(await t.core.repositories.settings.security()), maxFailedLogins: 1_000_000 });
  await t.core.site.reload();
  for (const role of ROLES) await t.loginAs(role);
});
afterAll(() => t.dispose());

describe('permissions are enforced by the router, whatever the UI does', () => {
  const permissioned = channels.filter((c) => !['public', 'locked', 'session'].includes(c.definition.access));
  for (const role of ROLES) {
    it(`${role}: every channel outside its permissions answers forbidden`, async () => {
      for (const { name, definition } of permissioned) {
        const allowed = ROLE_PERMISSIONS[role].includes(definition.access as never);
        const result = await t.core.dispatch(role, name, definition.examples[0]);
        if (allowed) {
          if (!result.ok) expect(result.error.code, `${role} ${name}`).not.toBe('forbidden');
        } else {
          expect(result, `${role} ${name}`).toMatchObject({ ok: false, error: { code: 'forbidden' } });
        }
      }
    });
  }

  it('a window without a session gets unauthenticated for everything but public channels', async () => {
    for (const { name, definition } of channels) {
      const result = await t.core.dispatch('nobody-window', name, definition.examples[0]);
      if (definition.access === 'public') continue;
      expect(result, name).toMatchObject({ ok: false, error: { code: 'unauthenticated' } });
    }
  });
});

describe('validation and errors', () => {
  it('refuses bad input with the issues and changes nothing', async () => {
    const before = await t.core.repositories.users.count();
    const result = await t.core.dispatch('administrator', 'users.create', { username: 'X Y', displayName: '', role: 'king', temporaryPassword: 'short' });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error.code).toBe('validation');
    const paths = result.error.issues!.map((i) => i.path[0]);
    expect(paths).toEqual(expect.arrayContaining(['username', 'displayName', 'role', 'temporaryPassword']));
    expect(await t.core.repositories.users.count()).toBe(before);
  });

  it('refuses unknown fields in input rather than ignoring them', async () => {
    const result = await t.core.dispatch('administrator', 'session.heartbeat', { arm: 'PLACEBO' });
    expect(result).toMatchObject({ ok: false, error: { code: 'validation', message: expect.stringContaining('arm') } });
  });

  it('answers not_found for an unknown channel and conflict for a taken username', async () => {
    expect(await t.core.dispatch('administrator', 'kits.reveal', {})).toMatchObject({ ok: false, error: { code: 'not_found' } });
    const dup = await t.core.dispatch('administrator', 'users.create', { username: 'monitor', displayName: 'Other Monitor', role: 'monitor', temporaryPassword: 'a long temporary' });
    expect(dup).toMatchObject({ ok: false, error: { code: 'conflict', message: expect.stringContaining('already taken') } });
  });

  it('strips output fields the contract has no place for, and hides internal errors behind a reference', async () => {
    const leaky = {
      ...(t.core.router as unknown as { handlers: Handlers }).handlers,
      system: {
        info: () => ({ application: 'Veil', version: '1', mode: 'browser', study: null, site: null, schemaVersion: 1, serverTime: new Date().toISOString(), siteToday: '2026-11-25', arm: 'DUPI300' }),
        securitySettings: () => {
          throw new Error('SQLITE_CORRUPT at /secret/path');
        },
        updateSecuritySettings: () => ({ maxFailedLogins: 5 }),
      },
    } as unknown as Handlers;
    const gate = { lockIdleWindows: () => {}, sessionOf: () => ({ userId: 1, username: 'admin', role: 'administrator' as Role, state: 'active' as const, mustChangePassword: false }), touch: () => {}, verifySignature: async () => { throw new Error('not used'); }, keyOf: () => null, requireKey: () => { throw new Error('not used'); } };
    const router = new Router(leaky, gate, silentLogger);
    const info = await router.dispatch('w', 'system.info', {});
    expect(info.ok).toBe(true);
    expect(JSON.stringify(info)).not.toContain('DUPI300');
    const broken = await router.dispatch('w', 'system.securitySettings', {});
    expect(broken).toMatchObject({ ok: false, error: { code: 'internal' } });
    expect(JSON.stringify(broken)).not.toContain('/secret/path');
    const invalid = await router.dispatch('w', 'system.updateSecuritySettings', { maxFailedLogins: 5, lockoutMinutes: 15, inactivityMinutes: 5 });
    expect(invalid).toMatchObject({ ok: false, error: { code: 'internal' } });
  });
});

describe('user administration', () => {
  it('creates a user who must change the temporary password; deactivation ends their sessions', async () => {
    const created = await t.core.dispatch('administrator', 'users.create', {
      username: 'nurse.claire',
      displayName: 'Claire Martin',
      role: 'investigator',
      temporaryPassword: 'temporary password 1',
    });
    expect(created).toMatchObject({ ok: true, value: { username: 'nurse.claire', mustChangePassword: true, blinded: true, active: true } });
    if (!created.ok) return;
    const id = (created.value as { id: number }).id;
    const login = await t.core.dispatch('nurse', 'session.login', { username: 'nurse.claire', password: 'temporary password 1' });
    expect(login).toMatchObject({ ok: true, value: { user: { mustChangePassword: true } } });
    const changed = await t.core.dispatch('nurse', 'session.changePassword', { currentPassword: 'temporary password 1', newPassword: 'my own long password' });
    expect(changed).toMatchObject({ ok: true, value: { user: { mustChangePassword: false } } });

    const self = await t.core.dispatch('administrator', 'users.setActive', { userId: (await t.core.repositories.users.byUsername('admin'))!.id, active: false, reason: 'test' });
    expect(self).toMatchObject({ ok: false, error: { code: 'conflict' } });

    const off = await t.core.dispatch('administrator', 'users.setActive', { userId: id, active: false, reason: 'Left the site' });
    expect(off).toMatchObject({ ok: true, value: { active: false } });
    expect(await t.core.dispatch('nurse', 'session.current', {})).toMatchObject({ value: { state: 'logged_out' } });
    expect(await t.core.dispatch('nurse', 'session.login', { username: 'nurse.claire', password: 'my own long password' })).toMatchObject({
      ok: false,
      error: { code: 'forbidden', message: expect.stringContaining('deactivated') },
    });

    const reset = await t.core.dispatch('administrator', 'users.resetPassword', { userId: id, temporaryPassword: 'temporary password 2', reason: 'Forgotten' });
    expect(reset).toMatchObject({ ok: true, value: { mustChangePassword: true } });
  });
});
