import type { TFunction } from 'i18next';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { translateServerMessage } from '../../renderer/src/i18n/serverMessages';
import type { VeilErrorBody } from '../../shared/errors';
import { demoCore, type TestCore } from '../helpers/core';
import { translators } from '../helpers/translators';

/**
 * Issue 17, item 2: the core says its refusals by key and the renderer shows them in French from the key, without
 * reading the English (the English regexes for these messages are gone).
 */
let world: TestCore;
let tFr: TFunction;
beforeAll(async () => {
  world = await demoCore();
  ({ tFr } = await translators());
});
afterAll(() => world.dispose());

async function refusal(windowId: string, channel: string, input: unknown): Promise<VeilErrorBody> {
  const result = await world.core.dispatch(windowId, channel, input);
  if (result.ok) throw new Error(`${channel} was expected to be refused`);
  return result.error;
}

describe('refusals said by key, shown in French', () => {
  it('a wrong password at login: key, count, English message and French text', async () => {
    const user = world.userOf('study_nurse');
    const error = await refusal('w-login', 'session.login', { username: user.username, password: 'not the password' });
    expect(error.key).toBe('session.wrongCredentialsAttempts');
    expect(typeof error.params?.count).toBe('number');
    expect(error.message).toBe(`Wrong username or password. ${error.params!.count} attempts left before the account is locked.`);
    expect(translateServerMessage(error, tFr)).toBe(`Identifiant ou mot de passe incorrect. Encore ${error.params!.count} essais avant le blocage du compte.`);
  });

  it('a call from a window nobody is logged in to', async () => {
    const error = await refusal('w-nobody', 'users.list', {});
    expect([error.code, error.key]).toEqual(['unauthenticated', 'session.notLoggedIn']);
    expect(translateServerMessage(error, tFr)).toBe("Vous n'êtes pas connecté. Connectez-vous pour continuer.");
  });

  it("a role that may not: the French says so without the English description of the channel", async () => {
    const w = await world.loginAs('study_nurse', 'w-nurse');
    const error = await refusal(w, 'users.list', {});
    expect(error.key).toBe('session.roleForbids');
    expect(error.message).toMatch(/^Your role \(.+\) does not allow this: /);
    expect(translateServerMessage(error, tFr)).toBe('Votre rôle ne permet pas cette action.');
  });

  it('a username already taken, with the username as its parameter', async () => {
    const w = await world.loginAs('administrator', 'w-admin');
    const taken = world.userOf('study_nurse').username;
    const error = await refusal(w, 'users.create', { username: taken, displayName: 'Someone Else', role: 'study_nurse', temporaryPassword: 'Temporary-Pass-1' });
    expect([error.key, error.params]).toEqual(['users.usernameTaken', { username: taken }]);
    expect(translateServerMessage(error, tFr)).toBe(`L'identifiant « ${taken} » est déjà pris.`);
  });

  it('a screening number registered twice, and a patient too young: keys with parameters, the field issue too', async () => {
    const w = await world.loginAs('study_nurse', 'w-patients');
    const patient = { screeningNumber: 'SCR-9001', initials: 'AB', yearOfBirth: 1980, investigator: 'Dr Martin' };
    const first = await world.core.dispatch(w, 'patients.register', patient);
    expect(first.ok).toBe(true);
    const twice = await refusal(w, 'patients.register', patient);
    expect([twice.key, twice.params]).toEqual(['patients.screeningTaken', { screening: 'SCR-9001' }]);
    expect(translateServerMessage(twice, tFr)).toBe('Le numéro de screening SCR-9001 est déjà inscrit.');
    const young = await refusal(w, 'patients.register', { ...patient, screeningNumber: 'SCR-9002', yearOfBirth: world.clock.now().getFullYear() - 5 });
    expect(young.key).toBe('patients.tooYoung');
    const field = young.issues?.find((i) => i.path[0] === 'yearOfBirth');
    expect(field && translateServerMessage(field, tFr)).toBe(`Moins de ${young.params!.age} ans`);
  });

  it('an account locked after wrong passwords: the minutes as the count, in French', async () => {
    const user = world.userOf('investigator');
    let error: VeilErrorBody | undefined;
    for (let attempt = 0; attempt < 10 && error?.key !== 'allocation.lockedOut'; attempt++) {
      error = await refusal('w-lockout', 'session.login', { username: user.username, password: 'wrong password again' });
    }
    expect(error?.key).toBe('allocation.lockedOut');
    const minutes = error!.params!.count as number;
    expect(error!.message).toBe(`Too many wrong passwords: this account is locked for ${minutes} more minutes. An administrator can unlock it by resetting the password.`);
    expect(translateServerMessage(error!, tFr)).toContain(`bloqué pendant encore ${minutes} minutes`);
  });
});
