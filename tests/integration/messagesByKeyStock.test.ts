import type { TFunction } from 'i18next';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { translateServerMessage } from '../../renderer/src/i18n/serverMessages';
import type { VeilErrorBody } from '../../shared/errors';
import type { Role } from '../../shared/roles';
import { demoCore, type TestCore } from '../helpers/core';
import { translators } from '../helpers/translators';

/**
 * Issue 17, item 2, for the stock workflows (receiving, returns, emergency unblinding, destruction): the core says
 * its refusals by key with their parameters, its English stays the message of logs and tests, and the renderer shows
 * them in French from the key alone, word for word the French the English regexes gave before (those regexes are gone).
 */
let world: TestCore;
let tFr: TFunction;
beforeAll(async () => {
  world = await demoCore();
  ({ tFr } = await translators());
}, 120_000);
afterAll(() => world.dispose());

async function refusal(windowId: string, channel: string, input: unknown): Promise<VeilErrorBody> {
  const result = await world.core.dispatch(windowId, channel, input);
  if (result.ok) throw new Error(`${channel} was expected to be refused`);
  return result.error;
}

async function call<T = unknown>(windowId: string, channel: string, input: unknown): Promise<T> {
  const result = await world.core.dispatch(windowId, channel, input);
  if (!result.ok) throw new Error(`${channel}: ${result.error.code}: ${result.error.message}`);
  return result.value as T;
}

const sign = (role: Role) => ({ username: world.userOf(role).username, password: world.userOf(role).password });

/** The French a screen shows for what the core said: by key only (the English is taken away to prove it). */
const french = (said: VeilErrorBody) => translateServerMessage({ ...said, message: '(no English)' }, tFr);

describe('emergency unblinding', () => {
  it('a patient not randomized yet: key, screening number, the English as before, the French of the screen', async () => {
    const inv = await world.loginAs('investigator', 'w-emergency');
    const { id } = await call<{ id: number }>(inv, 'patients.register', { screeningNumber: 'SCR-7001', initials: 'EU', yearOfBirth: 1970, investigator: 'Dr Inès Moreau' });
    const error = await refusal(inv, 'emergency.unblind', { patientId: id, reason: 'Anaphylaxis in the emergency department', adverseEvent: true, passphrase: world.demo.codeBreakPassphrase, signature: sign('investigator') });
    expect([error.code, error.key, error.params]).toEqual(['conflict', 'emergency.notRandomized', { screening: 'SCR-7001' }]);
    expect(error.message).toBe('Patient SCR-7001 is not randomized: there is no treatment to reveal.');
    expect(french(error)).toBe("Le patient SCR-7001 n'est pas randomisé : il n'y a pas de traitement à révéler.");
  });

  it('an unblinding that does not exist, when its sponsor notification is recorded', async () => {
    const inv = await world.loginAs('investigator', 'w-emergency-2');
    const error = await refusal(inv, 'emergency.recordSponsorNotified', { unblindingId: 987654 });
    expect([error.code, error.key, error.params]).toEqual(['not_found', 'emergency.noSuchUnblinding', { id: 987654 }]);
    expect(error.message).toBe('There is no emergency unblinding 987654.');
    expect(french(error)).toBe("Cette levée d'aveugle n'existe pas. Rechargez la page.");
  });
});
