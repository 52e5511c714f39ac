import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeClock, demoCore, openCopy, type TestCore } from '../helpers/core';
import { rawRows } from '../helpers/rawSql';

/**
 * Issue 16, item 1: kit exceptions (damaged or lost at the site, found again, lost or damaged by the patient) and the
 * expiry sweep. Each exception is refused in the wrong state, without a reason, for a role that may not make it and
 * with a wrong signature, changing nothing; each is audited with its reason; no answer or event carries an arm.
 */
let t: TestCore;
beforeAll(async () => {
  t = await demoCore({ history: true });
}, 180_000);
afterAll(() => t.dispose());

const ARM_WORDS = /DUPI300|PLACEBO|Placebo|Dupilumab|DP24A117|DP25B042|PL24C009|PL25D021|2027-09-30|2028-03-31|2028-02-29/;
const kitsIn = async (status: string) => (await t.sql<{ k: string }>('SELECT kit_number AS k FROM kits WHERE status = ? ORDER BY kit_number', status)).map((r) => r.k);
const statusOf = async (kit: string) => (await t.sql<{ status: string }>('SELECT status FROM kits WHERE kit_number = ?', kit))[0]!.status;
/** The kit's own events (a wrong signature password is itself audited, as a failure of the user, not of the kit). */
const kitEvents = async (kit: string) => (await t.sql<{ n: number }>("SELECT count(*) AS n FROM audit_events WHERE entity_type = 'kit' AND entity_id = ?", kit))[0]!.n;
const lastEventOf = async (kit: string) =>
  (await t.sql("SELECT * FROM audit_events WHERE entity_type = 'kit' AND entity_id = ? ORDER BY seq DESC LIMIT 1", kit))[0] as {
    action: string;
    username: string;
    reason: string | null;
    after_json: string;
    signature_id: number | null;
    source: string | null;
  };
const sign = (role: Parameters<TestCore['userOf']>[0], password?: string) => ({ username: t.userOf(role).username, password: password ?? t.userOf(role).password });

async function call<T = unknown>(window: string, channel: string, input: unknown): Promise<T> {
  const r = await t.core.dispatch(window, channel, input);
  if (!r.ok) throw new Error(`${channel}: ${r.error.code}: ${r.error.message}`);
  return r.value as T;
}

/** Refused with this code (and key, when given), and nothing written: the kit's status and its events stay as they were. */
async function refused(window: string, channel: string, input: Record<string, unknown>, code: string, key?: string, kit = input.code as string) {
  const before = { status: await statusOf(kit), events: await kitEvents(kit) };
  const r = await t.core.dispatch(window, channel, input);
  expect(r.ok, `${channel} should be refused`).toBe(false);
  if (!r.ok) {
    expect(r.error.code).toBe(code);
    if (key) expect((r.error as { key?: string }).key).toBe(key);
  }
  expect({ status: await statusOf(kit), events: await kitEvents(kit) }).toEqual(before);
}

describe('a kit damaged or lost at the site', () => {
  it('damaged at the site: an available kit becomes damaged, with its reason in the trail; a destruction candidate', async () => {
    const tech = await t.loginAs('pharmacy_technician', 'dmg-tech');
    const kit = (await kitsIn('available'))[0]!;
    const answer = await call<Record<string, unknown>>(tech, 'kitExceptions.damagedAtSite', { code: kit, reason: 'Syringe dropped on the floor' });
    expect(answer).toEqual({ kitNumber: kit, status: 'damaged', patient: null, signature: null });
    expect(await statusOf(kit)).toBe('damaged');
    const event = await lastEventOf(kit);
    expect(event).toMatchObject({ action: 'kit.status_changed', username: t.userOf('pharmacy_technician').username, reason: 'Syringe dropped on the floor' });
    expect(JSON.parse(event.after_json)).toMatchObject({ status: 'damaged', step: 'damaged on site', exception: 'damagedAtSite' });
    const ph = await t.loginAs('unblinded_pharmacist', 'dmg-ph');
    const candidates = await call<Array<{ kitNumber: string }>>(ph, 'destruction.candidates', {});
    expect(candidates.map((c) => c.kitNumber)).toContain(kit);
  });

  it('is refused without a reason, for a kit not in stock, for roles that may not, and changes nothing', async () => {
    const tech = await t.loginAs('pharmacy_technician', 'dmg-refuse-tech');
    const kit = (await kitsIn('available'))[1]!;
    await refused(tech, 'kitExceptions.damagedAtSite', { code: kit, reason: '' }, 'validation');
    await refused(tech, 'kitExceptions.damagedAtSite', { code: (await kitsIn('dispensed'))[0]!, reason: 'Dropped' }, 'conflict', 'kitExceptions.notOnShelf');
    for (const role of ['investigator', 'monitor', 'study_nurse', 'administrator'] as const) {
      const w = await t.loginAs(role, `dmg-${role}`);
      await refused(w, 'kitExceptions.damagedAtSite', { code: kit, reason: 'Dropped' }, 'forbidden');
    }
    const r = await t.core.dispatch(tech, 'kitExceptions.damagedAtSite', { code: '999999999', reason: 'Dropped' });
    expect(r).toMatchObject({ ok: false, error: { message: 'Kit 999999999 is not in the kit list.' } });
  });

  it('lost at the site, e-signed: refused with a wrong password; then lost, the signature in the trail', async () => {
    const tech = await t.loginAs('pharmacy_technician', 'lost-tech');
    const kit = (await kitsIn('available'))[2]!;
    await refused(tech, 'kitExceptions.lostAtSite', { code: kit, reason: 'Not at the weekly count', signature: sign('pharmacy_technician', 'not my password') }, 'validation');
    const answer = await call<{ status: string; signature: { meaning: string; printedName: string } }>(tech, 'kitExceptions.lostAtSite', {
      code: kit,
      reason: 'Not at the weekly count',
      signature: sign('pharmacy_technician'),
    });
    expect(answer).toMatchObject({ status: 'lost', signature: { meaning: 'I declare this kit lost at the site' } });
    expect(await lastEventOf(kit)).toMatchObject({ reason: 'Not at the weekly count' });
    expect((await lastEventOf(kit)).signature_id).not.toBeNull();
  });

  it('found again: a lost kit goes to quarantine, never straight back to stock; a kit not lost is refused', async () => {
    const tech = await t.loginAs('pharmacy_technician', 'found-tech');
    const lost = await kitsIn('lost');
    const exceptions = await Promise.all(lost.map(async (k) => JSON.parse((await lastEventOf(k)).after_json).exception));
    const kit = lost.find((_, i) => exceptions[i] === 'lostAtSite')!;
    await refused(tech, 'kitExceptions.found', { code: (await kitsIn('available'))[3]!, reason: 'Found', signature: sign('pharmacy_technician') }, 'conflict', 'kitExceptions.notLost');
    await refused(tech, 'kitExceptions.found', { code: kit, reason: ' ', signature: sign('pharmacy_technician') }, 'validation');
    const answer = await call(tech, 'kitExceptions.found', { code: kit, reason: 'Found behind the fridge drawer', signature: sign('pharmacy_technician') });
    expect(answer).toMatchObject({ kitNumber: kit, status: 'quarantined' });
    expect(await statusOf(kit)).toBe('quarantined');
    expect(JSON.parse((await lastEventOf(kit)).after_json)).toMatchObject({ step: 'found again' });
  });
});

describe('a kit lost or damaged by its patient', () => {
  const ownerOf = async (kit: string) =>
    (await t.sql<{ s: string; v: string }>('SELECT p.screening_number AS s, d.visit_code AS v FROM dispensing_kits dk JOIN dispensings d ON d.id = dk.dispensing_id JOIN patients p ON p.id = d.patient_id WHERE dk.kit_number = ?', kit))[0]!;

  it('lost by the patient: recorded against the dispensing it went out at, e-signed, with no arm', async () => {
    const ph = await t.loginAs('unblinded_pharmacist', 'pat-lost-ph');
    const kit = (await kitsIn('dispensed'))[0]!;
    const owner = await ownerOf(kit);
    await refused(ph, 'kitExceptions.lostByPatient', { code: (await kitsIn('available'))[3]!, reason: 'Lost', signature: sign('unblinded_pharmacist') }, 'conflict', 'kitExceptions.notWithPatient');
    const answer = await call(ph, 'kitExceptions.lostByPatient', { code: kit, reason: 'Left on a train', signature: sign('unblinded_pharmacist') });
    expect(answer).toMatchObject({ kitNumber: kit, status: 'lost', patient: { screeningNumber: owner.s, visitCode: owner.v } });
    expect(JSON.stringify(answer)).not.toMatch(ARM_WORDS);
    expect(JSON.parse((await lastEventOf(kit)).after_json)).toMatchObject({ status: 'lost', exception: 'lostByPatient', patient: owner.s, visit: owner.v });
  });

  it('damaged by the patient: the technician records it with a reason; refused without one or for a blinded nurse', async () => {
    const tech = await t.loginAs('pharmacy_technician', 'pat-dmg-tech');
    const nurse = await t.loginAs('study_nurse', 'pat-dmg-nurse');
    const kit = (await kitsIn('dispensed'))[0]!;
    await refused(tech, 'kitExceptions.damagedByPatient', { code: kit, reason: 'x' }, 'validation');
    await refused(nurse, 'kitExceptions.damagedByPatient', { code: kit, reason: 'Dropped at home' }, 'forbidden');
    const answer = await call(tech, 'kitExceptions.damagedByPatient', { code: kit, reason: 'Dropped at home before injecting' });
    expect(answer).toMatchObject({ kitNumber: kit, status: 'damaged', patient: { screeningNumber: (await ownerOf(kit)).s } });
    expect(JSON.stringify(answer)).not.toMatch(ARM_WORDS);
  });
});

describe('the expiry sweep', () => {
  it('at start-up, after the app was closed past the use-before date: both arms expire alike, no expired kit is dispensable, all are destruction candidates', async () => {
    const useBefore = (await t.sql<{ d: string }>("SELECT DISTINCT use_before AS d FROM kits WHERE status IN ('available', 'quarantined')")).map((r) => r.d);
    // The demo's lots differ by arm (PL24C009 expires 2027-08-31, DP24A117 2027-09-30): blinded users see one date.
    expect(useBefore).toEqual(['2027-08-31']);
    const shelf = (await t.sql<{ k: string }>("SELECT kit_number AS k FROM kits WHERE status IN ('available', 'quarantined') ORDER BY kit_number")).map((r) => r.k);
    // Reopened on 2027-09-07: one arm's real lot has expired, the other's has not; the sweep runs at start-up.
    const clock = new FakeClock(new Date('2027-09-07T08:00:00.000Z'));
    const core = await openCopy(t, { clock, expirySweepMs: 24 * 60 * 60_000 });
    const sql = <T>(text: string) => rawRows<T>(core.store, text);
    try {
      for (let i = 0; i < 100 && (await sql<{ n: number }>("SELECT count(*) AS n FROM kits WHERE status = 'expired'"))[0]!.n < shelf.length; i++) await new Promise((r) => setTimeout(r, 20));
      const expired = (await sql<{ k: string }>("SELECT kit_number AS k FROM kits WHERE status = 'expired' ORDER BY kit_number")).map((r) => r.k);
      expect(expired).toEqual(shelf);
      expect(new Set(expired.map((k) => t.armOf.get(k)))).toEqual(new Set(['DUPI300', 'PLACEBO']));
      const events = await sql<{ after_json: string; reason: string; source: string; signature_id: number | null }>("SELECT * FROM audit_events WHERE action = 'kit.status_changed' AND username = 'system'");
      expect(events).toHaveLength(shelf.length);
      for (const e of events) {
        expect(e).toMatchObject({ reason: 'Use-before date passed', source: 'system', signature_id: null });
        expect(JSON.parse(e.after_json)).toEqual({ status: 'expired', step: 'expired', useBefore: '2027-08-31', sweptOn: '2027-09-07' });
      }
      expect(JSON.stringify(events)).not.toMatch(ARM_WORDS);
      // A second run the same day finds nothing more to do.
      expect(await core.kitExceptions.sweepExpired()).toEqual([]);

      const login = async (role: Parameters<TestCore['userOf']>[0], window: string) => {
        const u = t.users.find((x) => x.role === role)!;
        const r = await core.dispatch(window, 'session.login', { username: u.username, password: u.password });
        if (!r.ok) throw new Error(r.error.message);
        return window;
      };
      const ph = await login('unblinded_pharmacist', 'sweep-ph');
      const scan = await core.dispatch(ph, 'dispensing.checkKit', { patientId: 6, visitCode: 'W2', code: expired[0]!, alreadyScanned: [], source: 'scanner' });
      expect(scan).toMatchObject({ ok: true, value: { ok: false, reason: 'not_available', key: 'dispensing.notAvailableExpired' } });
      const candidates = (await core.dispatch(ph, 'destruction.candidates', {})) as { ok: true; value: Array<{ kitNumber: string; status: string }> };
      const destroyable = new Set(candidates.value.filter((c) => c.status === 'expired').map((c) => c.kitNumber));
      expect(expired.every((k) => destroyable.has(k))).toBe(true);
    } finally {
      core.close();
    }
  });

  it('a missed sweep lets no expired kit out: dispensing checks the real expiry whatever the status says', async () => {
    const ph = await t.loginAs('unblinded_pharmacist', 'missed-sweep-ph');
    const plan = await call<{ suggestions: string[] }>(ph, 'dispensing.plan', { patientId: 6, visitCode: 'W2' });
    const kit = plan.suggestions[0]!;
    // A copy opened long after every real expiry, with no sweep at all (not even at start-up).
    const core = await openCopy(t, { clock: new FakeClock(new Date('2028-04-02T09:00:00.000Z')) });
    try {
      const u = t.userOf('unblinded_pharmacist');
      const login = await core.dispatch('never-swept', 'session.login', { username: u.username, password: u.password });
      expect(login.ok).toBe(true);
      expect(await rawRows(core.store, 'SELECT status FROM kits WHERE kit_number = ?', [kit])).toEqual([{ status: 'available' }]);
      const scan = await core.dispatch('never-swept', 'dispensing.checkKit', { patientId: 6, visitCode: 'W2', code: kit, alreadyScanned: [], source: 'scanner' });
      expect(scan).toMatchObject({ ok: true, value: { ok: false, reason: 'expiring' } });
    } finally {
      core.close();
    }
  });
});

describe('dispensed in error', () => {
  it('undoes the day’s dispensing: its kit to quarantine, the visit open again for a valid kit, signed; the trail still verifies', async () => {
    const ph = await t.loginAs('unblinded_pharmacist', 'undo-ph');
    const plan = await call<{ suggestions: string[] }>(ph, 'dispensing.plan', { patientId: 6, visitCode: 'W2' });
    const kit = plan.suggestions[0]!;
    const confirm = {
      patientId: 6,
      visitCode: 'W2',
      kits: [{ kitNumber: kit, source: 'scanner' }],
      outOfWindowReason: 'Patient travels abroad on the due date; visit brought forward',
      secondSignature: sign('investigator'),
      signature: sign('unblinded_pharmacist'),
    };
    await call(ph, 'dispensing.confirm', confirm);
    expect(await statusOf(kit)).toBe('dispensed');

    // Refused: no reason, a blinded technician, a wrong password, a visit not dispensed, an earlier dispensing.
    const undo = { patientId: 6, visitCode: 'W2', reason: 'Wrong patient called to the counter', signature: sign('unblinded_pharmacist') };
    const tech = await t.loginAs('pharmacy_technician', 'undo-tech');
    await refused(ph, 'kitExceptions.dispensedInError', { ...undo, reason: '' }, 'validation', undefined, kit);
    await refused(tech, 'kitExceptions.dispensedInError', { ...undo, signature: sign('pharmacy_technician') }, 'forbidden', undefined, kit);
    await refused(ph, 'kitExceptions.dispensedInError', { ...undo, signature: sign('unblinded_pharmacist', 'wrong password') }, 'validation', undefined, kit);
    await refused(ph, 'kitExceptions.dispensedInError', { ...undo, visitCode: 'W4' }, 'not_found', 'kitExceptions.noDispensing', kit);
    await refused(ph, 'kitExceptions.dispensedInError', { ...undo, visitCode: 'D1' }, 'conflict', 'kitExceptions.undoNotLatest', kit);

    const undone = await call<{ kits: string[]; signature: { meaning: string } }>(ph, 'kitExceptions.dispensedInError', undo);
    expect(undone).toMatchObject({ screeningNumber: expect.any(String), visitCode: 'W2', kits: [kit], signature: { meaning: 'I undo this dispensing, made in error, and place its kits in quarantine' } });
    expect(await statusOf(kit)).toBe('quarantined');
    expect(JSON.parse((await lastEventOf(kit)).after_json)).toMatchObject({ status: 'quarantined', step: 'dispensed in error', exception: 'dispensedInError', visit: 'W2' });
    const patient = await call<{ visits: Array<{ code: string; dispensedKits: string[] }> }>(ph, 'patients.get', { patientId: 6 });
    expect(patient.visits.find((v) => v.code === 'W2')!.dispensedKits).toEqual([]);

    // The kit in quarantine is refused at the counter; the visit takes another, valid kit.
    const again = await call<{ suggestions: string[] }>(ph, 'dispensing.plan', { patientId: 6, visitCode: 'W2' });
    expect(again.suggestions).not.toContain(kit);
    const check = await call(ph, 'dispensing.checkKit', { patientId: 6, visitCode: 'W2', code: kit, alreadyScanned: [], source: 'scanner' });
    expect(check).toMatchObject({ ok: false });
    await call(ph, 'dispensing.confirm', { ...confirm, kits: [{ kitNumber: again.suggestions[0]!, source: 'scanner' }] });

    const monitor = await t.loginAs('monitor', 'undo-monitor');
    expect(await t.core.dispatch(monitor, 'audit.verify', {})).toMatchObject({ ok: true, value: { ok: true, firstBroken: null } });
    const trail = await call<{ events: unknown[] }>(monitor, 'audit.list', { action: 'dispensing.undone', pageSize: 50 });
    expect(trail.events).toHaveLength(1);
    expect(JSON.stringify(trail)).not.toMatch(ARM_WORDS);
  });

  it('is refused the next day, once the patient has left: a return is recorded instead', async () => {
    const ph = await t.loginAs('unblinded_pharmacist', 'undo-late-ph');
    const now = t.clock.now();
    t.clock.travelTo(new Date(now.getTime() + 26 * 60 * 60_000));
    try {
      const ph2 = await t.loginAs('unblinded_pharmacist', 'undo-late-ph-2');
      const kit = (await t.sql<{ k: string }>("SELECT dk.kit_number AS k FROM dispensing_kits dk JOIN dispensings d ON d.id = dk.dispensing_id WHERE d.patient_id = 6 AND d.visit_code = 'W2'"))[0]!.k;
      await refused(ph2, 'kitExceptions.dispensedInError', { patientId: 6, visitCode: 'W2', reason: 'Too late', signature: sign('unblinded_pharmacist') }, 'conflict', 'kitExceptions.undoSameDayOnly', kit);
    } finally {
      t.clock.travelTo(now);
      void ph;
    }
  });
});
