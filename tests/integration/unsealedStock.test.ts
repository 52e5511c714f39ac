import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import Papa from 'papaparse';
import { KitRepository } from '../../main/core/kits/kitRepository';
import { demoCore, type TestCore } from '../helpers/core';

// Issue 12, item 4: the kits' arms and expiry dates are opened once per unblinded session and kept in its memory only;
// each suggestion asks the shelf (the kit's status) live. These tests hold the index to what the old per-scan opening
// of every available kit guaranteed, and to its lifetime: gone when the key goes.
let t: TestCore;
let ph: string;
const sig = () => ({ username: 'pharmacist', password: t.userOf('unblinded_pharmacist').password });

async function call<T = unknown>(window: string, channel: string, input: unknown): Promise<T> {
  const r = await t.core.dispatch(window, channel, input);
  if (!r.ok) throw new Error(`${channel}: ${r.error.code}: ${r.error.message}`);
  return r.value as T;
}

async function receive(window: string, from: unknown): Promise<void> {
  const shipment = await call<{ id: number; kits: Array<{ kitNumber: string }> }>(window, 'shipments.create', { reference: `SHP-${Math.random()}`, from });
  for (const kit of shipment.kits) await call(window, 'shipments.scanKit', { shipmentId: shipment.id, code: kit.kitNumber, source: 'scanner' });
  await call(window, 'shipments.close', { shipmentId: shipment.id, temperature: 'no_alarm' });
}

async function randomized(screeningNumber: string): Promise<{ id: number; randomizationNumber: string }> {
  const p = await call<{ id: number }>(ph, 'patients.register', { screeningNumber, initials: 'ab', yearOfBirth: 1985, investigator: 'Dr Inès Moreau' });
  return (await call<{ patient: { id: number; randomizationNumber: string } }>(ph, 'patients.randomize', { patientId: p.id, signature: sig() })).patient;
}

const plan = (patientId: number) => call<{ suggestions: string[] }>(ph, 'dispensing.plan', { patientId, visitCode: 'D1' });
const refusal = (patientId: number, code: string) =>
  call<{ ok: boolean; alternatives: string[] }>(ph, 'dispensing.checkKit', { patientId, visitCode: 'D1', code, alreadyScanned: [], source: 'scanner' });

beforeEach(async () => {
  t = await demoCore();
  ph = await t.loginAs('unblinded_pharmacist', 'ph');
});
afterEach(() => {
  vi.restoreAllMocks();
  t.dispose();
});

/** A kit's status changed straight in the database, behind the index's back (another workstation, say). */
const setStatus = (status: string, kit: string) => t.core.store.q().updateTable('kits').set({ status }).where('kit_number', '=', kit).execute();

describe("the unblinded session's index of opened arms and expiry dates", () => {
  it("gives each kit's arm and real expiry as the sponsor's list says, from the index, and opens a kit the index does not hold", async () => {
    // The kit list as the sponsor sent it: the expected answer, read without the key.
    const expiryOf = new Map(
      Papa.parse<Record<string, string>>(t.demo.lists.kits.trim(), { header: true }).data.map((r) => [r.kit_number!, r.expiry_date!.includes('/') ? r.expiry_date!.split('/').reverse().join('-') : r.expiry_date!]),
    );
    const key = t.core.custody.keyOf(ph)!;
    const repository = new KitRepository(t.core.store, t.core.scope);
    const [gone, ...inStock] = (await repository.sealedByStatus(new Set(['expected']))).slice(0, 6);
    // One kit leaves the stock before the index is built: the index never holds it.
    await setStatus('damaged', gone!.kitNumber);
    const asked = [...inStock, gone!].map((k) => k.kitNumber);
    const opens = vi.spyOn(await import('../../main/core/crypto/allocationCipher'), 'open');
    const opened = await t.core.unsealedStock.opened(key, asked);
    expect(opened).toEqual(asked.map((k) => ({ kitType: null, content: t.armOf.get(k), expiry: expiryOf.get(k) })));
    // Asked again, only the kit outside the index is opened (its two seals); the others come from the index.
    opens.mockClear();
    expect(await t.core.unsealedStock.opened(key, asked)).toEqual(opened);
    expect(opens).toHaveBeenCalledTimes(2);
    // A number outside the kit list is an error of the caller, never an arm.
    await expect(t.core.unsealedStock.opened(key, ['000000'])).rejects.toThrow('Kit 000000 is not in the kit list.');
  });

  it('offers only kits of the patient\'s arm that are on the shelf now, whatever happened to them since the index was built', async () => {
    await receive(ph, { kind: 'all_unshipped' });
    const patient = await randomized('S-900');
    const arm = t.armOf.get(patient.randomizationNumber)!;
    const first = await plan(patient.id);
    expect(first.suggestions.every((k) => t.armOf.get(k) === arm)).toBe(true);
    // Take every kit of the arm off the shelf but two, behind the index's back (another workstation, say).
    const ofArm = [...t.armOf].filter(([k, a]) => /^\d{6}$/.test(k) && a === arm).map(([k]) => k);
    const keep = ofArm.slice(0, 2);
    for (const [i, k] of ofArm.slice(2).entries()) await setStatus(i % 2 ? 'quarantined' : 'damaged', k);
    for (let i = 0; i < 20; i++) expect((await plan(patient.id)).suggestions.sort()).toEqual([...keep].sort());
    const wrongArm = [...t.armOf].find(([k, a]) => /^\d{6}$/.test(k) && a !== arm)![0];
    expect((await refusal(patient.id, wrongArm)).alternatives.sort()).toEqual([...keep].sort());
  });

  it('a kit list imported after the index was built is offered (the index is rebuilt, not left incomplete)', async () => {
    const patient = await randomized('S-901');
    const arm = t.armOf.get(patient.randomizationNumber)!;
    expect((await plan(patient.id)).suggestions).toEqual([]); // nothing received yet; the index is built now
    // Kits expiring earlier than every demo lot, so they are the ones offered first once on the shelf.
    const csv = 'kit_number,arm,lot,expiry_date\r\n' + ['990001', '990002', '990003', '990004'].map((k) => `${k},${arm},LATE-1,2027-06-30`).join('\r\n') + '\r\n';
    await call(ph, 'allocation.importList', { kind: 'kits', fileName: 'late.csv', contentBase64: Buffer.from(csv).toString('base64'), signature: sig() });
    await receive(ph, { kind: 'kits', kitNumbers: ['990001', '990002', '990003', '990004'] });
    const suggestions = (await plan(patient.id)).suggestions;
    expect(suggestions.length).toBeGreaterThan(0);
    expect(suggestions.every((k) => k.startsWith('9900'))).toBe(true);
  });

  it('is dropped when the key is wiped: lock, logout and a new login hold no opened arm', async () => {
    await receive(ph, { kind: 'all_unshipped' });
    const patient = await randomized('S-902');
    expect(t.core.unsealedStock.sessionsHeld).toBe(0);
    await plan(patient.id);
    expect(t.core.unsealedStock.sessionsHeld).toBe(1);
    await call(ph, 'session.lock', {});
    expect(t.core.unsealedStock.sessionsHeld).toBe(0);
    // A second unblinded window builds its own, and its logout drops it.
    const other = await t.loginAs('unblinded_pharmacist', 'ph-2');
    await call(other, 'dispensing.plan', { patientId: patient.id, visitCode: 'D1' });
    expect(t.core.unsealedStock.sessionsHeld).toBe(1);
    await call(other, 'session.logout', {});
    expect(t.core.unsealedStock.sessionsHeld).toBe(0);
  });

  it('draws from the kits still in stock: kits already dispensed or returned are not read again at every refusal', async () => {
    await receive(ph, { kind: 'all_unshipped' });
    const patient = await randomized('S-903');
    const arm = t.armOf.get(patient.randomizationNumber)!;
    // Late in a study the earliest expiry dates are the kits already given out (first expiry, first out). Every kit of
    // the arm but two has left: most went to patients, some came back and await destruction, one is lost.
    const ofArm = [...t.armOf].filter(([k, a]) => /^\d{6}$/.test(k) && a === arm).map(([k]) => k);
    const keep = ofArm.slice(0, 2);
    const gone = ['dispensed', 'dispensed', 'returned', 'lost'] as const;
    for (const [i, k] of ofArm.slice(2).entries()) await setStatus(gone[i % gone.length]!, k);
    const asked: string[] = [];
    const shelfStatesOf = KitRepository.prototype.shelfStatesOf;
    vi.spyOn(KitRepository.prototype, 'shelfStatesOf').mockImplementation(function (this: KitRepository, kits) {
      asked.push(...kits);
      return shelfStatesOf.call(this, kits);
    });
    const wrongArm = [...t.armOf].find(([k, a]) => /^\d{6}$/.test(k) && a !== arm)![0];
    for (let i = 0; i < 5; i++) {
      asked.length = 0;
      expect((await refusal(patient.id, wrongArm)).alternatives.sort()).toEqual([...keep].sort());
      // The two kits in stock, and none of the kits gone.
      expect(asked.filter((k) => !keep.includes(k))).toEqual([]);
    }
  });
});
