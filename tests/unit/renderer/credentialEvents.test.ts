import type { TFunction } from 'i18next';
import { beforeAll, describe, expect, it } from 'vitest';
import { translators } from '../../helpers/translators';
import { describeEvent } from '../../../shared/audit/describeEvent';
import { describeEventInWords } from '../../../renderer/src/audit/describe';

/** The credential check's audit events read as sentences, in the CSV export (English) and on screen (both languages). */
describe('credential check events in words', () => {
  let tEn: TFunction;
  let tFr: TFunction;
  beforeAll(async () => {
    ({ tEn, tFr } = await translators());
  });

  const signatureFailure = { username: 'monitor', action: 'credential.failed', entityType: 'user', entityId: 'monitor', after: { check: 'signature', cause: 'wrong password', failedAttempts: 2 } };
  const witnessLocked = { username: 'pharmacist', action: 'credential.failed', entityType: 'user', entityId: 'monitor', after: { check: 'witness', cause: 'locked out' } };
  const passphrase = { username: 'investigator', action: 'credential.failed', entityType: 'study', entityId: 'NS-DUPI', after: { check: 'code_break', cause: 'wrong passphrase', failedAttempts: 1 } };
  const lockout = { username: 'monitor', action: 'user.locked_out', entityType: 'user', entityId: 'monitor', after: { check: 'signature', failedAttempts: 5, lockedUntil: '2026-11-25T09:15:00.000Z' } };
  const oldLockout = { username: 'monitor', action: 'user.locked_out', entityType: 'user', entityId: 'monitor', after: { failedLogins: 5, lockedUntil: '2026-11-25T09:15:00.000Z' } };
  const studyLockout = { username: 'investigator', action: 'code_break.locked_out', entityType: 'study', entityId: 'NS-DUPI', after: { check: 'code_break', failedAttempts: 5, lockedUntil: '2026-11-25T09:15:00.000Z' } };
  const loginWhileLocked = { username: 'monitor', action: 'session.login_failed', entityType: 'user', entityId: 'monitor', after: { check: 'login', cause: 'locked out' } };

  it('say which check refused what, in English and French', () => {
    expect(describeEventInWords(signatureFailure, tEn)).toBe('A wrong password for "monitor" was typed at e-signature (by monitor).');
    expect(describeEventInWords(signatureFailure, tFr)).toBe('Un mot de passe erroné pour « monitor » a été saisi (signature électronique, par monitor).');
    expect(describeEventInWords(witnessLocked, tFr)).toBe('Une tentative (témoin de destruction) pour « monitor » a été refusée : compte bloqué (par pharmacist).');
    expect(describeEventInWords(passphrase, tEn)).toBe('investigator typed a wrong code-break passphrase for study NS-DUPI.');
    expect(describeEventInWords(lockout, tEn)).toBe('The account "monitor" was locked after 5 wrong passwords.');
    expect(describeEventInWords(oldLockout, tFr)).toBe('Le compte « monitor » a été bloqué après 5 mots de passe erronés.');
    expect(describeEventInWords(studyLockout, tFr)).toBe("La levée d'aveugle de l'étude NS-DUPI a été bloquée après 5 phrases erronées.");
    expect(describeEventInWords(loginWhileLocked, tEn)).toBe('A login as "monitor" was refused: the account was locked out.');
  });

  it('have an English sentence for the CSV export', () => {
    expect(describeEvent(signatureFailure)).toBe('monitor: a password for "monitor" was refused at signature (wrong password).');
    expect(describeEvent(passphrase)).toBe('investigator: a code-break passphrase for study NS-DUPI was refused (wrong passphrase).');
    expect(describeEvent(lockout)).toBe('The account "monitor" was locked after 5 wrong passwords.');
    expect(describeEvent(oldLockout)).toBe('The account "monitor" was locked after 5 wrong passwords.');
    expect(describeEvent(studyLockout)).toBe('Code-break for study NS-DUPI was locked after 5 wrong passphrases.');
  });
});
