import type { TFunction } from 'i18next';
import { beforeAll, describe, expect, it } from 'vitest';
import { translators } from '../../helpers/translators';
import { translateServerMessage } from '../../../renderer/src/i18n/serverMessages';
import { storageFaults } from '../../../main/core/db/storageFaults';
import { illFormedTextRefusal } from '../../../main/core/router';
import { VeilError } from '../../../shared/errors';

describe('host messages in the user language', () => {
  let tEn: TFunction;
  let tFr: TFunction;
  beforeAll(async () => {
    ({ tEn, tFr } = await translators());
  });

  it('translates the login refusals said by key, with their counts (tests/integration/messagesByKey drives the core)', () => {
    const said = (error: VeilError) => error.toBody();
    expect(translateServerMessage(said(VeilError.says('unauthenticated', { key: 'session.wrongCredentials' })), tFr)).toBe('Identifiant ou mot de passe incorrect.');
    expect(translateServerMessage(said(VeilError.says('unauthenticated', { key: 'session.wrongCredentialsAttempts', params: { count: 1 } })), tFr)).toBe(
      'Identifiant ou mot de passe incorrect. Encore 1 essai avant le blocage du compte.',
    );
    expect(translateServerMessage(said(VeilError.says('unauthenticated', { key: 'session.wrongCredentialsAttempts', params: { count: 3 } })), tFr)).toContain('Encore 3 essais');
    expect(translateServerMessage(said(VeilError.says('forbidden', { key: 'allocation.lockedOut', params: { count: 15 } })), tFr)).toContain('bloqué pendant encore 15 minutes');
    expect(translateServerMessage(said(VeilError.says('unauthenticated', { key: 'session.wrongUnlockPassword', params: { name: 'Paula Lefèvre' } })), tFr)).toContain('Paula Lefèvre');
    // In English, the catalogue's text: the same as the error's message.
    const english = VeilError.says('unauthenticated', { key: 'session.wrongCredentialsAttempts', params: { count: 2 } });
    expect(translateServerMessage(said(english), tEn)).toBe(english.message);
    expect(english.message).toBe('Wrong username or password. 2 attempts left before the account is locked.');
  });

  it('translates the refusals of the credential check and of a temporary password', () => {
    const codeBreakLocked = (count: number) => VeilError.says('forbidden', { key: 'allocation.codeBreakLocked', params: { count } }).toBody();
    expect(translateServerMessage(codeBreakLocked(15), tFr)).toBe(
      "Trop de phrases de levée d'aveugle erronées : la levée d'aveugle de cette étude est bloquée pendant encore 15 minutes.",
    );
    expect(translateServerMessage(codeBreakLocked(1), tFr)).toContain('encore 1 minute.');
    expect(codeBreakLocked(1).message).toBe('Too many wrong code-break passphrases: code-break for this study is locked for 1 more minute.');
    expect(translateServerMessage(VeilError.says('forbidden', { key: 'session.temporaryPassword' }).toBody(), tFr)).toBe(
      'Vous utilisez encore un mot de passe temporaire : choisissez votre propre mot de passe avant toute autre chose.',
    );
    expect(translateServerMessage(codeBreakLocked(14), tEn)).toBe(codeBreakLocked(14).message);
  });

  it("translates the dose-interval second signer's refusals, said by key, which the signature dialog shows with the shared catalogue", () => {
    // The dispensing's signature dialog (common/SignatureDialog.tsx) shows a refusal of dispensing.confirm that is not
    // about the signature itself through translateServerMessage: the second signer's messages come by key (group
    // dispensing of shared/messages); no English pattern of them is left in the renderer.
    const interval = { visit: 'W4', count: 3, previous: 'W2', on: '2026-11-20', minimum: 10 };
    const french = [
      [VeilError.says('validation', { key: 'dispensing.secondWrong' }), 'La deuxième signature n’a pas été faite'],
      [VeilError.says('validation', { key: 'dispensing.secondSamePerson' }), 'une autre personne que celle qui dispense'],
      [VeilError.says('validation', { key: 'dispensing.secondNotAllowed', params: { name: 'Marc Dubois (monitor)' } }), 'Marc Dubois (monitor) ne peut pas donner la deuxième signature'],
      [VeilError.says('validation', { key: 'dispensing.intervalSecondNeeded', params: interval }), 'W4 serait dispensée 3 jours après W2 (2026-11-20)'],
      [VeilError.says('conflict', { key: 'dispensing.intervalRefused', params: { ...interval, count: 1 } }), 'W4 serait dispensée 1 jour après W2'],
      [VeilError.says('validation', { key: 'dispensing.secondWrongIssue' }), 'Deuxième signature incorrecte'],
    ] as const;
    for (const [error, expected] of french) {
      const body = error.toBody();
      expect(translateServerMessage(body, tFr), body.message).toContain(expected);
      expect(translateServerMessage(body, tEn), body.message).toBe(body.message);
      // The English prose alone is no longer matched: shown as it came.
      expect(translateServerMessage(body.message, tFr)).toBe(body.message);
    }
    expect(VeilError.says('validation', { key: 'dispensing.intervalSecondNeeded', params: interval }).message).toBe(
      'W4 would be dispensed 3 days after W2 (2026-11-20): the study needs at least 10 days between dispensings. A second person must sign below yours.',
    );
  });

  it('keeps the English message identical to what the host said', () => {
    for (const message of [
      'Wrong username or password. 4 attempts left before the account is locked.',
      'This account is deactivated. Ask an administrator.',
      'The username "nurse.claire" is already taken.',
      'A password has at least 10 characters',
    ]) {
      expect(translateServerMessage(message, tEn)).toBe(message);
    }
  });

  it('drops the field the router appends to a validation message (the form marks the field)', () => {
    expect(translateServerMessage('A password has at least 10 characters (password)', tFr)).toBe('Un mot de passe a au moins 10 caractères');
  });

  it('translates the faults of the database file and text that is not valid, and keeps their English exactly', () => {
    const file = '/var/lib/veil/veil.db';
    const said = [
      storageFaults.diskFull().message,
      storageFaults.readOnly(file).message,
      storageFaults.folderNotWritable(file).message,
      storageFaults.locked().message,
      storageFaults.damaged(file, 'database disk image is malformed (page 7)').message,
      storageFaults.ioError(file).message,
      illFormedTextRefusal(['reason']).message,
      illFormedTextRefusal(['reason']).issues[0]!.message,
    ];
    for (const message of said) {
      expect(translateServerMessage(message, tEn)).toBe(message);
      const french = translateServerMessage(message, tFr);
      expect(french, message).not.toBe(message);
      expect(french).not.toMatch(/serverMessages\./);
    }
    expect(translateServerMessage(storageFaults.damaged(file, 'page 7 (zeroed)').message, tFr)).toContain('page 7 (zeroed)');
    expect(translateServerMessage(storageFaults.readOnly(file).message, tFr)).toContain(file);
    expect(translateServerMessage(storageFaults.folderNotWritable(file).message, tFr)).toContain('/var/lib/veil');
  });

  it('shows a message it does not know as it came', () => {
    expect(translateServerMessage('Something new the host learned to say.', tFr)).toBe('Something new the host learned to say.');
  });
});

describe('the maximum length of every kind of text field, in the user language', () => {
  it('translates each kind\'s message, and keeps the English one as the host said it', async () => {
    const { TEXT_LIMITS, tooLongMessage } = await import('../../../shared/contract/schemas');
    const { tEn, tFr } = await translators();
    for (const kind of Object.keys(TEXT_LIMITS) as Array<keyof typeof TEXT_LIMITS>) {
      const message = tooLongMessage(kind);
      expect(translateServerMessage(message, tEn), kind).toBe(message);
      const french = translateServerMessage(`${message} (${kind})`, tFr);
      expect(french, kind).toMatch(new RegExp(`^(Un|Une) .+ a au plus ${TEXT_LIMITS[kind].max} caractères$`));
    }
    expect(translateServerMessage('A reason has at most 500 characters', tFr)).toBe('Un motif a au plus 500 caractères');
  });
});
