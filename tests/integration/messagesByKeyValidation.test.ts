import type { TFunction } from 'i18next';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { translateServerMessage } from '../../renderer/src/i18n/serverMessages';
import type { VeilErrorBody } from '../../shared/errors';
import { demoCore, type TestCore } from '../helpers/core';
import { translators } from '../helpers/translators';

/**
 * Issue 17, item 2: the contract's refusals travel as keys too. The router says each zod issue by the schema's key or
 * by zod's code, with the issue's numbers as parameters; the renderer shows them in French from the key, and no
 * English rule of the renderer reads them any more.
 */
let world: TestCore;
let tEn: TFunction;
let tFr: TFunction;
beforeAll(async () => {
  world = await demoCore();
  ({ tEn, tFr } = await translators());
});
afterAll(() => world.dispose());

async function refusal(windowId: string, channel: string, input: unknown): Promise<VeilErrorBody> {
  const result = await world.core.dispatch(windowId, channel, input);
  if (result.ok) throw new Error(`${channel} was expected to be refused`);
  return result.error;
}

describe('validation refusals said by key, shown in French', () => {
  it("a schema's own key with its bound: a new password too short", async () => {
    const w = await world.loginAs('administrator', 'w-admin');
    const error = await refusal(w, 'users.create', { username: 'new.nurse', displayName: 'New Nurse', role: 'study_nurse', temporaryPassword: 'short' });
    expect(error.code).toBe('validation');
    const issue = error.issues?.find((i) => i.path[0] === 'temporaryPassword');
    expect([issue?.key, issue?.params, issue?.message]).toEqual(['validation.passwordTooShort', { count: 10 }, 'A password has at least 10 characters']);
    // The error names the field for logs and the command line, and says the first issue by key.
    expect([error.key, error.params]).toEqual(['validation.passwordTooShort', { count: 10 }]);
    expect(error.message).toBe('A password has at least 10 characters (temporaryPassword)');
    expect(translateServerMessage(issue!, tEn)).toBe('A password has at least 10 characters');
    expect(translateServerMessage(issue!, tFr)).toBe('Un mot de passe a au moins 10 caractères');
    expect(translateServerMessage(error, tFr)).toBe('Un mot de passe a au moins 10 caractères');
  });

  it("zod's own code with its parameters: a text over its kind's maximum, and a number over its bound", async () => {
    const w = await world.loginAs('administrator', 'w-admin-2');
    const long = await refusal(w, 'users.create', { username: 'x'.repeat(41), displayName: 'Someone', role: 'study_nurse', temporaryPassword: 'Temporary-Pass-1' });
    const username = long.issues?.find((i) => i.path[0] === 'username');
    expect([username?.key, username?.params]).toEqual(['validation.usernameTooLong', { count: 40 }]);
    expect(translateServerMessage(username!, tFr)).toBe('Un identifiant a au plus 40 caractères');
    const tooMany = await refusal(w, 'system.updateSecuritySettings', { maxFailedLogins: 11, lockoutMinutes: 15, inactivityMinutes: 5 });
    const field = tooMany.issues?.find((i) => i.path[0] === 'maxFailedLogins');
    expect(field?.key).toBe('validation.numberTooBig');
    expect(field?.params).toEqual({ max: 10 });
    expect(translateServerMessage(field!, tEn)).toBe('At most 10');
    expect(translateServerMessage(field!, tFr)).toBe('Au plus 10');
  });

  it('the French differs from the English for every issue said by key, and shows no key name', async () => {
    const w = await world.loginAs('study_nurse', 'w-nurse');
    const error = await refusal(w, 'patients.register', { screeningNumber: 'S', initials: 'L1', yearOfBirth: 1850, investigator: 'X' });
    const byField = new Map(error.issues?.map((i) => [String(i.path[0]), i]));
    expect(byField.get('screeningNumber')?.key).toBe('validation.screeningFormat');
    expect(byField.get('initials')?.key).toBe('validation.initialsFormat');
    expect(byField.get('investigator')?.key).toBe('validation.nameInvestigator');
    expect([byField.get('yearOfBirth')?.key, byField.get('yearOfBirth')?.params]).toEqual(['validation.numberTooSmall', { min: 1900 }]);
    for (const issue of error.issues ?? []) {
      expect(issue.key, issue.message).toBeDefined();
      const french = translateServerMessage(issue, tFr);
      expect(french, issue.message).not.toBe(issue.message);
      expect(french).not.toMatch(/validation\./);
      expect(translateServerMessage(issue, tEn)).toBe(issue.message);
    }
  });
});
