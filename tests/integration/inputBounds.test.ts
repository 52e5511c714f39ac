import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TEXT_LIMITS } from '../../shared/contract/schemas';
import { demoCore, type TestCore } from '../helpers/core';

/**
 * Issue 18: a 300 kB reason was accepted and stored in the audit trail for good. Texts longer than their kind's
 * maximum are refused with a clear message before anything runs, and nothing is written.
 */
let t: TestCore;
beforeAll(async () => {
  t = await demoCore({ history: true });
}, 120_000);
afterAll(() => t.dispose());

const auditCount = async () =>
  (await t.core.store.q().selectFrom('audit_events').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n;

describe('texts over their maximum are refused and change nothing', () => {
  it('a 300 kB withdrawal reason: refused with the maximum in words, the patient not withdrawn, no audit event', async () => {
    const w = await t.loginAs('investigator', 'bounds-investigator');
    const before = await auditCount();
    const result = await t.core.dispatch(w, 'patients.withdraw', { patientId: 1, reason: 'x'.repeat(300_000) });
    expect(result).toMatchObject({ ok: false, error: { code: 'validation', message: 'A reason has at most 500 characters (reason)' } });
    expect(await auditCount()).toBe(before);
    const patient = await t.core.dispatch(w, 'patients.get', { patientId: 1 });
    expect(patient).toMatchObject({ ok: true, value: { status: 'randomized' } });
  });

  it('a note at its maximum is kept whole; one character more is refused', async () => {
    const w = await t.loginAs('pharmacy_technician', 'bounds-technician');
    const withPatient = (
      await t.core.store
        .q()
        .selectFrom('dispensing_kits as dk')
        .leftJoin('kit_returns as r', 'r.kit_number', 'dk.kit_number')
        .select('dk.kit_number as k')
        .where('r.kit_number', 'is', null)
        .limit(1)
        .executeTakeFirstOrThrow()
    ).k;
    const max = TEXT_LIMITS.note.max;
    const tooLong = await t.core.dispatch(w, 'returns.record', { code: withPatient, condition: 'used', unitsReturned: 1, source: 'manual', note: 'n'.repeat(max + 1) });
    expect(tooLong).toMatchObject({ ok: false, error: { code: 'validation', message: `A note has at most ${max} characters (note)` } });
    const whole = await t.core.dispatch(w, 'returns.record', { code: withPatient, condition: 'used', unitsReturned: 1, source: 'manual', note: 'n'.repeat(max) });
    expect(whole).toMatchObject({ ok: true, value: { note: 'n'.repeat(max) } });
  });

  it('a 300 kB username at the login: refused as too long, never written to the audit trail', async () => {
    const before = await auditCount();
    const result = await t.core.dispatch('bounds-login', 'session.login', { username: 'u'.repeat(300_000), password: 'whatever it is' });
    expect(result).toMatchObject({ ok: false, error: { code: 'validation', message: 'A username has at most 40 characters (username)' } });
    expect(await auditCount()).toBe(before);
  });
});
