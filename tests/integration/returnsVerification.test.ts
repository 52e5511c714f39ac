import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoCore, type TestCore } from '../helpers/core';

/**
 * Issue 11, items 7 and 8: returns answer at the scan, destruction takes verified returns only, the monitor verifies
 * kit by kit (scan) or in bulk with a signature and without the kits recorded missing, and the sign-off needs a comment
 * on each open discrepancy, with a view of what changed since the last sign-off.
 */
let t: TestCore;
beforeAll(async () => {
  t = await demoCore({ history: true });
}, 180_000);
afterAll(() => t.dispose());

async function call<T = unknown>(window: string, channel: string, input: unknown): Promise<T> {
  const r = await t.core.dispatch(window, channel, input);
  if (!r.ok) throw new Error(`${channel}: ${r.error.code}: ${r.error.message}`);
  return r.value as T;
}

const kitsIn = async (status: string) => (await t.core.store.q().selectFrom('kits').select('kit_number').where('status', '=', status).orderBy('kit_number').execute()).map((r) => r.kit_number);
const auditCount = async () =>
  (await t.core.store.q().selectFrom('audit_events').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n;
const ARM_WORDS = /DUPI300|PLACEBO|Placebo|Dupilumab|DP24A117|DP25B042/;

describe('a kit scanned on the return screen answers at once', () => {
  it('a kit never dispensed: "not dispensed, nothing to return", and nothing is recorded', async () => {
    const tech = await t.loginAs('pharmacy_technician', 'lookup-tech');
    const available = (await kitsIn('available'))[0]!;
    const before = await auditCount();
    const answer = await call<{ kitNumber: string; verdict: string }>(tech, 'returns.lookup', { code: available });
    expect(answer).toMatchObject({ kitNumber: available, verdict: 'not_dispensed' });
    expect(await auditCount()).toBe(before);
  });

  it('a dispensed kit: the patient and the visit it went out at, and no arm or real lot', async () => {
    const tech = await t.loginAs('pharmacy_technician', 'lookup-tech-2');
    const kit = (await kitsIn('dispensed'))[0]!;
    const owner = await t.core.store
      .q()
      .selectFrom('dispensing_kits as dk')
      .innerJoin('dispensings as d', 'd.id', 'dk.dispensing_id')
      .innerJoin('patients as p', 'p.id', 'd.patient_id')
      .select(['p.screening_number as s', 'd.visit_code as v'])
      .where('dk.kit_number', '=', kit)
      .executeTakeFirstOrThrow();
    const answer = await call<Record<string, unknown>>(tech, 'returns.lookup', { code: kit });
    expect(answer).toMatchObject({ kitNumber: kit, verdict: 'returnable', screeningNumber: owner.s, visitCode: owner.v });
    expect(JSON.stringify(answer)).not.toMatch(ARM_WORDS);
    expect(Object.keys(answer).sort()).not.toContain('lot');
  });

  it('a return already recorded says so, with its patient; a code that names no kit is refused in words', async () => {
    const tech = await t.loginAs('pharmacy_technician', 'lookup-tech-3');
    const returned = (await kitsIn('returned'))[0]!;
    expect(await call(tech, 'returns.lookup', { code: returned })).toMatchObject({ kitNumber: returned, verdict: 'already_recorded' });
    expect(await t.core.dispatch(tech, 'returns.lookup', { code: '999999999' })).toMatchObject({ ok: false, error: { code: 'not_found', message: 'Kit 999999999 is not in the kit list.' } });
  });
});

describe('destruction takes verified returns only', () => {
  it('offers and accepts no return the monitor has not verified; expired, damaged and verified kits stay destroyable', async () => {
    const ph = await t.loginAs('unblinded_pharmacist', 'destroy-unverified');
    const unverified = (
      await t.core.store
        .q()
        .selectFrom('kit_returns as r')
        .innerJoin('kits as k', 'k.kit_number', 'r.kit_number')
        .select('r.kit_number as k')
        .where('r.verified_at', 'is', null)
        .where('k.status', '=', 'returned')
        .execute()
    ).map((r) => r.k);
    expect(unverified.length).toBeGreaterThan(0);
    const candidates = await call<Array<{ kitNumber: string; status: string }>>(ph, 'destruction.candidates', {});
    expect(candidates.map((c) => c.kitNumber).filter((k) => unverified.includes(k))).toEqual([]);
    // Every other destroyable kit is still offered: expired, damaged, set aside, and returns already verified.
    // Sorted in code, as the candidates are (the engines' collations differ).
    const destroyable = (
      await t.core.store.q().selectFrom('kits').select('kit_number').where('status', 'in', ['returned', 'expired', 'damaged', 'pending_destruction']).execute()
    )
      .map((r) => r.kit_number)
      .sort();
    expect(candidates.map((c) => c.kitNumber).sort()).toEqual(destroyable.filter((k) => !unverified.includes(k)));

    const sign = { username: 'pharmacist', password: t.userOf('unblinded_pharmacist').password };
    const input = { kitNumbers: [unverified[0]], method: 'Incineration', place: 'Pharmacy', destroyedOn: '2026-11-24', witness: { username: 'monitor', password: t.userOf('monitor').password }, signature: sign };
    const before = await auditCount();
    const refused = await t.core.dispatch(ph, 'destruction.record', input);
    expect(refused).toMatchObject({ ok: false, error: { code: 'conflict', message: `Kit ${unverified[0]} is a patient return the monitor has not verified yet: it cannot be destroyed before its verification.` } });
    expect(await kitsIn('returned')).toContain(unverified[0]);
    // Only the witness's and signer's credential checks may have been counted: no destruction, no status change.
    expect((await t.core.audit.query({ action: 'destruction.recorded' })).filter((e) => e.seq > before)).toEqual([]);

    // Once the monitor has verified it, the same kit is offered and destroyed.
    const monitor = await t.loginAs('monitor', 'destroy-unverified-monitor');
    await call(monitor, 'returns.verify', { kitNumbers: [unverified[0]], signature: { username: 'monitor', password: t.userOf('monitor').password } });
    expect((await call<Array<{ kitNumber: string }>>(ph, 'destruction.candidates', {})).map((c) => c.kitNumber)).toContain(unverified[0]);
    const done = await call<{ kits: Array<{ kitNumber: string }> }>(ph, 'destruction.record', { ...input, signature: { password: sign.password } });
    expect(done.kits.map((k) => k.kitNumber)).toEqual([unverified[0]]);
  });
});

describe('the monitor verifies returns', () => {
  it('in bulk only with an e-signature, and never a kit recorded as missing', async () => {
    // A kit the patient did not bring back, recorded as missing at the desk.
    const tech = await t.loginAs('pharmacy_technician', 'verify-bulk-tech');
    await call(tech, 'returns.record', { code: (await kitsIn('dispensed')).at(-1), condition: 'missing', unitsReturned: 0, note: 'Patient lost the syringe', source: 'manual' });
    await call(tech, 'returns.record', { code: (await kitsIn('dispensed')).at(-1), condition: 'used', unitsReturned: 1, source: 'scanner' });
    const monitor = await t.loginAs('monitor', 'verify-bulk');
    const returns = await call<Array<{ kitNumber: string; condition: string; verifiedAt: string | null }>>(monitor, 'returns.list', {});
    const open = returns.filter((r) => !r.verifiedAt);
    const missing = open.find((r) => r.condition === 'missing')!;
    const returned = open.find((r) => r.condition !== 'missing')!;
    expect(missing).toBeDefined();
    expect(returned).toBeDefined();
    // Without a signature: refused, nothing verified.
    expect(await t.core.dispatch(monitor, 'returns.verify', { kitNumbers: [returned.kitNumber] })).toMatchObject({ ok: false, error: { code: 'validation' } });
    const password = t.userOf('monitor').password;
    const signature = { username: 'monitor', password };
    const withMissing = await t.core.dispatch(monitor, 'returns.verify', { kitNumbers: [returned.kitNumber, missing.kitNumber], signature });
    expect(withMissing).toMatchObject({
      ok: false,
      error: { code: 'conflict', message: `Kit ${missing.kitNumber} was recorded as missing: there is no kit to check, so it cannot be verified. Its discrepancy is commented at sign-off.` },
    });
    const still = await call<Array<{ kitNumber: string; verifiedAt: string | null }>>(monitor, 'returns.list', {});
    expect(still.find((r) => r.kitNumber === returned.kitNumber)!.verifiedAt).toBeNull();

    const done = await call<Array<{ kitNumber: string; verifiedAt: string | null }>>(monitor, 'returns.verify', { kitNumbers: [returned.kitNumber], signature });
    expect(done[0]).toMatchObject({ kitNumber: returned.kitNumber, verifiedAt: expect.any(String) });
    const event = (await t.core.audit.query({ action: 'return.verified' })).filter((e) => e.entityId === returned.kitNumber).at(-1)!;
    expect(event.signatureId).toEqual(expect.any(Number));
  });

  it('kit by kit by scanning the physical kit, with no signature; a missing or unknown kit is refused', async () => {
    const monitor = await t.loginAs('monitor', 'verify-scan');
    const returns = await call<Array<{ kitNumber: string; condition: string; verifiedAt: string | null }>>(monitor, 'returns.list', {});
    const kit = returns.find((r) => !r.verifiedAt && r.condition !== 'missing')!.kitNumber;
    const missing = returns.find((r) => r.condition === 'missing')!.kitNumber;
    const verified = await call<{ kitNumber: string; verifiedAt: string | null }>(monitor, 'returns.verifyScan', { code: kit, source: 'scanner' });
    expect(verified).toMatchObject({ kitNumber: kit, verifiedAt: expect.any(String) });
    const event = (await t.core.audit.query({ action: 'return.verified' })).filter((e) => e.entityId === kit).at(-1)!;
    expect(event).toMatchObject({ source: 'scanner' });
    expect(await t.core.dispatch(monitor, 'returns.verifyScan', { code: missing, source: 'scanner' })).toMatchObject({ ok: false, error: { code: 'conflict' } });
    const available = (await kitsIn('available'))[0]!;
    expect(await t.core.dispatch(monitor, 'returns.verifyScan', { code: available, source: 'scanner' })).toMatchObject({ ok: false, error: { code: 'not_found', message: `No return is recorded for kit ${available}.` } });
  });
});

describe('the reconciliation sign-off', () => {
  type View = {
    reconciliation: { discrepancies: Array<{ kitNumber: string; discrepancies: string[] }> };
    comments: Array<{ kitNumber: string; comment: string; discrepancies: string[] }>;
    openDiscrepancies: string[];
    sinceLastSignOff: { signedAt: string; kits: string[] } | null;
  };

  it('is refused while an open discrepancy has no comment, and signs once each one has', async () => {
    const monitor = await t.loginAs('monitor', 'signoff-comments');
    const signature = { username: 'monitor', password: t.userOf('monitor').password };
    const view = await call<View>(monitor, 'reconciliation.view', {});
    expect(view.openDiscrepancies.length).toBeGreaterThan(0);
    const refused = await t.core.dispatch(monitor, 'reconciliation.signOff', { signature });
    expect(refused).toMatchObject({ ok: false, error: { code: 'conflict', message: expect.stringMatching(/^Sign-off refused: \d+ open discrepanc(y has|ies have) no comment \(kits? /) } });
    expect((await t.core.audit.query({ action: 'reconciliation.signed' })).filter((e) => e.atUtc > new Date(t.clock.now().getTime() - 60_000).toISOString())).toEqual([]);

    // A comment that is too long, or on a kit without a discrepancy, is refused in words.
    const first = view.openDiscrepancies[0]!;
    expect(await t.core.dispatch(monitor, 'reconciliation.comment', { kitNumber: first, comment: 'x'.repeat(2001) })).toMatchObject({ ok: false, error: { code: 'validation' } });
    const clean = (await kitsIn('available'))[0]!;
    expect(await t.core.dispatch(monitor, 'reconciliation.comment', { kitNumber: clean, comment: 'Nothing to say' })).toMatchObject({ ok: false, error: { code: 'conflict', message: `Kit ${clean} has no open discrepancy to comment.` } });

    for (const kitNumber of view.openDiscrepancies) await call(monitor, 'reconciliation.comment', { kitNumber, comment: 'Checked with the pharmacy file and the patient diary' });
    const commented = await call<View>(monitor, 'reconciliation.view', {});
    expect(commented.openDiscrepancies).toEqual([]);
    expect(commented.comments.find((c) => c.kitNumber === first)).toMatchObject({ comment: 'Checked with the pharmacy file and the patient diary' });
    const signed = await call<{ signOff: { voidedBy: unknown } }>(monitor, 'reconciliation.signOff', { signature });
    expect(signed.signOff.voidedBy).toBeNull();
  });

  it('shows the kits changed since the last sign-off, and a new discrepancy opens again', async () => {
    const monitor = await t.loginAs('monitor', 'signoff-since');
    const fresh = await call<View>(monitor, 'reconciliation.view', {});
    expect(fresh.sinceLastSignOff).toMatchObject({ kits: [] });

    const tech = await t.loginAs('pharmacy_technician', 'signoff-since-tech');
    const kit = (await kitsIn('dispensed'))[0]!;
    await call(tech, 'returns.record', { code: kit, condition: 'unused', unitsReturned: 1, note: 'Dose forgotten', source: 'scanner' });
    const later = await call<View>(monitor, 'reconciliation.view', {});
    expect(later.sinceLastSignOff!.kits).toEqual([kit]);
    expect(later.openDiscrepancies).toEqual([kit]);
    expect(JSON.stringify(later.sinceLastSignOff)).not.toMatch(ARM_WORDS);
    // The comments, the verifications and the sign-off left a chain `veil verify` accepts, replayed against the tables.
    expect(await t.core.dispatch(monitor, 'audit.verify', {})).toMatchObject({ ok: true, value: { ok: true } });
  });
});
