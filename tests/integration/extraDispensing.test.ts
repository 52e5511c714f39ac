import { sql, type RawBuilder } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoCore, type TestCore } from '../helpers/core';

/**
 * Issue 16, item 1: a replacement kit for one the patient lost or damaged, and an unscheduled dispensing between
 * visits. Each is refused for roles that may not dispense, without a reason, with a wrong signature and in the wrong
 * state, changing nothing; each gives a kit valid for the patient (its arm read here from the unblinded kit story, not
 * from the dispensing code), is audited with its reason, shows on the patient and in reconciliation, and names no arm.
 */
let t: TestCore;
beforeAll(async () => {
  t = await demoCore({ history: true });
}, 180_000);
afterAll(() => t.dispose());

const ARM_WORDS = /DUPI300|PLACEBO|Placebo|Dupilumab|DP24A117|DP25B042|PL24C009|PL25D021|2027-09-30|2028-03-31|2028-02-29/;
/** The rows of a query, on the Store (either engine). */
const rows = async <T>(query: RawBuilder<T>) => (await query.execute(t.core.store.q())).rows;
const statusOf = async (kit: string) => (await rows<{ status: string }>(sql`SELECT status FROM kits WHERE kit_number = ${kit}`))[0]!.status;
const counts = async () =>
  (await rows<{ d: number; x: number; k: number }>(sql`SELECT (SELECT count(*) FROM dispensings) AS d, (SELECT count(*) FROM extra_dispensings) AS x, (SELECT count(*) FROM dispensing_kits) AS k`))[0];
const sign = (role: Parameters<TestCore['userOf']>[0], password?: string) => ({ username: t.userOf(role).username, password: password ?? t.userOf(role).password });

async function call<T = unknown>(window: string, channel: string, input: unknown): Promise<T> {
  const r = await t.core.dispatch(window, channel, input);
  if (!r.ok) throw new Error(`${channel}: ${r.error.code}: ${r.error.message}`);
  return r.value as T;
}

/** Refused with this code (and key when given), and no dispensing written. */
async function refused(window: string, channel: string, input: unknown, code: string, key?: string) {
  const before = await counts();
  const r = await t.core.dispatch(window, channel, input);
  expect(r.ok, `${channel} should be refused`).toBe(false);
  if (!r.ok) {
    expect(r.error.code, r.error.message).toBe(code);
    if (key) expect((r.error as { key?: string }).key, r.error.message).toBe(key);
  }
  expect(await counts()).toEqual(before);
}

/** The patient's kits still with them, with the visit they went out at (from the tables, not from the services). */
const withPatient = () =>
  rows<{ patientId: number; screening: string; visit: string; kit: string }>(
    sql`SELECT p.id AS "patientId", p.screening_number AS screening, d.visit_code AS visit, dk.kit_number AS kit FROM dispensing_kits dk JOIN dispensings d ON d.id = dk.dispensing_id JOIN patients p ON p.id = d.patient_id JOIN kits k ON k.kit_number = dk.kit_number WHERE k.status = 'dispensed' AND p.status = 'randomized' ORDER BY dk.kit_number`,
  );

async function armOf(window: string, kit: string): Promise<string> {
  return (await call<{ kit: { arm: string } }>(window, 'kitStory.viewUnblinded', { code: kit })).kit.arm;
}

describe('a replacement kit', () => {
  it('replaces a kit the patient lost: a kit of the same arm, recorded under the visit with its reason, once', async () => {
    const ph = await t.loginAs('unblinded_pharmacist', 'rep-ph');
    const lost = (await withPatient())[0]!;
    // Not yet recorded lost: the loss is recorded first, so the accountability of the lost kit is settled.
    const request = { patientId: lost.patientId, kind: 'replacement', replacedKit: lost.kit };
    await refused(ph, 'extraDispensing.plan', { request }, 'conflict', 'extraDispensing.recordLossFirst');
    await call(ph, 'kitExceptions.lostByPatient', { code: lost.kit, reason: 'Left on a train', signature: sign('unblinded_pharmacist') });

    const plan = await call<{ visitCode: string; forVisit: string; kitsNeeded: number; suggestions: string[]; replacedKit: string }>(ph, 'extraDispensing.plan', { request });
    expect(plan).toMatchObject({ visitCode: `${lost.visit}/R1`, forVisit: lost.visit, kitsNeeded: 1, replacedKit: lost.kit });
    expect(plan.suggestions).toHaveLength(1);
    const kit = plan.suggestions[0]!;
    expect(await call(ph, 'extraDispensing.checkKit', { request, code: kit, alreadyScanned: [], source: 'scanner' })).toMatchObject({ ok: true, kitNumber: kit });

    // Without a reason, with a wrong password, as roles that may not dispense: refused, nothing written.
    const input = { request, kits: [{ kitNumber: kit, source: 'scanner' }], reason: 'Patient left the kit on a train', signature: sign('unblinded_pharmacist') };
    await refused(ph, 'extraDispensing.confirm', { ...input, reason: ' ' }, 'validation');
    await refused(ph, 'extraDispensing.confirm', { ...input, signature: sign('unblinded_pharmacist', 'wrong password') }, 'validation');
    for (const role of ['investigator', 'monitor', 'study_nurse', 'administrator', 'pharmacy_technician'] as const) {
      const w = await t.loginAs(role, `rep-${role}`);
      await refused(w, 'extraDispensing.confirm', { ...input, signature: sign(role) }, 'forbidden');
      await refused(w, 'extraDispensing.plan', { request }, 'forbidden');
    }

    const done = await call<{ visitCode: string; kits: string[]; patient: { extraDispensings: unknown[] }; signature: { meaning: string } }>(ph, 'extraDispensing.confirm', input);
    expect(done).toMatchObject({ visitCode: `${lost.visit}/R1`, kits: [kit], signature: { meaning: 'I dispense these kits to this patient outside the visit plan, for the reason given' } });
    expect(done.patient.extraDispensings).toEqual([expect.objectContaining({ code: `${lost.visit}/R1`, kind: 'replacement', replacesKit: lost.kit, reason: 'Patient left the kit on a train', kits: [kit] })]);
    expect(await statusOf(kit)).toBe('dispensed');
    expect(await statusOf(lost.kit)).toBe('lost');
    // The kit given is of the lost kit's arm, read from the unblinded kit story.
    expect(await armOf(ph, kit)).toBe(await armOf(ph, lost.kit));
    expect(JSON.stringify(done)).not.toMatch(ARM_WORDS);

    const event = (
      await rows<{ action: string; reason: string; after_json: string; signature_id: number }>(
        sql`SELECT action, reason, after_json, signature_id FROM audit_events WHERE entity_type = 'patient' AND entity_id = ${lost.screening} ORDER BY seq DESC LIMIT 1`,
      )
    )[0]!;
    expect(event).toMatchObject({ action: 'dispensing.confirmed', reason: 'Patient left the kit on a train' });
    expect(JSON.parse(event.after_json)).toMatchObject({ visit: `${lost.visit}/R1`, kits: [kit], extra: 'replacement', replaces: lost.kit });
    expect(event.signature_id).toBeGreaterThan(0);

    // Replaced once only.
    await refused(ph, 'extraDispensing.plan', { request }, 'conflict', 'extraDispensing.alreadyReplaced');
    // Reconciliation: the new kit with the patient at its replacement code, the lost one lost.
    const monitor = await t.loginAs('monitor', 'rep-monitor');
    type Lines = { kits: Array<{ kitNumber: string; whereabouts: string; patient: string | null; visit: string | null }> };
    const lines = await call<Lines>(monitor, 'reconciliation.kits', { pageSize: 200 });
    const line = (k: string) => lines.kits.find((r) => r.kitNumber === k);
    expect(line(kit)).toMatchObject({ whereabouts: 'with_patient', patient: lost.screening, visit: `${lost.visit}/R1` });
    expect(line(lost.kit)).toMatchObject({ whereabouts: 'lost' });
    expect(JSON.stringify(lines)).not.toMatch(ARM_WORDS);
    expect(JSON.stringify(await call(monitor, 'reconciliation.view', {}))).not.toMatch(ARM_WORDS);
  });

  it("is refused for a kit another patient received, for a kit on the shelf, and for an unknown code", async () => {
    const ph = await t.loginAs('unblinded_pharmacist', 'rep2-ph');
    // Two patients with kits and no replacement yet (the first test replaced one patient's kit).
    const replaced = new Set((await rows<{ p: number }>(sql`SELECT d.patient_id AS p FROM extra_dispensings x JOIN dispensings d ON d.id = x.dispensing_id`)).map((r) => r.p));
    const candidates = (await withPatient()).filter((r) => !replaced.has(r.patientId));
    const [first, other] = (() => {
      const a = candidates[0]!;
      return [a, candidates.find((r) => r.patientId !== a.patientId)!];
    })();
    await call(ph, 'kitExceptions.damagedByPatient', { code: other!.kit, reason: 'Dropped before injecting' });
    await refused(ph, 'extraDispensing.plan', { request: { patientId: first!.patientId, kind: 'replacement', replacedKit: other!.kit } }, 'conflict', 'extraDispensing.notThisPatients');
    const shelf = (await rows<{ k: string }>(sql`SELECT kit_number AS k FROM kits WHERE status = 'available' LIMIT 1`))[0]!.k;
    await refused(ph, 'extraDispensing.plan', { request: { patientId: first!.patientId, kind: 'replacement', replacedKit: shelf } }, 'conflict', 'extraDispensing.notThisPatients');
    await refused(ph, 'extraDispensing.plan', { request: { patientId: first!.patientId, kind: 'replacement', replacedKit: '999999999' } }, 'not_found');
    // The damaged kit's own patient gets its replacement.
    const plan = await call<{ visitCode: string; suggestions: string[] }>(ph, 'extraDispensing.plan', { request: { patientId: other!.patientId, kind: 'replacement', replacedKit: other!.kit } });
    expect(plan.visitCode).toBe(`${other!.visit.split('/')[0]}/R1`);
  });

  it('refuses a kit of the other arm for the replacement, saying only that it is not valid for this patient', async () => {
    const ph = await t.loginAs('unblinded_pharmacist', 'rep3-ph');
    const lost = (await withPatient())[0]!;
    await call(ph, 'kitExceptions.lostByPatient', { code: lost.kit, reason: 'Lost at home', signature: sign('unblinded_pharmacist') });
    const arm = await armOf(ph, lost.kit);
    const shelf = (await rows<{ k: string }>(sql`SELECT kit_number AS k FROM kits WHERE status = 'available' ORDER BY kit_number`)).map((r) => r.k);
    let otherArm: string | undefined;
    for (const k of shelf) if ((await armOf(ph, k)) !== arm) { otherArm = k; break; }
    const verdict = await call<{ ok: boolean; reason: string; message: string }>(ph, 'extraDispensing.checkKit', { request: { patientId: lost.patientId, kind: 'replacement', replacedKit: lost.kit }, code: otherArm!, alreadyScanned: [], source: 'scanner' });
    expect(verdict).toMatchObject({ ok: false, reason: 'not_for_patient' });
    expect(verdict.message).not.toMatch(ARM_WORDS);
    await refused(
      ph,
      'extraDispensing.confirm',
      { request: { patientId: lost.patientId, kind: 'replacement', replacedKit: lost.kit }, kits: [{ kitNumber: otherArm!, source: 'manual' }], reason: 'Lost at home', signature: sign('unblinded_pharmacist') },
      'conflict',
      'dispensing.notForPatient',
    );
  });
});

describe('an unscheduled dispensing', () => {
  it('gives the kits asked for between visits, numbered U1, U2; undone the same day, its kits go to quarantine', async () => {
    const ph = await t.loginAs('unblinded_pharmacist', 'uns-ph');
    const patient = (await withPatient()).at(-1)!;
    const request = { patientId: patient.patientId, kind: 'unscheduled', count: 2 };
    const plan = await call<{ visitCode: string; kitsNeeded: number; suggestions: string[]; forVisit: null }>(ph, 'extraDispensing.plan', { request });
    expect(plan).toMatchObject({ visitCode: 'U1', kitsNeeded: 2, forVisit: null });
    expect(plan.suggestions).toHaveLength(2);
    // The count is the visit's: one kit for two is refused.
    await refused(ph, 'extraDispensing.confirm', { request, kits: [{ kitNumber: plan.suggestions[0]!, source: 'scanner' }], reason: 'Dose ordered between visits', signature: sign('unblinded_pharmacist') }, 'validation', 'dispensing.wrongCount');
    const done = await call<{ visitCode: string; kits: string[] }>(ph, 'extraDispensing.confirm', {
      request,
      kits: plan.suggestions.map((kitNumber) => ({ kitNumber, source: 'scanner' })),
      reason: 'Dose ordered between visits',
      signature: sign('unblinded_pharmacist'),
    });
    expect(done.visitCode).toBe('U1');
    const patientArm = await armOf(ph, patient.kit);
    for (const k of done.kits) {
      expect(await statusOf(k)).toBe('dispensed');
      expect(await armOf(ph, k)).toBe(patientArm);
    }
    expect((await call<{ visitCode: string }>(ph, 'extraDispensing.plan', { request: { ...request, count: 1 } })).visitCode).toBe('U2');

    // Dispensed in error: the unscheduled dispensing is undone like any other, its kits to quarantine.
    await call(ph, 'kitExceptions.dispensedInError', { patientId: patient.patientId, visitCode: 'U1', reason: 'Wrong patient called', signature: sign('unblinded_pharmacist') });
    for (const k of done.kits) expect(await statusOf(k)).toBe('quarantined');
    expect((await rows(sql`SELECT count(*) AS n FROM dispensings WHERE visit_code = 'U1' AND patient_id = ${patient.patientId}`))[0]).toEqual({ n: 0 });
    const view = await call<{ extraDispensings: Array<{ kind: string }> }>(ph, 'patients.get', { patientId: patient.patientId });
    expect(view.extraDispensings.filter((x) => x.kind === 'unscheduled')).toEqual([]);
  });

  it('is refused for a withdrawn patient and a patient not randomized', async () => {
    const ph = await t.loginAs('unblinded_pharmacist', 'uns2-ph');
    const notRandomized = (await rows<{ id: number }>(sql`SELECT id FROM patients WHERE status != 'randomized' LIMIT 1`))[0];
    if (notRandomized) await refused(ph, 'extraDispensing.plan', { request: { patientId: notRandomized.id, kind: 'unscheduled', count: 1 } }, 'conflict');
    await refused(ph, 'extraDispensing.plan', { request: { patientId: 99999, kind: 'unscheduled', count: 1 } }, 'not_found');
    await refused(ph, 'extraDispensing.plan', { request: { patientId: 1, kind: 'unscheduled', count: 0 } }, 'validation');
  });
});
