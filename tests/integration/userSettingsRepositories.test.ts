import { describe, expect, it, vi } from 'vitest';
import { testStores } from '../helpers/stores';
import { type Engine } from '../../main/core/db/store';
import { FailedAttemptsRepository } from '../../main/core/auth/failedAttemptsRepository';
import { NS_DUPI } from '../../main/core/demo/demoSeed';
import { SettingsRepository, DEFAULT_SECURITY_SETTINGS } from '../../main/core/system/settingsRepository';
import { CloseOutRepository } from '../../main/core/closeOut/closeOutRepository';
import { SiteMemory } from '../../main/core/system/siteMemory';
import { StudyRepository } from '../../main/core/system/studyRepository';
import { UserRepository } from '../../main/core/users/userRepository';

/** Issue 13, item 2: the users', the settings' and the study's SQL on the Store, the same answers on both engines. */
const stores = testStores('user-settings');
const storeOn = (engine: Engine) => stores.open(engine);

const at = '2026-02-10T14:30:00.000Z';
const account = (username: string, role: 'unblinded_pharmacist' | 'monitor' = 'monitor') => ({ username, displayName: `${username} N.`, role, passwordHash: `hash-${username}`, mustChangePassword: true, createdAt: at });

describe.each(['sqlite', 'postgres'] as const)('the user repository on %s', (engine) => {
  it('inserts, counts, lists by username, reads by id and name, deactivates and resets a password (ending a lockout)', async () => {
    const { store } = await storeOn(engine);
    const users = new UserRepository(store);
    expect(await users.count()).toBe(0);
    // Upper-case sorts before lower-case in binary order, whatever the server's collation.
    const zoe = await users.insert(account('zoe'));
    const ben = await users.insert(account('Ben', 'unblinded_pharmacist'));
    const amy = await users.insert(account('amy'));
    expect(await users.count()).toBe(3);
    expect((await users.list()).map((u) => u.username)).toEqual(['Ben', 'amy', 'zoe']);
    expect(await users.byId(ben)).toEqual({
      id: ben,
      username: 'Ben',
      displayName: 'Ben N.',
      role: 'unblinded_pharmacist',
      passwordHash: 'hash-Ben',
      active: true,
      mustChangePassword: true,
      failedLogins: 0,
      lockedUntil: null,
      createdAt: at,
    });
    expect((await users.byUsername('amy'))?.id).toBe(amy);
    expect(await users.byUsername('nobody')).toBeUndefined();
    expect(await users.byId(9999)).toBeUndefined();

    await users.setActive(zoe, false);
    expect((await users.byId(zoe))?.active).toBe(false);
    await users.setActive(zoe, true);
    expect((await users.byId(zoe))?.active).toBe(true);

    const attempts = new FailedAttemptsRepository(store);
    const subject = { kind: 'user', userId: amy, username: 'amy' } as const;
    await attempts.addFailure(subject);
    await attempts.lock(subject, '2026-02-10T15:00:00.000Z');
    await users.setPassword(amy, 'new-hash', false);
    expect(await users.byId(amy)).toMatchObject({ passwordHash: 'new-hash', mustChangePassword: false, failedLogins: 0, lockedUntil: null });
  });

  it('refuses a second account of the same username', async () => {
    const { store } = await storeOn(engine);
    const users = new UserRepository(store);
    await users.insert(account('amy'));
    await expect(users.insert(account('amy'))).rejects.toThrow();
    expect(await users.count()).toBe(1);
  });
});

describe.each(['sqlite', 'postgres'] as const)('the failed-attempts repository on %s', (engine) => {
  it('counts wrong secrets per user and per study, locks, and clears', async () => {
    const { store } = await storeOn(engine);
    const userId = await new UserRepository(store).insert(account('amy'));
    const attempts = new FailedAttemptsRepository(store);
    const user = { kind: 'user', userId, username: 'amy' } as const;
    const study = { kind: 'code_break', study: 'NS-DUPI' } as const;
    expect(await attempts.state(user)).toEqual({ failedAttempts: 0, lockedUntil: null });
    expect(await attempts.state(study)).toEqual({ failedAttempts: 0, lockedUntil: null });
    expect(await attempts.addFailure(user)).toBe(1);
    expect(await attempts.addFailure(user)).toBe(2);
    expect(await attempts.addFailure(study)).toBe(1);
    expect(await attempts.addFailure(study)).toBe(2);
    expect(await attempts.state(user)).toEqual({ failedAttempts: 2, lockedUntil: null });
    await attempts.lock(user, '2026-02-10T15:00:00.000Z');
    await attempts.lock(study, '2026-02-10T15:05:00.000Z');
    expect(await attempts.state(user)).toEqual({ failedAttempts: 0, lockedUntil: '2026-02-10T15:00:00.000Z' });
    expect(await attempts.state(study)).toEqual({ failedAttempts: 0, lockedUntil: '2026-02-10T15:05:00.000Z' });
    await attempts.clear(user);
    await attempts.clear(study);
    expect(await attempts.state(user)).toEqual({ failedAttempts: 0, lockedUntil: null });
    expect(await attempts.state(study)).toEqual({ failedAttempts: 0, lockedUntil: null });
  });

  it('two failures counted at once both count (one statement each)', async () => {
    const { store } = await storeOn(engine);
    const attempts = new FailedAttemptsRepository(store);
    const study = { kind: 'code_break', study: 'NS-DUPI' } as const;
    await Promise.all([attempts.addFailure(study), attempts.addFailure(study), attempts.addFailure(study)]);
    expect((await attempts.state(study)).failedAttempts).toBe(3);
  });
});

describe.each(['sqlite', 'postgres'] as const)('the settings and the study on %s', (engine) => {
  it('reads defaults before anything is set, then what was saved, replaced in place', async () => {
    const { store } = await storeOn(engine);
    const settings = new SettingsRepository(store);
    const studies = new StudyRepository(store);
    expect(await settings.siteName()).toBeNull();
    expect(await settings.security()).toEqual(DEFAULT_SECURITY_SETTINGS);
    expect(await settings.scanner()).toEqual({});
    expect(await studies.current()).toBeNull();

    await settings.setSite('Hôpital Larrey pharmacy');
    await settings.setSite('Pharmacie Larrey');
    await settings.setSecurity({ maxFailedLogins: 3, lockoutMinutes: 30, inactivityMinutes: 10 });
    await studies.save(NS_DUPI, at);
    await studies.save({ ...NS_DUPI, title: 'Another title' }, at);
    expect(await settings.siteName()).toBe('Pharmacie Larrey');
    expect(await settings.security()).toEqual({ maxFailedLogins: 3, lockoutMinutes: 30, inactivityMinutes: 10 });
    expect((await studies.current())?.title).toBe('Another title');
    expect(await store.q().selectFrom('settings').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).toEqual({ n: 2 });
  });

  it('keeps each study in a row of its own: saved again, a study is replaced in place; another code adds a row; the current one is the first loaded', async () => {
    const { store } = await storeOn(engine);
    const studies = new StudyRepository(store);
    await studies.save(NS_DUPI, at);
    await studies.save({ ...NS_DUPI, code: 'BRAVE-AA2', title: 'Baricitinib in alopecia areata' }, at);
    await studies.save({ ...NS_DUPI, title: 'Dupilumab, title amended' }, at);
    const rows = await store.q().selectFrom('studies').select(['id', 'code', 'config_json']).orderBy('id').execute();
    expect(rows.map((r) => [r.id, r.code, JSON.parse(r.config_json).title])).toEqual([
      [1, 'NS-DUPI', 'Dupilumab, title amended'],
      [2, 'BRAVE-AA2', 'Baricitinib in alopecia areata'],
    ]);
    expect((await studies.current())?.code).toBe('NS-DUPI');
  });

  it('a blank site name reads as not set', async () => {
    const { store } = await storeOn(engine);
    const settings = new SettingsRepository(store);
    await settings.setSite('   ');
    expect(await settings.siteName()).toBeNull();
  });

  it('in memory: loaded, then loaded again after a committed change reported by the Store', async () => {
    const { store } = await storeOn(engine);
    const settings = new SettingsRepository(store);
    const studies = new StudyRepository(store);
    const memory = new SiteMemory(studies, settings, new CloseOutRepository(store));
    expect(() => memory.study()).toThrow(/before the core has loaded them/);
    await memory.reload();
    expect(memory.study()).toBeNull();
    expect(memory.site()).toBe('Site pharmacy (name not set)');
    const stop = await memory.follow(store);
    await store.transaction(async () => {
      await studies.save(NS_DUPI, at);
      await settings.setSite('Pharmacie Larrey');
    });
    // Nobody asked: the Store's change feed started the reload.
    await vi.waitFor(() => expect(memory.site()).toBe('Pharmacie Larrey'));
    expect(memory.study()?.code).toBe(NS_DUPI.code);
    await expect(store.transaction(async () => {
      await settings.setSite('Rolled back');
      throw new Error('half-way');
    })).rejects.toThrow('half-way');
    await memory.reload();
    expect(memory.siteName()).toBe('Pharmacie Larrey');
    stop();
  });
});
