import type { TFunction } from 'i18next';
import { beforeAll, describe, expect, it } from 'vitest';
import { translators } from '../../helpers/translators';
import { translateServerMessage } from '../../../renderer/src/i18n/serverMessages';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { noToken, unreachable, unreadable } from '../../../renderer/src/transport/messages';
import { storageFaults } from '../../../main/core/db/storageFaults';
import { illFormedTextRefusal } from '../../../main/core/router';
import { VeilError } from '../../../shared/errors';
import { NewPassword, Reason, TEXT_LIMITS, text, type TextKind } from '../../../shared/contract/schemas';
import { englishOf, type Message } from '../../../shared/messages/catalogue';
import { saidOfIssue, zodIssueKey } from '../../../shared/messages/zodIssues';

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

  it('translates the faults of the database file, said by key, and keeps their English exactly', () => {
    const file = '/var/lib/veil/veil.db';
    const faults = [
      storageFaults.diskFull(),
      storageFaults.readOnly(file),
      storageFaults.folderNotWritable(file),
      storageFaults.locked(),
      storageFaults.damaged(file, 'database disk image is malformed (page 7)'),
      storageFaults.ioError(file),
    ];
    for (const fault of faults) {
      const body = fault.toBody();
      expect(body.key, fault.kind).toMatch(/^storage\./);
      expect(body.message).toBe(englishOf({ key: body.key!, params: body.params } as Message));
      expect(translateServerMessage(body, tEn)).toBe(body.message);
      const french = translateServerMessage(body, tFr);
      expect(french, body.message).not.toBe(body.message);
      expect(french).not.toMatch(/messages\.|storage\./);
      // The renderer holds no rule over the English any more: the prose alone is shown as it came.
      expect(translateServerMessage(body.message, tFr)).toBe(body.message);
    }
    expect(storageFaults.diskFull().message).toBe(
      'The disk that holds the Veil database is full, so this step could not be saved: nothing was changed. Free some space on that disk (or ask IT to), then do the step again.',
    );
    expect(translateServerMessage(storageFaults.damaged(file, 'page 7 (zeroed)').toBody(), tFr)).toContain('page 7 (zeroed)');
    expect(translateServerMessage(storageFaults.readOnly(file).toBody(), tFr)).toContain(file);
    expect(translateServerMessage(storageFaults.folderNotWritable(file).toBody(), tFr)).toContain('/var/lib/veil');
  });

  it('translates text that is not valid, the internal error and the withheld answer, said by key', () => {
    const refusal = illFormedTextRefusal(['reason']);
    expect(refusal.message).toBe('The reason contains a character that is not valid text (half of a character code, from a bad copy-paste or a faulty device). Retype it; nothing was changed.');
    expect([refusal.key, refusal.params]).toEqual(['system.illFormedText', { field: 'reason' }]);
    expect(translateServerMessage(refusal, tFr)).toContain('Le champ reason contient un caractère');
    const issue = refusal.issues![0]!;
    expect([issue.key, issue.message]).toEqual(['validation.illFormedText', 'Not valid text: retype it']);
    expect(translateServerMessage(issue, tFr)).toBe('Texte non valide : ressaisissez-le');
    const internal = VeilError.says('internal', { key: 'system.internal', params: { reference: 'ab12cd34' } }).toBody();
    expect(internal.message).toBe('Veil hit an unexpected problem; nothing was changed by this step. Reference ab12cd34.');
    expect(translateServerMessage(internal, tFr)).toBe("Veil a rencontré un problème inattendu ; rien n'a été modifié par cette étape. Référence ab12cd34.");
    expect(translateServerMessage(VeilError.says('internal', { key: 'system.outputWithheld' }).toBody(), tFr)).toContain('retenue');
  });

  it("translates the transport's own failures by key, before any host answers", () => {
    for (const [body, french] of [
      [noToken(), 'sans son jeton de lancement'],
      [unreachable(), 'Veil est injoignable'],
      [unreadable(), 'réponse illisible'],
    ] as const) {
      expect(body.key).toMatch(/^transport\./);
      expect(translateServerMessage(body, tEn)).toBe(body.message);
      expect(translateServerMessage(body, tFr)).toContain(french);
    }
    expect(unreachable().message).toBe('Veil cannot be reached. Check that `veil serve` is still running, then try again.');
  });

  it("translates the scan resolver's, the receipt's, the code-break's and the reports' messages said by key", () => {
    const cases: Array<[Message, string, string]> = [
      [{ key: 'scans.packWithoutSerial', params: { hri: '(01)03760000000017' } }, 'This pack code ((01)03760000000017) has no serial number (AI 21), so it does not name a kit. Scan the kit label.', "n'a pas de numéro de série"],
      [{ key: 'scans.unknownSerial', params: { serial: 'S9', hri: '(21)S9' } }, 'No kit in the kit list has the serial S9 (pack (21)S9).', 'Aucun kit de la liste'],
      [{ key: 'scans.received', params: { kit: 'K-001' } }, 'Kit K-001 received.', 'Kit K-001 reçu.'],
      [{ key: 'scans.notInShipment', params: { kit: 'K-001', shipment: 'SH-1' } }, 'Kit K-001 is not in shipment SH-1. Set it aside.', "ne fait pas partie de l'envoi SH-1"],
      [{ key: 'scans.alreadyDamaged', params: { kit: 'K-001' } }, 'Kit K-001 was already recorded (damaged).', 'déjà enregistré (endommagé)'],
      [{ key: 'scans.kitAlreadyPendingDestruction', params: { kit: 'K-001' } }, 'K-001: already pending_destruction', 'K-001 : déjà en attente de destruction'],
      [{ key: 'codeBreak.wrongPassphrase' }, 'This code-break passphrase is wrong. Check it against the sealed envelope.', "Cette phrase de levée d'aveugle est fausse"],
      [{ key: 'reports.noSuchPatient', params: { id: 42 } }, 'There is no patient 42.', "Ce patient n'existe pas"],
    ];
    for (const [said, english, french] of cases) {
      const body = VeilError.says('validation', said).toBody();
      expect(body.message).toBe(english);
      expect(translateServerMessage(body, tEn)).toBe(english);
      expect(translateServerMessage(body, tFr)).toContain(french);
      expect(translateServerMessage(english, tFr), english).toBe(english);
    }
  });

  it('shows a message it does not know as it came', () => {
    expect(translateServerMessage('Something new the host learned to say.', tFr)).toBe('Something new the host learned to say.');
  });
});

describe('zod issues said by key, in the user language', () => {
  const said = (schema: z.ZodType, value: unknown) => {
    const result = schema.safeParse(value, { error: zodIssueKey });
    if (result.success) throw new Error('expected a refusal');
    return result.error.issues.map((i) => saidOfIssue(i));
  };

  it("says each kind of text's maximum by its own key, its number from TEXT_LIMITS, the English as before", async () => {
    const { tEn, tFr } = await translators();
    for (const kind of Object.keys(TEXT_LIMITS) as TextKind[]) {
      const { max } = TEXT_LIMITS[kind];
      const [message] = said(text(kind), 'x'.repeat(max + 1));
      expect(message, kind).toEqual({ key: `validation.${kind}TooLong`, params: kind === 'manifest' ? { max } : { count: max } });
      const body = VeilError.says('validation', message!).toBody();
      expect(translateServerMessage(body, tEn)).toBe(body.message);
      expect(translateServerMessage(body, tFr), kind).toMatch(new RegExp(`^(Un|Une) .+ a au plus ${max} caractères$`));
    }
    expect(englishOf({ key: 'validation.reasonTooLong', params: { count: TEXT_LIMITS.reason.max } })).toBe('A reason has at most 500 characters');
  });

  it("says zod's own codes with the issue's numbers, and a schema's key with its bound", async () => {
    const { tFr } = await translators();
    const fr = (message: Message | null) => translateServerMessage(VeilError.says('validation', message!).toBody(), tFr);
    expect(said(z.string().min(1), '')).toEqual([{ key: 'validation.required' }]);
    expect(said(z.string().min(4), 'ab')).toEqual([{ key: 'validation.tooShort', params: { count: 4 } }]);
    expect(said(z.string().max(3), 'abcd')).toEqual([{ key: 'validation.tooLong', params: { count: 3 } }]);
    expect(said(z.number().min(1900), 1850)).toEqual([{ key: 'validation.numberTooSmall', params: { min: 1900 } }]);
    expect(fr(said(z.number().max(10), 11)[0]!)).toBe('Au plus 10');
    expect(fr(said(z.string().min(4), 'ab')[0]!)).toBe('Au moins 4 caractères');
    const [password] = said(NewPassword, 'short');
    expect(password).toEqual({ key: 'validation.passwordTooShort', params: { count: 10 } });
    expect(englishOf(password!)).toBe('A password has at least 10 characters');
    expect(fr(password!)).toBe('Un mot de passe a au moins 10 caractères');
    expect(said(Reason, 'no')).toEqual([{ key: 'validation.giveReason' }]);
    // A code no key says yet keeps zod's words, without a key: shown as it came.
    expect(said(z.enum(['a', 'b']), 'c')).toEqual([null]);
  });
});

describe('the renderer holds no rule over the English of the files this work moved', () => {
  it('has no regular expression left in the workflow tables it emptied', () => {
    for (const file of ['emergency/emergencyMessages.ts', 'receive/receiveMessages.ts', 'returns/returnsMessages.ts', 'patients/patientMessages.ts', 'reports/reportsMessages.ts']) {
      const source = readFileSync(`renderer/src/${file}`, 'utf8');
      expect(source, file).not.toMatch(/\[\/\^|RegExp/);
    }
  });
});

describe('the renderer holds no rule over the core English anywhere (issue 17, item 2)', () => {
  /** Every source file of the renderer. */
  const sources = (dir: string): string[] =>
    readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? sources(join(dir, e.name)) : /\.tsx?$/.test(e.name) ? [join(dir, e.name)] : []));

  it('has no table of message patterns and matches no message by its words', () => {
    const files = sources('renderer/src');
    expect(files.length).toBeGreaterThan(100);
    for (const file of files) {
      const source = readFileSync(file, 'utf8');
      // A rule table ([/^...$/, render]) or a message tested by its text is how the old tables read the core's English.
      expect(source, file).not.toMatch(/\[\/\^/);
      expect(source, file).not.toMatch(/message\.(startsWith|endsWith|includes|match)\(/);
    }
  });
});
