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

describe('returns', () => {
  const aKit = async () => (await world.core.store.q().selectFrom('kits').select('kit_number').orderBy('kit_number').limit(1).executeTakeFirstOrThrow()).kit_number;

  it('a kit that was never dispensed brought back as a return: key, kit, the French of the screen', async () => {
    const w = await world.loginAs('pharmacy_technician', 'w-returns');
    const kit = await aKit();
    const error = await refusal(w, 'returns.record', { code: kit, condition: 'used', unitsReturned: 1, source: 'manual' });
    expect([error.code, error.key, error.params]).toEqual(['conflict', 'returns.neverDispensed', { kit }]);
    expect(error.message).toBe(`Kit ${kit} was never dispensed, so it cannot be a patient return.`);
    expect(french(error)).toBe(`Le kit ${kit} n'a jamais été dispensé : ce ne peut pas être un retour patient.`);
  });

  it('correcting a return that was never recorded', async () => {
    const w = await world.loginAs('pharmacy_technician', 'w-returns-2');
    const kit = await aKit();
    const error = await refusal(w, 'returns.edit', { kitNumber: kit, condition: 'used', unitsReturned: 1, reason: 'Miscounted at the desk' });
    expect([error.code, error.key, error.params]).toEqual(['not_found', 'returns.noReturn', { kit }]);
    expect(error.message).toBe(`No return is recorded for kit ${kit}.`);
    expect(french(error)).toBe(`Aucun retour n'est enregistré pour le kit ${kit}.`);
  });
});

describe('receiving', () => {
  it('a new shipment with kits it cannot take: the count as a plural, each kit an issue by key, all in French', async () => {
    const w = await world.loginAs('pharmacy_technician', 'w-receiving');
    const error = await refusal(w, 'shipments.create', { reference: 'SHP-MSG-1', from: { kind: 'kits', kitNumbers: ['NO-SUCH-KIT-1', 'NO-SUCH-KIT-2'] } });
    expect([error.code, error.key, error.params]).toEqual(['validation', 'receiving.kitsRefused', { count: 2 }]);
    expect(error.message).toBe('2 kits cannot be in this shipment; nothing was created.');
    expect(french(error)).toBe("2 kits ne peuvent pas faire partie de cet envoi ; rien n'a été créé.");
    expect(error.issues?.map((i) => [i.key, i.params])).toEqual([
      ['receiving.kitNotInList', { kit: 'NO-SUCH-KIT-1' }],
      ['receiving.kitNotInList', { kit: 'NO-SUCH-KIT-2' }],
    ]);
    expect(error.issues?.map((i) => i.message)).toEqual(['NO-SUCH-KIT-1: not in the kit list', 'NO-SUCH-KIT-2: not in the kit list']);
    expect(error.issues?.map((i) => translateServerMessage({ ...i, message: '(no English)' }, tFr))).toEqual(['NO-SUCH-KIT-1 : absent de la liste des kits', 'NO-SUCH-KIT-2 : absent de la liste des kits']);
  });

  it('a shipment reference used twice', async () => {
    const w = await world.loginAs('pharmacy_technician', 'w-receiving-2');
    const kit = (await world.core.store.q().selectFrom('kits').select('kit_number').orderBy('kit_number').limit(1).executeTakeFirstOrThrow()).kit_number;
    await call(w, 'shipments.create', { reference: 'SHP-MSG-2', from: { kind: 'kits', kitNumbers: [kit] } });
    const error = await refusal(w, 'shipments.create', { reference: 'SHP-MSG-2', from: { kind: 'kits', kitNumbers: [kit] } });
    expect(error.key === 'receiving.referenceTaken' || error.key === 'receiving.kitsRefused').toBe(true);
    const again = await refusal(w, 'shipments.create', { reference: 'SHP-MSG-2', from: { kind: 'all_unshipped' } });
    expect([again.code, again.key, again.params]).toEqual(['conflict', 'receiving.referenceTaken', { reference: 'SHP-MSG-2' }]);
    expect(again.message).toBe('A shipment "SHP-MSG-2" already exists.');
    expect(french(again)).toBe('Un envoi « SHP-MSG-2 » existe déjà.');
  });
});

describe('destruction', () => {
  it('a kit that is not returned, expired or damaged: key, kit and status word, the French of the screen', async () => {
    const w = await world.loginAs('unblinded_pharmacist', 'w-destruction');
    const kit = await world.core.store
      .q()
      .selectFrom('kits')
      .select(['kit_number as k', 'status'])
      .where('status', 'not in', ['returned', 'expired', 'damaged', 'pending_destruction'])
      .orderBy('kit_number')
      .limit(1)
      .executeTakeFirstOrThrow();
    const status = kit.status.replace('_', ' ');
    const statusKey = `destruction.notDestroyable${kit.status.charAt(0).toUpperCase()}${kit.status.slice(1)}`;
    const statusFr: Record<string, string> = { expected: 'attendu', available: 'disponible', quarantined: 'en quarantaine', dispensed: 'dispensé', destroyed: 'détruit', lost: 'perdu' };
    const today = world.clock.now().toISOString().slice(0, 10);
    const error = await refusal(w, 'destruction.record', {
      kitNumbers: [kit.k],
      method: 'Incineration',
      place: 'Pharmacy',
      destroyedOn: today,
      witness: sign('pharmacy_technician'),
      signature: sign('unblinded_pharmacist'),
    });
    // The status is in the key, never an English word in the parameters (issue 17, item 2).
    expect([error.code, error.key, error.params]).toEqual(['conflict', statusKey, { kit: kit.k }]);
    expect(error.message).toBe(`Kit ${kit.k} is ${status}: only returned, expired or damaged kits are destroyed.`);
    expect(french(error)).toBe(`Le kit ${kit.k} est ${statusFr[kit.status]} : seuls les kits retournés, périmés ou endommagés sont détruits.`);
  });

  it('the one destroying as their own witness: the field issue by key too', async () => {
    const w = await world.loginAs('unblinded_pharmacist', 'w-destruction-2');
    const kit = (await world.core.store.q().selectFrom('kits').select('kit_number').orderBy('kit_number').limit(1).executeTakeFirstOrThrow()).kit_number;
    const error = await refusal(w, 'destruction.record', {
      kitNumbers: [kit],
      method: 'Incineration',
      place: 'Pharmacy',
      destroyedOn: world.clock.now().toISOString().slice(0, 10),
      witness: sign('unblinded_pharmacist'),
      signature: sign('unblinded_pharmacist'),
    });
    expect([error.code, error.key]).toEqual(['validation', 'destruction.witnessSelf']);
    expect(error.message).toBe('The witness must be another person than the one destroying the kits.');
    expect(french(error)).toBe('Le témoin doit être une autre personne que celle qui détruit les kits.');
    const field = error.issues?.find((i) => i.path.join('.') === 'witness.username');
    expect([field?.key, field?.message]).toEqual(['destruction.witnessSelfShort', 'Another person']);
    expect(field && translateServerMessage({ ...field, message: '(no English)' }, tFr)).toBe('Le témoin doit être une autre personne.');
  });
});
