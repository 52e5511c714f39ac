import { existsSync, readFileSync } from 'node:fs';
import type { TFunction } from 'i18next';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { saidText, translateServerMessage } from '../../renderer/src/i18n/serverMessages';
import type { VeilErrorBody } from '../../shared/errors';
import { demoCore, type TestCore } from '../helpers/core';
import { translators } from '../helpers/translators';

/**
 * Issue 17, item 2, for dispensing, labels and reconciliation: the core says its verdicts and refusals by key with
 * their parameters, its English stays the message of logs and tests, and the renderer shows them in French from the
 * key alone (the English regexes of dispense/dispenseMessages.ts and of the reconciliation's table are gone). A
 * verdict's parameters never carry an arm, a real lot or a real expiry.
 */
let world: TestCore;
let tEn: TFunction;
let tFr: TFunction;
let ph: string;
/** The sponsor's kit list: each kit's arm, real lot and real expiry (what no verdict may name). */
const sealed = new Map<string, { arm: string; lot: string; expiry: string }>();
let patient: { id: number };

type Verdict = { ok: boolean; kitNumber: string; reason?: string; message: string; key?: string; params?: Record<string, string | number> };

async function call<T = unknown>(windowId: string, channel: string, input: unknown): Promise<T> {
  const result = await world.core.dispatch(windowId, channel, input);
  if (!result.ok) throw new Error(`${channel}: ${result.error.code}: ${result.error.message}`);
  return result.value as T;
}

async function refusal(windowId: string, channel: string, input: unknown): Promise<VeilErrorBody> {
  const result = await world.core.dispatch(windowId, channel, input);
  if (result.ok) throw new Error(`${channel} was expected to be refused`);
  return result.error;
}

const signature = () => ({ username: world.userOf('unblinded_pharmacist').username, password: world.userOf('unblinded_pharmacist').password });

/** The French a screen shows for what the core said: by key only (the English is taken away to prove it). */
const french = (said: VeilErrorBody) => translateServerMessage({ ...said, message: '(no English)' }, tFr);
const frenchVerdict = (v: Verdict) => saidText({ key: v.key, params: v.params }, tFr);

/** No parameter of a verdict is an arm word, nor the real lot or expiry of any kit. */
function expectBlind(v: Verdict) {
  const armWords = world.core.study().arms.flatMap((a) => [a.code, a.name]);
  const secrets = new Set([...armWords, ...[...sealed.values()].flatMap((k) => [k.lot, k.expiry])]);
  for (const value of Object.values(v.params ?? {})) expect(secrets.has(String(value)), `${v.key}: ${value}`).toBe(false);
  for (const word of armWords) expect(v.message).not.toContain(word);
  for (const word of armWords) expect(frenchVerdict(v) ?? '').not.toContain(word);
}

beforeAll(async () => {
  world = await demoCore();
  ({ tEn, tFr } = await translators());
  for (const line of world.demo.lists.kits.trim().split(/\r?\n/).slice(1)) {
    const [kit, arm, lot, expiry] = line.split(',');
    sealed.set(kit!, { arm: arm!, lot: lot!, expiry: expiry! });
  }
  ph = await world.loginAs('unblinded_pharmacist', 'w-dispense');
  const shipment = await call<{ id: number; kits: Array<{ kitNumber: string }> }>(ph, 'shipments.create', { reference: 'SHP-MSG', from: { kind: 'all_unshipped' } });
  for (const kit of shipment.kits) await call(ph, 'shipments.scanKit', { shipmentId: shipment.id, code: kit.kitNumber, source: 'scanner' });
  await call(ph, 'shipments.close', { shipmentId: shipment.id, temperature: 'no_alarm' });
  const p = await call<{ id: number }>(ph, 'patients.register', { screeningNumber: 'SCR-8801', initials: 'mk', yearOfBirth: 1980, investigator: 'Dr Inès Moreau' });
  await call(ph, 'patients.randomize', { patientId: p.id, signature: signature() });
  patient = p;
}, 180_000);
afterAll(() => world.dispose());

describe('scan verdicts', () => {
  it("a kit of the patient's arm: key and kit, the English as before, the French of the screen, nothing sealed", async () => {
    const plan = await call<{ suggestions: string[] }>(ph, 'dispensing.plan', { patientId: patient.id, visitCode: 'D1' });
    const kit = plan.suggestions[0]!;
    const v = await call<Verdict>(ph, 'dispensing.checkKit', { patientId: patient.id, visitCode: 'D1', code: kit, alreadyScanned: [], source: 'scanner' });
    expect([v.ok, v.key, v.params]).toEqual([true, 'dispensing.matches', { kit }]);
    expect(v.message).toBe(`Kit ${kit} matches this patient's allocation.`);
    expect(frenchVerdict(v)).toBe(`Le kit ${kit} est conforme à l'allocation de ce patient.`);
    expect(saidText(v, tEn)).toBe(v.message);
    expectBlind(v);

    const again = await call<Verdict>(ph, 'dispensing.checkKit', { patientId: patient.id, visitCode: 'D1', code: kit, alreadyScanned: [kit], source: 'scanner' });
    expect([again.ok, again.reason, again.key, again.params]).toEqual([false, 'already_scanned', 'dispensing.alreadyScanned', { kit }]);
    expect(frenchVerdict(again)).toBe(`Le kit ${kit} est déjà scanné pour cette visite.`);
    expectBlind(again);
  });

  it('a kit of the other arm: refused without naming an arm, in English and French', async () => {
    const plan = await call<{ suggestions: string[] }>(ph, 'dispensing.plan', { patientId: patient.id, visitCode: 'D1' });
    const arm = sealed.get(plan.suggestions[0]!)!.arm;
    const other = [...sealed.entries()].find(([, k]) => k.arm !== arm)![0];
    const v = await call<Verdict>(ph, 'dispensing.checkKit', { patientId: patient.id, visitCode: 'D1', code: other, alreadyScanned: [], source: 'scanner' });
    expect([v.ok, v.reason, v.key, v.params]).toEqual([false, 'not_for_patient', 'dispensing.notForPatient', { kit: other }]);
    expect(v.message).toBe(`Kit ${other} is not valid for this patient. Do not dispense it; scan another kit.`);
    expect(frenchVerdict(v)).toBe(`Le kit ${other} n'est pas valide pour ce patient. Ne le dispensez pas ; scannez un autre kit.`);
    expectBlind(v);
  });

  it("a kit that is not available says its status by key, not by an English word", async () => {
    const plan = await call<{ suggestions: string[] }>(ph, 'dispensing.plan', { patientId: patient.id, visitCode: 'D1' });
    const kit = plan.suggestions[0]!;
    await world.core.store.q().updateTable('kits').set({ status: 'pending_destruction' }).where('kit_number', '=', kit).execute();
    try {
      const v = await call<Verdict>(ph, 'dispensing.checkKit', { patientId: patient.id, visitCode: 'D1', code: kit, alreadyScanned: [], source: 'scanner' });
      expect([v.reason, v.key, v.params]).toEqual(['not_available', 'dispensing.notAvailablePendingDestruction', { kit }]);
      expect(v.message).toBe(`Kit ${kit} is not available (pending destruction).`);
      expect(frenchVerdict(v)).toBe(`Le kit ${kit} n'est pas disponible (en attente de destruction).`);
      expectBlind(v);
    } finally {
      await world.core.store.q().updateTable('kits').set({ status: 'available' }).where('kit_number', '=', kit).execute();
    }
  });
});

describe('refusals of a dispensing', () => {
  it('the wrong number of kits: visit, count and scanned', async () => {
    const plan = await call<{ suggestions: string[] }>(ph, 'dispensing.plan', { patientId: patient.id, visitCode: 'D1' });
    const error = await refusal(ph, 'dispensing.confirm', { patientId: patient.id, visitCode: 'D1', kits: [{ kitNumber: plan.suggestions[0]!, source: 'scanner' }], signature: signature() });
    expect([error.code, error.key, error.params]).toEqual(['validation', 'dispensing.wrongCount', { visit: expect.any(String), count: 2, scanned: 1 }]);
    expect(error.message).toBe(`${error.params!.visit} needs 2 kits; 1 scanned.`);
    expect(french(error)).toBe(`${error.params!.visit} demande 2 kits ; nombre de kits scannés : 1.`);
  });

  it('a visit before its turn: the visit that comes first', async () => {
    const error = await refusal(ph, 'dispensing.plan', { patientId: patient.id, visitCode: 'W2' });
    expect([error.code, error.key]).toEqual(['conflict', 'dispensing.inOrder']);
    expect(error.message).toBe(`${error.params!.visit} comes first: dispense the visits in order.`);
    expect(french(error)).toBe(`${error.params!.visit} vient d'abord : dispensez les visites dans l'ordre.`);
  });

  it('a patient not randomized yet', async () => {
    const p = await call<{ id: number }>(ph, 'patients.register', { screeningNumber: 'SCR-8802', initials: 'nr', yearOfBirth: 1975, investigator: 'Dr Inès Moreau' });
    const error = await refusal(ph, 'dispensing.plan', { patientId: p.id, visitCode: 'D1' });
    expect([error.code, error.key, error.params]).toEqual(['conflict', 'dispensing.notRandomized', { screening: 'SCR-8802' }]);
    expect(error.message).toBe('Patient SCR-8802 is not randomized yet.');
    expect(french(error)).toBe("Le patient SCR-8802 n'est pas encore randomisé.");
  });
});

describe('labels and reconciliation', () => {
  it("a label of a kit that is not dispensed", async () => {
    const kit = [...sealed.keys()].at(-1)!;
    const error = await refusal(ph, 'labels.preview', { kitNumber: kit, kind: 'carton' });
    expect([error.code, error.key, error.params]).toEqual(['not_found', 'labels.notDispensed', { kit }]);
    expect(error.message).toBe(`Kit ${kit} is not dispensed: only dispensed kits get a patient label.`);
    expect(french(error)).toBe(`Le kit ${kit} n'est pas dispensé : seuls les kits dispensés reçoivent une étiquette patient.`);
  });

  it('a label job that does not exist', async () => {
    const error = await refusal(ph, 'devices.retryJob', { jobId: 424242 });
    expect([error.code, error.key, error.params]).toEqual(['not_found', 'labels.noSuchJob', { job: 424242 }]);
    expect(error.message).toBe('There is no label job 424242.');
    expect(french(error)).toBe("Il n'y a pas de tâche d'impression 424242.");
  });

  it('a comment on a kit without an open discrepancy', async () => {
    const monitor = await world.loginAs('monitor', 'w-monitor');
    const kit = [...sealed.keys()][0]!;
    const error = await refusal(monitor, 'reconciliation.comment', { kitNumber: kit, comment: 'Checked with the site' });
    expect([error.code, error.key, error.params]).toEqual(['conflict', 'reconciliation.nothingToComment', { kit }]);
    expect(error.message).toBe(`Kit ${kit} has no open discrepancy to comment.`);
    expect(french(error)).toBe(`Le kit ${kit} n'a pas d'écart ouvert à commenter.`);
  });
});

describe('the renderer', () => {
  it('holds no English regex of these messages any more', () => {
    expect(existsSync('renderer/src/dispense/dispenseMessages.ts')).toBe(false);
    const reconciliation = readFileSync('renderer/src/reconciliation/reconciliationMessages.ts', 'utf8');
    for (const gone of ["witness's", 'another person', 'not in the kit list', 'Sign-off refused', 'open discrepancy', 'no destruction', 'allocation key']) expect(reconciliation).not.toContain(gone);
    const shell = readFileSync('renderer/src/i18n/serverMessages.ts', 'utf8');
    for (const gone of ['would be dispensed', 'second signature', 'co-sign']) expect(shell).not.toContain(gone);
  });
});
