import { mkdtempSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { PatientRepository } from '../../main/core/patients/patientRepository';
import { openVeilCoreInternals } from '../../main/core/veilCore';
import { demoCore, TEST_ENGINE, type TestCore } from '../helpers/core';

/**
 * The dispense screen's due list built on the server (issue 12): one page of the patients with a visit to dispense,
 * soonest due first, and the patients list read in two queries instead of two per patient, unchanged.
 */
let t: TestCore;
beforeAll(async () => {
  t = await demoCore({ history: true });
}, 180_000);
afterAll(() => t.dispose());

type Visit = { code: string; due: string; dispensedAt: string | null };
type Patient = { id: number; screeningNumber: string; randomizationNumber: string | null; initials: string; status: string; visits: Visit[] };

async function call<T>(window: string, channel: string, input: unknown): Promise<T> {
  const r = await t.core.dispatch(window, channel, input);
  if (!r.ok) throw new Error(`${channel}: ${r.error.code}: ${r.error.message}`);
  return r.value as T;
}

/** What the screen showed before the list moved to the server: every patient, filtered and sorted in the browser. */
function dueInBrowser(all: Patient[]): Patient[] {
  const next = (p: Patient) => (p.status === 'randomized' ? (p.visits.find((v) => v.dispensedAt === null) ?? null) : null);
  return all
    .filter((p) => next(p) !== null)
    .sort((a, b) => (next(a)!.due < next(b)!.due ? -1 : next(a)!.due > next(b)!.due ? 1 : a.screeningNumber < b.screeningNumber ? -1 : 1));
}

describe('the due list', () => {
  it('gives the patients the browser used to pick from the whole list, in the same order, a page at a time', async () => {
    const ph = await t.loginAs('unblinded_pharmacist', 'due-ph');
    const all = await call<Patient[]>(ph, 'patients.list', {});
    const expected = dueInBrowser(all);
    expect(expected.length).toBeGreaterThan(2);
    // Fewer than every patient: some are registered, withdrawn or done, and the list must leave them out.
    expect(expected.length).toBeLessThan(all.length);
    const whole = await call<{ patients: Patient[]; total: number }>(ph, 'patients.due', { limit: 200 });
    expect(whole.total).toBe(expected.length);
    expect(whole.patients.map((p) => p.screeningNumber)).toEqual(expected.map((p) => p.screeningNumber));
    const page = await call<{ patients: Patient[]; total: number }>(ph, 'patients.due', { limit: 2 });
    expect(page.total).toBe(expected.length);
    expect(page.patients.map((p) => p.id)).toEqual(expected.slice(0, 2).map((p) => p.id));
    // Pages of 3 (the last one short) hold the whole list once, in order; a page past the end is empty.
    const pages = Math.ceil(expected.length / 3);
    const paged: number[] = [];
    for (let n = 1; n <= pages; n++) {
      const answer = await call<{ patients: Patient[]; total: number; page: number }>(ph, 'patients.due', { limit: 3, page: n });
      expect({ total: answer.total, page: answer.page }).toEqual({ total: expected.length, page: n });
      paged.push(...answer.patients.map((p) => p.id));
    }
    expect(paged).toEqual(expected.map((p) => p.id));
    expect((await call<{ patients: Patient[] }>(ph, 'patients.due', { limit: 3, page: pages + 1 })).patients).toEqual([]);
    // Each row carries the patient as patients.get gives it.
    expect(page.patients[0]).toEqual(await call<Patient>(ph, 'patients.get', { patientId: page.patients[0]!.id }));
  });

  it('finds a patient by screening number, randomization number or initials, whatever the case', async () => {
    const nurse = await t.loginAs('study_nurse', 'due-nurse');
    const due = dueInBrowser(await call<Patient[]>(nurse, 'patients.list', {}));
    const last = due.at(-1)!;
    for (const search of [last.screeningNumber, last.randomizationNumber!, last.initials.toLowerCase()]) {
      const found = await call<{ patients: Patient[]; total: number }>(nurse, 'patients.due', { search, limit: 50 });
      expect(found.patients.map((p) => p.id)).toContain(last.id);
      expect(found.total).toBe(due.filter((p) => [p.screeningNumber, p.randomizationNumber!, p.initials].some((f) => f.toLowerCase().includes(search.toLowerCase()))).length);
    }
    const none = await call<{ patients: Patient[]; total: number }>(nurse, 'patients.due', { search: 'no-such-patient', limit: 50 });
    expect(none).toEqual({ patients: [], total: 0, page: 1 });
  });

  it('refuses a page of no patients or of too many, a page number below 1 or not whole, and an over-long search', async () => {
    const nurse = await t.loginAs('study_nurse', 'due-nurse-2');
    for (const input of [{ limit: 0 }, { limit: 201 }, { search: 'x'.repeat(41) }, { page: 0 }, { page: 1.5 }, { offset: 2 }]) {
      const r = await t.core.dispatch(nurse, 'patients.due', input);
      expect(r.ok ? 'answered' : r.error.code).toBe('validation');
    }
  });
});

describe('the due list kept between calls', () => {
  afterEach(() => vi.restoreAllMocks());
  type Due = { patients: Patient[]; total: number };
  const screenings = (due: Due) => due.patients.map((p) => p.screeningNumber);

  it('reads who is in treatment once while nothing changes, and again after a change commits', async () => {
    const ph = await t.loginAs('unblinded_pharmacist', 'kept-ph');
    const investigator = await t.loginAs('investigator', 'kept-inv');
    // A change first, so that what earlier tests' calls left kept is forgotten.
    await call(investigator, 'patients.register', { screeningNumber: 'S-700', initials: 'KB', yearOfBirth: 1970, investigator: 'Dr Inès Moreau' });
    const reads = vi.spyOn(PatientRepository.prototype, 'withVisitsToDispense');
    const first = await call<Due>(ph, 'patients.due', { limit: 200 });
    await call<Due>(ph, 'patients.due', { limit: 1, page: 2 });
    await call<Due>(ph, 'patients.due', { search: first.patients[0]!.initials, limit: 5 });
    expect(reads).toHaveBeenCalledTimes(1);
    // A patient registered and randomized: in the list at once.
    const patient = await call<Patient>(investigator, 'patients.register', { screeningNumber: 'S-701', initials: 'KC', yearOfBirth: 1971, investigator: 'Dr Inès Moreau' });
    const user = t.userOf('unblinded_pharmacist');
    await call(ph, 'patients.randomize', { patientId: patient.id, signature: { username: user.username, password: user.password } });
    const after = await call<Due>(ph, 'patients.due', { limit: 200 });
    expect(after.total).toBe(first.total + 1);
    expect(screenings(after)).toContain('S-701');
    // Withdrawn: out of it at once.
    await call(investigator, 'patients.withdraw', { patientId: patient.id, reason: 'Consent withdrawn' });
    const withdrawn = await call<Due>(ph, 'patients.due', { limit: 200 });
    expect(screenings(withdrawn)).toEqual(screenings(first));
    expect(reads).toHaveBeenCalledTimes(3);
  });

  it('moves a patient on once a visit of theirs is dispensed (a dispensing is recorded by a prepared statement)', async () => {
    const ph = await t.loginAs('unblinded_pharmacist', 'dispensed-ph');
    const before = await call<Due>(ph, 'patients.due', { limit: 200 });
    const patient = before.patients[0]!;
    const visit = patient.visits.find((v) => v.dispensedAt === null)!;
    const plan = await call<{ suggestions: string[]; visit: { kits: number } }>(ph, 'dispensing.plan', { patientId: patient.id, visitCode: visit.code });
    const user = t.userOf('unblinded_pharmacist');
    const confirmed = await t.core.dispatch(ph, 'dispensing.confirm', {
      patientId: patient.id,
      visitCode: visit.code,
      kits: plan.suggestions.slice(0, plan.visit.kits).map((kitNumber) => ({ kitNumber, source: 'scanner' })),
      outOfWindowReason: 'Seen early for the test',
      signature: { username: user.username, password: user.password },
    });
    expect(confirmed.ok ? 'dispensed' : confirmed.error.message).toBe('dispensed');
    const after = await call<Due>(ph, 'patients.due', { limit: 200 });
    const next = after.patients.find((p) => p.id === patient.id);
    // Either their next visit is now the one after, or they have none left and are out of the list.
    expect(next?.visits.find((v) => v.dispensedAt === null)?.code ?? null).not.toBe(visit.code);
    expect(after.patients.every((p) => p.visits.some((v) => v.dispensedAt === null))).toBe(true);
    // And the list is in the order of each patient's next visit as it stands now (the dispensed one moved down).
    expect(after.patients.map((p) => p.id)).toEqual(dueInBrowser(after.patients).map((p) => p.id));
    expect(after.patients[0]!.id).not.toBe(patient.id);
  });

  it('does not keep a read that a commit overtook', async () => {
    const ph = await t.loginAs('unblinded_pharmacist', 'race-ph');
    const investigator = await t.loginAs('investigator', 'race-inv');
    const before = await call<Due>(ph, 'patients.due', { limit: 200 });
    const target = before.patients.at(-1)!;
    // A change commits while the list is being read (a withdrawal, then what was read before it comes back).
    const read = PatientRepository.prototype.withVisitsToDispense;
    const overtaken = vi.spyOn(PatientRepository.prototype, 'withVisitsToDispense').mockImplementationOnce(async function (this: PatientRepository, codes) {
      const rows = await read.call(this, codes);
      await call(investigator, 'patients.withdraw', { patientId: target.id, reason: 'Moved abroad' });
      return rows;
    });
    // Any change commits first, so that the list is read again here.
    await call(investigator, 'patients.register', { screeningNumber: 'S-702', initials: 'RC', yearOfBirth: 1980, investigator: 'Dr Inès Moreau' });
    expect(screenings(await call<Due>(ph, 'patients.due', { limit: 200 }))).toContain(target.screeningNumber);
    expect(overtaken).toHaveBeenCalledTimes(1);
    expect(screenings(await call<Due>(ph, 'patients.due', { limit: 200 }))).not.toContain(target.screeningNumber);
  });

  it.runIf(TEST_ENGINE === 'postgres')('follows a change made at another workstation (PostgreSQL)', async () => {
    const ph = await t.loginAs('unblinded_pharmacist', 'far-ph');
    const before = await call<Due>(ph, 'patients.due', { limit: 200 });
    const other = await openVeilCoreInternals({ database: t.database, dataFolder: mkdtempSync(join(t.dir, 'second-')), mode: 'browser', clock: t.clock, idleSweepMs: 0 });
    try {
      const user = t.userOf('investigator');
      expect((await other.dispatch('far-inv', 'session.login', { username: user.username, password: user.password })).ok).toBe(true);
      const target = before.patients[0]!;
      const withdrawn = await other.dispatch('far-inv', 'patients.withdraw', { patientId: target.id, reason: 'Withdrawn at the other desk' });
      expect(withdrawn.ok).toBe(true);
      await expect.poll(async () => screenings(await call<Due>(ph, 'patients.due', { limit: 200 })), { timeout: 5_000 }).not.toContain(target.screeningNumber);
    } finally {
      other.close();
    }
  });
});

describe('the patients list, read in two queries', () => {
  it('gives every patient exactly as patients.get does one at a time', async () => {
    const monitor = await t.loginAs('monitor', 'due-monitor');
    const all = await call<Patient[]>(monitor, 'patients.list', {});
    expect(all.length).toBeGreaterThan(5);
    for (const p of all) expect(p).toEqual(await call<Patient>(monitor, 'patients.get', { patientId: p.id }));
    expect(all.some((p) => p.visits.some((v) => v.dispensedAt !== null))).toBe(true);
  });
});
