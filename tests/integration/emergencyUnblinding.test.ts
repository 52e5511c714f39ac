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

const ARMS = /DUPI300|PLACEBO|Placebo|Dupilumab|dupilumab/;

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
    expect(t.core.emergency.records()).toHaveLength(0);
    expect(t.core.audit.query({ action: 'patient.emergency_unblinded' })).toHaveLength(0);
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
