import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROLES, ROLE_IS_BLINDED, ROLE_PERMISSIONS, type Role } from '../../shared/roles';
import { demoCore, type TestCore } from '../helpers/core';

/**
 * Issue 11, item 9: investigator and study nurse are separate roles and only the investigator breaks the code; the
 * patient carries the "unblinded (emergency)" flag on every channel that shows them; the next step (notify the sponsor)
 * is recorded.
 */
let t: TestCore;
beforeAll(async () => {
  t = await demoCore();
}, 120_000);
afterAll(() => t.dispose());

// The arms' codes and names (studies/ns-dupi.json); the study's title names the product too, so the words are exact.
const ARMS = /DUPI300|PLACEBO|"Placebo"|Dupilumab 300 mg"/;

async function call<T = unknown>(window: string, channel: string, input: unknown): Promise<T> {
  const r = await t.core.dispatch(window, channel, input);
  if (!r.ok) throw new Error(`${channel}: ${r.error.code}: ${r.error.message}`);
  return r.value as T;
}

const sign = (role: Role) => ({ username: t.userOf(role).username, password: t.userOf(role).password });

/** A patient registered and randomized by the given (blinded) role, through the channels. */
async function randomizedPatient(window: string, role: Role, screeningNumber: string): Promise<{ id: number; randomizationNumber: string }> {
  const registered = await call<{ id: number }>(window, 'patients.register', { screeningNumber, initials: 'NU', yearOfBirth: 1975, investigator: 'Dr Inès Moreau' });
  const { patient } = await call<{ patient: { id: number; randomizationNumber: string } }>(window, 'patients.randomize', { patientId: registered.id, signature: sign(role) });
  return patient;
}

describe('the permission matrix: who may break the code', () => {
  it('only the investigator holds emergency.unblind; the study nurse is a blinded role of its own', () => {
    // The matrix itself, named: with nurses sharing the investigator role, there was no way to refuse them the code.
    expect(ROLES.filter((role) => ROLE_PERMISSIONS[role].includes('emergency.unblind'))).toEqual(['investigator']);
    expect(ROLES).toContain('study_nurse');
    expect(ROLE_IS_BLINDED.study_nurse).toBe(true);
    // What a nurse does at a visit: the investigator's blinded patient work, nothing more, and never the code.
    expect([...ROLE_PERMISSIONS.study_nurse].sort()).toEqual(ROLE_PERMISSIONS.investigator.filter((p) => p !== 'emergency.unblind').sort());
  });
});

describe('the study nurse', () => {
  it('registers, randomizes and looks up patients, and is refused the code-break channel with the real passphrase', async () => {
    const nurse = await t.loginAs('study_nurse', 'nurse');
    const patient = await randomizedPatient(nurse, 'study_nurse', 'S-N01');
    const seen = await call<{ screeningNumber: string; randomizationNumber: string }>(nurse, 'patients.get', { patientId: patient.id });
    expect(seen).toMatchObject({ screeningNumber: 'S-N01', randomizationNumber: patient.randomizationNumber });
    expect(JSON.stringify(await call(nurse, 'patients.list', {}))).not.toMatch(ARMS);

    // The right passphrase and the nurse's own valid signature: still forbidden, nothing revealed, nothing recorded.
    const input = { patientId: patient.id, reason: 'Anaphylactic reaction after the injection', adverseEvent: true, passphrase: t.demo.codeBreakPassphrase, signature: sign('study_nurse') };
    const refused = await t.core.dispatch(nurse, 'emergency.unblind', input);
    expect(refused).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    expect(JSON.stringify(refused)).not.toMatch(ARMS);
    expect(await t.core.emergency.records()).toHaveLength(0);
    expect((await t.core.audit.query({ action: 'patient.emergency_unblinded' }))).toHaveLength(0);
    expect((await call<{ emergencyUnblinded: boolean }>(nurse, 'patients.get', { patientId: patient.id })).emergencyUnblinded).toBe(false);

    // The investigator, with the same input but their own signature, breaks it.
    const inv = await t.loginAs('investigator', 'nurse-investigator');
    const revealed = await call<{ armCode: string }>(inv, 'emergency.unblind', { ...input, signature: sign('investigator') });
    expect(revealed.armCode).toBe(t.armOf.get(patient.randomizationNumber));
  });

  it('the administrator creates study nurses', async () => {
    const admin = await t.loginAs('administrator', 'nurse-admin');
    const created = await call<{ role: string; blinded: boolean }>(admin, 'users.create', { username: 'nurse.petit', displayName: 'Camille Petit', role: 'study_nurse', temporaryPassword: 'temporary password 9' });
    expect(created).toMatchObject({ role: 'study_nurse', blinded: true });
  });
});

describe('the "unblinded (emergency)" flag on the patient', () => {
  it('is on every patient channel after the code break, for that patient only, and carries no arm', async () => {
    const inv = await t.loginAs('investigator', 'flag-investigator');
    const broken = await randomizedPatient(inv, 'investigator', 'S-F01');
    const other = await randomizedPatient(inv, 'investigator', 'S-F02');
    const flags = async (window: string) => {
      const list = await call<Array<{ id: number; emergencyUnblinded: boolean }>>(window, 'patients.list', {});
      const one = await call<{ emergencyUnblinded: boolean }>(window, 'patients.get', { patientId: broken.id });
      return { broken: list.find((p) => p.id === broken.id)!.emergencyUnblinded, other: list.find((p) => p.id === other.id)!.emergencyUnblinded, get: one.emergencyUnblinded };
    };
    const nurse = await t.loginAs('study_nurse', 'flag-nurse');
    const monitor = await t.loginAs('monitor', 'flag-monitor');
    expect(await flags(nurse)).toEqual({ broken: false, other: false, get: false });

    await call(inv, 'emergency.unblind', { patientId: broken.id, reason: 'Severe reaction: the treating physician must know', adverseEvent: true, passphrase: t.demo.codeBreakPassphrase, signature: sign('investigator') });

    for (const window of [nurse, monitor, inv]) {
      expect(await flags(window), window).toEqual({ broken: true, other: false, get: true });
      expect(JSON.stringify(await call(window, 'patients.list', {})), window).not.toMatch(ARMS);
    }
    // And the patient history report, for whoever prints it.
    const history = async (patientId: number) => Buffer.from((await call<{ base64: string }>(monitor, 'reports.render', { report: 'patient_history', format: 'csv', patientId })).base64, 'base64').toString('utf8');
    expect(await history(broken.id)).toContain('S-F01 (NU) · randomization no. ' + broken.randomizationNumber + ' · randomized · UNBLINDED (EMERGENCY)');
    expect(await history(other.id)).not.toContain('UNBLINDED');
  });
});

describe('after the code break: notify the sponsor', () => {
  it('offers what to send (no arm), records once who notified the sponsor, when and the reference, and audits it', async () => {
    const inv = await t.loginAs('investigator', 'sponsor-investigator');
    const patient = await randomizedPatient(inv, 'investigator', 'S-P01');
    t.clock.advanceMinutes(3);
    // The passphrase typed back as read aloud: lower case, no dashes (issue 11, item 9).
    const typed = t.demo.codeBreakPassphrase.replace(/-/g, '').toLowerCase();
    const revealed = await call<{ unblindingId: number }>(inv, 'emergency.unblind', { patientId: patient.id, reason: 'Anaphylaxis in the emergency department', adverseEvent: true, passphrase: typed, signature: sign('investigator') });

    const before = (await call<Array<{ id: number; sponsorNotified: unknown }>>(inv, 'emergency.list', {})).find((r) => r.id === revealed.unblindingId)!;
    expect(before.sponsorNotified).toBeNull();

    const notice = await call<{ unblinding: { screeningNumber: string; randomizationNumber: string; reason: string; adverseEvent: boolean; by: string; unblindedAt: string }; study: { code: string }; sponsor: { name: string; phone: string } }>(inv, 'emergency.sponsorNotice', { unblindingId: revealed.unblindingId });
    expect(notice.unblinding).toMatchObject({ screeningNumber: 'S-P01', randomizationNumber: patient.randomizationNumber, reason: 'Anaphylaxis in the emergency department', adverseEvent: true, by: 'Dr Inès Moreau (investigator)' });
    expect(notice.study.code).toBe('NS-DUPI');
    expect(notice.sponsor.name).toContain('CHU de Toulouse');
    expect(JSON.stringify(notice)).not.toMatch(ARMS);

    // Only who may break the code records the next step: the nurse and the monitor are refused.
    const nurse = await t.loginAs('study_nurse', 'sponsor-nurse');
    expect(await t.core.dispatch(nurse, 'emergency.recordSponsorNotified', { unblindingId: revealed.unblindingId })).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    expect(await t.core.dispatch(nurse, 'emergency.sponsorNotice', { unblindingId: revealed.unblindingId })).toMatchObject({ ok: false, error: { code: 'forbidden' } });

    t.clock.advanceMinutes(2);
    const recorded = await call<{ sponsorNotified: { at: string; by: string; reference: string | null } }>(inv, 'emergency.recordSponsorNotified', { unblindingId: revealed.unblindingId, reference: 'Fax to the sponsor safety desk, ref. UNB-07' });
    expect(recorded.sponsorNotified).toEqual({ at: t.clock.now().toISOString(), by: 'Dr Inès Moreau (investigator)', reference: 'Fax to the sponsor safety desk, ref. UNB-07' });
    const events = (await t.core.audit.query({ action: 'patient.emergency_sponsor_notified' }));
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ username: 'investigator', entityType: 'patient', entityId: 'S-P01', after: { unblindingId: revealed.unblindingId, reference: 'Fax to the sponsor safety desk, ref. UNB-07' } });
    expect(JSON.stringify(events)).not.toMatch(ARMS);

    // Once: a second record is refused and changes nothing.
    expect(await t.core.dispatch(inv, 'emergency.recordSponsorNotified', { unblindingId: revealed.unblindingId })).toMatchObject({ ok: false, error: { code: 'conflict' } });
    expect((await t.core.audit.query({ action: 'patient.emergency_sponsor_notified' }))).toHaveLength(1);
    // Everybody who reads the unblindings sees that the sponsor was told.
    const monitor = await t.loginAs('monitor', 'sponsor-monitor');
    const seen = (await call<Array<{ id: number; sponsorNotified: { by: string } | null }>>(monitor, 'emergency.list', {})).find((r) => r.id === revealed.unblindingId)!;
    expect(seen.sponsorNotified?.by).toBe('Dr Inès Moreau (investigator)');
    expect(await t.core.dispatch(inv, 'emergency.recordSponsorNotified', { unblindingId: 9999 })).toMatchObject({ ok: false, error: { code: 'not_found' } });
  });
});
