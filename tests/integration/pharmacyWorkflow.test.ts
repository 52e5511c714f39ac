import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { compareKitNumbers } from '../../shared/allocation/kitOrder';
import { demoCore, type TestCore } from '../helpers/core';

let t: TestCore;
let ph: string;
const sig = () => ({ password: t.userOf('unblinded_pharmacist').password });

async function call<T = unknown>(window: string, channel: string, input: unknown): Promise<T> {
  const r = await t.core.dispatch(window, channel, input);
  if (!r.ok) throw new Error(`${channel}: ${r.error.code}: ${r.error.message}`);
  return r.value as T;
}

type Shipment = { id: number; counts: Record<string, number>; kits: Array<{ kitNumber: string; status: string }> };

/** Receives every kit of the demo list in one shipment, without alarm. */
async function receiveAll(window: string): Promise<Shipment> {
  const shipment = await call<Shipment>(window, 'shipments.create', { reference: 'SHP-ALL', from: { kind: 'all_unshipped' } });
  for (const kit of shipment.kits) await call(window, 'shipments.scanKit', { shipmentId: shipment.id, code: kit.kitNumber, source: 'scanner' });
  return call<Shipment>(window, 'shipments.close', { shipmentId: shipment.id, temperature: 'no_alarm' });
}

async function registerAndRandomize(window: string, screeningNumber: string) {
  const p = await call<{ id: number }>(window, 'patients.register', { screeningNumber, initials: 'ab', yearOfBirth: 1985, investigator: 'Dr Inès Moreau' });
  const r = await call<{ patient: { id: number; randomizationNumber: string } }>(window, 'patients.randomize', {
    patientId: p.id,
    signature: { username: 'pharmacist', password: t.userOf('unblinded_pharmacist').password },
  });
  return r.patient;
}

beforeEach(async () => {
  t = await demoCore();
  ph = await t.loginAs('unblinded_pharmacist', 'ph');
});
afterEach(() => t.dispose());

describe('receiving', () => {
  it('scans kits in with a verdict each, refuses strangers and repeats, and closes only when every kit is accounted for', async () => {
    const tech = await t.loginAs('pharmacy_technician', 'tech');
    const kits = [...t.armOf.keys()].filter((k) => /^\d{6}$/.test(k)).sort(compareKitNumbers);
    const shipment = await call<Shipment>(tech, 'shipments.create', { reference: 'SHP-1', from: { kind: 'kits', kitNumbers: kits.slice(0, 5) } });
    expect(shipment.counts).toMatchObject({ total: 5, expected: 5 });
    const first = await call<{ verdict: { verdict: string } }>(tech, 'shipments.scanKit', { shipmentId: shipment.id, code: kits[0], source: 'keyboard_wedge' });
    expect(first.verdict).toMatchObject({ verdict: 'received' });
    expect((await call<{ verdict: { reason: string } }>(tech, 'shipments.scanKit', { shipmentId: shipment.id, code: kits[0], source: 'scanner' })).verdict.reason).toBe('already_scanned');
    expect((await call<{ verdict: { reason: string } }>(tech, 'shipments.scanKit', { shipmentId: shipment.id, code: kits[9], source: 'scanner' })).verdict.reason).toBe('not_in_shipment');
    expect((await call<{ verdict: { reason: string } }>(tech, 'shipments.scanKit', { shipmentId: shipment.id, code: '000000', source: 'manual' })).verdict.reason).toBe('unknown_kit');
    await call(tech, 'shipments.scanKit', { shipmentId: shipment.id, code: kits[1], source: 'scanner' });
    await call(tech, 'shipments.scanKit', { shipmentId: shipment.id, code: kits[2], source: 'scanner' });
    const early = await t.core.dispatch(tech, 'shipments.close', { shipmentId: shipment.id, temperature: 'no_alarm' });
    expect(early).toMatchObject({ ok: false, error: { code: 'conflict', message: expect.stringContaining('2 kits') } });
    await call(tech, 'shipments.markKit', { shipmentId: shipment.id, kitNumber: kits[3], outcome: 'damaged', reason: 'Carton crushed' });
    await call(tech, 'shipments.markKit', { shipmentId: shipment.id, kitNumber: kits[4], outcome: 'missing', reason: 'Not in the box' });
    const closed = await call<Shipment>(tech, 'shipments.close', { shipmentId: shipment.id, temperature: 'no_monitor' });
    expect(closed.kits.map((k) => k.status)).toEqual(['available', 'available', 'available', 'damaged', 'lost']);
    expect(await t.core.dispatch(tech, 'shipments.scanKit', { shipmentId: shipment.id, code: kits[3], source: 'scanner' })).toMatchObject({ ok: false, error: { code: 'conflict' } });
    // The kit already in a shipment cannot be shipped again.
    expect((await t.core.dispatch(tech, 'shipments.create', { reference: 'SHP-2', from: { kind: 'kits', kitNumbers: [kits[0]] } })).ok).toBe(false);
  });

  it('a temperature alarm quarantines the whole shipment; the pharmacist releases some and rejects others, e-signed', async () => {
    const tech = await t.loginAs('pharmacy_technician', 'tech');
    const kits = [...t.armOf.keys()].filter((k) => /^\d{6}$/.test(k)).sort(compareKitNumbers).slice(0, 4);
    const s = await call<Shipment>(tech, 'shipments.create', { reference: 'SHP-HOT', from: { kind: 'manifest', fileName: 'm.csv', content: `\uFEFFKit Number;Carton\r\n${kits.join(';x\r\n')};x\r\n` } });
    for (const k of kits) await call(tech, 'shipments.scanKit', { shipmentId: s.id, code: k, source: 'scanner' });
    expect(await t.core.dispatch(tech, 'shipments.close', { shipmentId: s.id, temperature: 'alarm' })).toMatchObject({ ok: false, error: { code: 'validation' } });
    const closed = await call<Shipment>(tech, 'shipments.close', { shipmentId: s.id, temperature: 'alarm', reason: 'Logger showed 11 °C for 3 h' });
    expect(closed.kits.every((k) => k.status === 'quarantined')).toBe(true);
    expect(await t.core.dispatch(tech, 'shipments.decideQuarantine', { kitNumbers: [kits[0]], decision: 'release', reason: 'ok', signature: { username: 'technician', password: t.userOf('pharmacy_technician').password } })).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    await call(ph, 'shipments.decideQuarantine', { kitNumbers: kits.slice(0, 3), decision: 'release', reason: 'Within the stability data', signature: { username: 'pharmacist', ...sig() } });
    await call(ph, 'shipments.decideQuarantine', { kitNumbers: [kits[3]], decision: 'reject', reason: 'Sponsor advised rejection', signature: sig() });
    const statuses = await call<Array<{ kitNumber: string; status: string }>>(ph, 'inventory.kits', {});
    expect(kits.map((k) => statuses.find((s) => s.kitNumber === k)!.status)).toEqual(['available', 'available', 'available', 'damaged']);
    const again = await t.core.dispatch(ph, 'shipments.decideQuarantine', { kitNumbers: [kits[0]], decision: 'release', reason: 'again', signature: sig() });
    expect(again).toMatchObject({ ok: false, error: { code: 'conflict' } });
  });
});

describe('patients', () => {
  it('registers, refuses duplicates and minors, randomizes in list order without the key, withdraws with a reason', async () => {
    const inv = await t.loginAs('investigator', 'inv');
    const a = await call<{ id: number; status: string }>(inv, 'patients.register', { screeningNumber: 'S-01', initials: 'jd', yearOfBirth: 1990, investigator: 'Dr Moreau' });
    expect(a.status).toBe('registered');
    expect(await t.core.dispatch(inv, 'patients.register', { screeningNumber: 'S-01', initials: 'XY', yearOfBirth: 1990, investigator: 'Dr Moreau' })).toMatchObject({ ok: false, error: { code: 'conflict' } });
    expect(await t.core.dispatch(inv, 'patients.register', { screeningNumber: 'S-02', initials: 'XY', yearOfBirth: 2015, investigator: 'Dr Moreau' })).toMatchObject({ ok: false, error: { code: 'validation' } });
    expect(t.core.custody.keyOf(inv)).toBeNull();
    const r1 = await call<{ patient: { randomizationNumber: string; baselineDate: string; visits: unknown[] } }>(inv, 'patients.randomize', { patientId: a.id, signature: { username: 'investigator', password: t.userOf('investigator').password } });
    expect(r1.patient.randomizationNumber).toBe('R001');
    expect(r1.patient.visits).toHaveLength(8);
    const b = await call<{ id: number }>(inv, 'patients.register', { screeningNumber: 'S-03', initials: 'KL', yearOfBirth: 1970, investigator: 'Dr Moreau' });
    const r2 = await call<{ patient: { randomizationNumber: string } }>(inv, 'patients.randomize', { patientId: b.id, signature: { password: t.userOf('investigator').password } });
    expect(r2.patient.randomizationNumber).toBe('R002');
    expect(await t.core.dispatch(inv, 'patients.randomize', { patientId: b.id, signature: { password: t.userOf('investigator').password } })).toMatchObject({ ok: false, error: { code: 'conflict' } });
    const withdrawn = await call<{ status: string; withdrawalReason: string }>(inv, 'patients.withdraw', { patientId: b.id, reason: 'Consent withdrawn' });
    expect(withdrawn).toMatchObject({ status: 'withdrawn', withdrawalReason: 'Consent withdrawn' });
  });
});

describe('dispensing rules', () => {
  it('suggests valid kits, refuses every invalid scan with its reason and no arm word, and confirms in one transaction', async () => {
    await receiveAll(ph);
    const patient = await registerAndRandomize(ph, 'S-10');
    const arm = t.armOf.get(patient.randomizationNumber)!;
    const plan = await call<{ kitsNeeded: number; suggestions: string[]; window: { position: string } }>(ph, 'dispensing.plan', { patientId: patient.id, visitCode: 'D1' });
    expect(plan.kitsNeeded).toBe(2);
    expect(plan.window.position).toBe('in_window');
    expect(plan.suggestions).toHaveLength(2);
    for (const k of plan.suggestions) expect(t.armOf.get(k)).toBe(arm);

    const otherArmKit = [...t.armOf.entries()].find(([k, a]) => /^\d{6}$/.test(k) && a !== arm)![0];
    const check = (code: string, alreadyScanned: string[] = []) =>
      call<{ ok: boolean; reason?: string; message: string; alternatives?: string[] }>(ph, 'dispensing.checkKit', { patientId: patient.id, visitCode: 'D1', code, alreadyScanned, source: 'scanner' });
    const wrong = await check(otherArmKit);
    expect(wrong).toMatchObject({ ok: false, reason: 'not_for_patient' });
    expect(wrong.message).toMatch(/not valid for this patient/);
    for (const word of ['DUPI', 'PLACEBO', 'Placebo', 'Dupilumab', 'active', 'arm']) expect(wrong.message).not.toContain(word);
    expect(wrong.alternatives!.length).toBeGreaterThan(0);
    for (const k of wrong.alternatives!) expect(t.armOf.get(k)).toBe(arm);
    expect(await check('999999x')).toMatchObject({ ok: false, reason: 'unknown_kit' });
    expect(await check(plan.suggestions[0]!, [plan.suggestions[0]!])).toMatchObject({ ok: false, reason: 'already_scanned' });
    expect(await check(plan.suggestions[0]!)).toMatchObject({ ok: true, message: expect.stringContaining("matches this patient's allocation") });
    expect(await check(plan.suggestions[1]!, plan.suggestions.slice(0, 2).reverse())).toMatchObject({ ok: false });
    const third = (await call<{ suggestions: string[] }>(ph, 'dispensing.plan', { patientId: patient.id, visitCode: 'D1' })).suggestions;
    expect(await check(wrong.alternatives!.find((k) => !plan.suggestions.includes(k)) ?? third[0]!, plan.suggestions)).toMatchObject({ ok: false, reason: 'visit_complete' });

    expect(await t.core.dispatch(ph, 'dispensing.confirm', { patientId: patient.id, visitCode: 'D1', kits: [{ kitNumber: plan.suggestions[0], source: 'scanner' }], signature: sig() })).toMatchObject({
      ok: false,
      error: { code: 'validation', message: expect.stringContaining('needs 2 kits') },
    });
    expect(await t.core.dispatch(ph, 'dispensing.confirm', { patientId: patient.id, visitCode: 'D1', kits: [{ kitNumber: plan.suggestions[0], source: 'scanner' }, { kitNumber: otherArmKit, source: 'scanner' }], signature: sig() })).toMatchObject({
      ok: false,
      error: { code: 'conflict' },
    });
    const done = await call<{ patient: { visits: Array<{ code: string; dispensedKits: string[] }> } }>(ph, 'dispensing.confirm', {
      patientId: patient.id,
      visitCode: 'D1',
      kits: plan.suggestions.map((kitNumber) => ({ kitNumber, source: 'scanner' })),
      signature: sig(),
    });
    expect(done.patient.visits[0]!.dispensedKits).toEqual([...plan.suggestions].sort(compareKitNumbers));
    expect(await t.core.dispatch(ph, 'dispensing.checkKit', { patientId: patient.id, visitCode: 'D1', code: plan.suggestions[0], alreadyScanned: [], source: 'scanner' })).toMatchObject({
      ok: false,
      error: { code: 'conflict' },
    });
    expect(await t.core.dispatch(ph, 'dispensing.plan', { patientId: patient.id, visitCode: 'D1' })).toMatchObject({ ok: false, error: { code: 'conflict', message: expect.stringContaining('already dispensed') } });
    expect(await t.core.dispatch(ph, 'dispensing.plan', { patientId: patient.id, visitCode: 'W4' })).toMatchObject({ ok: false, error: { message: expect.stringContaining('Week 2 comes first') } });

    // The dispensed kit is no longer available to anyone.
    const other = await registerAndRandomize(ph, 'S-11');
    expect(await call(ph, 'dispensing.checkKit', { patientId: other.id, visitCode: 'D1', code: plan.suggestions[0], alreadyScanned: [], source: 'scanner' })).toMatchObject({ ok: false, reason: 'not_available' });
  });

  it('a visit outside its window is dispensed with a reason, never refused outright', async () => {
    await receiveAll(ph);
    const patient = await registerAndRandomize(ph, 'S-20');
    const d1 = await call<{ suggestions: string[] }>(ph, 'dispensing.plan', { patientId: patient.id, visitCode: 'D1' });
    await call(ph, 'dispensing.confirm', { patientId: patient.id, visitCode: 'D1', kits: d1.suggestions.map((kitNumber) => ({ kitNumber, source: 'manual' })), signature: sig() });
    t.clock.advanceMinutes(60 * 24 * 20); // day 21: week 2 (day 15 +/- 3) is late by 3 days
    const ph2 = await t.loginAs('unblinded_pharmacist', 'ph2');
    const w2 = await call<{ window: { position: string; days: number }; suggestions: string[] }>(ph2, 'dispensing.plan', { patientId: patient.id, visitCode: 'W2' });
    expect(w2.window).toEqual({ position: 'late', days: 3 });
    const noReason = await t.core.dispatch(ph2, 'dispensing.confirm', { patientId: patient.id, visitCode: 'W2', kits: [{ kitNumber: w2.suggestions[0], source: 'scanner' }], signature: { username: 'pharmacist', ...sig() } });
    expect(noReason).toMatchObject({ ok: false, error: { code: 'validation', message: expect.stringContaining('3 days late') } });
    const withReason = await call<{ patient: { visits: Array<{ code: string; outOfWindowReason: string | null }> } }>(ph2, 'dispensing.confirm', {
      patientId: patient.id,
      visitCode: 'W2',
      kits: [{ kitNumber: w2.suggestions[0], source: 'scanner' }],
      outOfWindowReason: 'Patient delayed by a snowstorm',
      signature: sig(),
    });
    expect(withReason.patient.visits[1]).toMatchObject({ code: 'W2', outOfWindowReason: 'Patient delayed by a snowstorm' });
  });

  it('refuses kits that expire before the window end plus the margin, and quarantined kits', async () => {
    await receiveAll(ph);
    const patient = await registerAndRandomize(ph, 'S-30');
    const arm = t.armOf.get(patient.randomizationNumber)!;
    // Move to just before the earliest lot of this arm expires (demo lots: DUPI300 2027-09-30, PLACEBO 2027-08-31).
    const earliest = arm === 'DUPI300' ? '2027-09-30' : '2027-08-31';
    const kitsOfEarliestLot = (await t.core.dispatch(ph, 'allocation.register', { password: sig().password })) as { ok: true; value: { kits: Array<{ kitNumber: string; expiryDate: string; armCode: string }> } };
    const expiring = kitsOfEarliestLot.value.kits.find((k) => k.armCode === arm && k.expiryDate === earliest)!.kitNumber;
    const days = Math.round((Date.parse(earliest) - Date.parse('2026-11-25')) / 86_400_000) - 5;
    t.clock.advanceMinutes(60 * 24 * days);
    const later = await t.loginAs('unblinded_pharmacist', 'later');
    const patient2 = await registerAndRandomize(later, 'S-31');
    const arm2 = t.armOf.get(patient2.randomizationNumber)!;
    const target = arm2 === arm ? patient2 : patient;
    // When the second patient has the other arm, the first one's baseline is simply late now: the expiry rule holds
    // either way.
    const verdict = await call<{ ok: boolean; reason?: string }>(later, 'dispensing.checkKit', { patientId: target.id, visitCode: 'D1', code: expiring, alreadyScanned: [], source: 'scanner' });
    expect(verdict).toMatchObject({ ok: false, reason: 'expiring' });
    // The common use-before date in force is the earliest lot's, short-dated now on every kit's label: nothing can be
    // dispensed under it (issue 11.1). The pharmacist confirms the date the stock now calls for, which also sends the
    // short-dated kits to quarantine.
    const underOldDate = await call<{ suggestions: string[] }>(later, 'dispensing.plan', { patientId: target.id, visitCode: 'D1' });
    expect(underOldDate.suggestions).toEqual([]);
    const review = await call<{ proposed: string }>(later, 'allocation.useBeforeReview', {});
    await call(later, 'allocation.confirmUseBefore', { useBefore: review.proposed, signature: { username: 'pharmacist', ...sig() } });
    const plan = await call<{ suggestions: string[] }>(later, 'dispensing.plan', { patientId: target.id, visitCode: 'D1' });
    expect(plan.suggestions).not.toContain(expiring);

    const fresh = plan.suggestions[0]!;
    await t.core.store.q().updateTable('kits').set({ status: 'quarantined' }).where('kit_number', '=', fresh).execute();
    expect(await call(later, 'dispensing.checkKit', { patientId: target.id, visitCode: 'D1', code: fresh, alreadyScanned: [], source: 'scanner' })).toMatchObject({ ok: false, reason: 'quarantined' });
  });

  it('refuses withdrawn and unrandomized patients, and blinded roles cannot dispense at all', async () => {
    await receiveAll(ph);
    const p = await call<{ id: number }>(ph, 'patients.register', { screeningNumber: 'S-40', initials: 'AB', yearOfBirth: 1980, investigator: 'Dr M' });
    expect(await t.core.dispatch(ph, 'dispensing.plan', { patientId: p.id, visitCode: 'D1' })).toMatchObject({ ok: false, error: { message: expect.stringContaining('not randomized') } });
    const r = await registerAndRandomize(ph, 'S-41');
    await call(ph, 'patients.withdraw', { patientId: r.id, reason: 'Adverse event' });
    expect(await t.core.dispatch(ph, 'dispensing.plan', { patientId: r.id, visitCode: 'D1' })).toMatchObject({ ok: false, error: { message: expect.stringContaining('withdrawn') } });
    for (const role of ['pharmacy_technician', 'investigator', 'monitor', 'unblinded_monitor', 'administrator'] as const) {
      const w = await t.loginAs(role, `no-${role}`);
      expect(await t.core.dispatch(w, 'dispensing.plan', { patientId: r.id, visitCode: 'D1' })).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    }
  });
});

describe('GS1 pack codes', () => {
  function packOf(kitNumber: string, override: { lot?: string; expiry?: string } = {}) {
    const row = t.demo.lists.kits.split(/\r?\n/).find((l) => l.startsWith(`${kitNumber},`))!.split(',');
    const [, , lot, expiry, gtin, serial] = row as [string, string, string, string, string, string];
    const iso = override.expiry ?? (expiry.includes('/') ? expiry.split('/').reverse().join('-') : expiry);
    const yymmdd = iso.slice(2).replace(/-/g, '');
    return `]d201${gtin}17${yymmdd}10${override.lot ?? lot}\x1d21${serial}\r`;
  }

  it('receives a kit from its pack code (serial names the kit); a blinded technician is told the lot check is for the pharmacist', async () => {
    const tech = await t.loginAs('pharmacy_technician', 'tech-gs1');
    const kit = [...t.armOf.keys()].filter((k) => /^\d{6}$/.test(k)).sort(compareKitNumbers)[0]!;
    const s = await call<Shipment>(tech, 'shipments.create', { reference: 'SHP-GS1', from: { kind: 'kits', kitNumbers: [kit] } });
    const r = await call<{ verdict: { verdict: string; kitNumber: string; pack: { check: string } } }>(tech, 'shipments.scanKit', { shipmentId: s.id, code: packOf(kit), source: 'scanner' });
    expect(r.verdict).toMatchObject({ verdict: 'received', kitNumber: kit, pack: { check: 'not_checked' } });
    const garbage = await call<{ verdict: { verdict: string; message: string } }>(tech, 'shipments.scanKit', { shipmentId: s.id, code: ']d2019999', source: 'scanner' });
    expect(garbage.verdict).toMatchObject({ verdict: 'refused', message: expect.stringContaining('not a kit label or a GS1 pack code') });
  });

  it('dispensing refuses a pack whose lot disagrees with the kit list and accepts the true pack', async () => {
    await receiveAll(ph);
    const patient = await registerAndRandomize(ph, 'S-50');
    const plan = await call<{ suggestions: string[] }>(ph, 'dispensing.plan', { patientId: patient.id, visitCode: 'D1' });
    const kit = plan.suggestions[0]!;
    const good = await call<{ ok: boolean; kitNumber: string; pack: { check: string } }>(ph, 'dispensing.checkKit', { patientId: patient.id, visitCode: 'D1', code: packOf(kit), alreadyScanned: [], source: 'scanner' });
    expect(good).toMatchObject({ ok: true, kitNumber: kit, pack: { check: 'matches' } });
    const forged = await call<{ ok: boolean; reason: string; message: string }>(ph, 'dispensing.checkKit', { patientId: patient.id, visitCode: 'D1', code: packOf(kit, { lot: 'OTHERLOT' }), alreadyScanned: [], source: 'scanner' });
    expect(forged).toMatchObject({ ok: false, reason: 'pack_mismatch', message: expect.stringContaining('lot OTHERLOT') });
    const wrongDate = await call<{ ok: boolean; reason: string }>(ph, 'dispensing.checkKit', { patientId: patient.id, visitCode: 'D1', code: packOf(kit, { expiry: '2031-01-31' }), alreadyScanned: [], source: 'scanner' });
    expect(wrongDate).toMatchObject({ ok: false, reason: 'pack_mismatch' });
  });
});
