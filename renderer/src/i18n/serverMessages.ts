import type { TFunction } from 'i18next';
import type { Said } from '../../../shared/errors';
import { TEXT_LIMITS, tooLongMessage, type TextKind } from '../../../shared/contract/schemas';
import { NO_TOKEN_MESSAGE, UNREACHABLE_MESSAGE, UNREADABLE_MESSAGE } from '../transport/messages';

/**
 * The host answers in English, in words written for the person at the bench. This table gives the renderer the same
 * messages in the user's language; a message it does not know is shown as it came, never hidden.
 */
type Rule = [RegExp, (t: TFunction, m: RegExpExecArray) => string];

const exact = (message: string) => new RegExp(`^${message.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`);

const RULES: Rule[] = [
  [/^Veil hit an unexpected problem; nothing was changed by this step\. Reference (\w+)\.$/, (t, m) => t('serverMessages.internal', { reference: m[1] })],
  [/^Veil produced an answer it could not check/, (t) => t('serverMessages.outputWithheld')],
  // Faults of the database file (main/core/db/storageFaults.ts) and text that is not valid (the router).
  [/^The disk that holds the Veil database is full, so this step could not be saved: /, (t) => t('serverMessages.storageDiskFull')],
  [/^The Veil database file (.+) is read-only, so Veil cannot save anything in it: /, (t, m) => t('serverMessages.storageReadOnly', { file: m[1] })],
  [/^Veil cannot write in the folder (.+), where its database is \(/, (t, m) => t('serverMessages.storageFolderNotWritable', { folder: m[1] })],
  [/^The Veil database is in use by another program /, (t) => t('serverMessages.storageLocked')],
  [/^The Veil database file (.+) is damaged \(SQLite's check found: (.*)\)\. Veil will not use it/, (t, m) => t('serverMessages.storageDamaged', { file: m[1], problem: m[2] })],
  [/^The disk refused to read or write the Veil database file (.+) \(an input\/output error\)/, (t, m) => t('serverMessages.storageIoError', { file: m[1] })],
  [/^The (.+) contains a character that is not valid text \(/, (t, m) => t('serverMessages.illFormedText', { field: m[1] })],
  [exact('Not valid text: retype it'), (t) => t('serverMessages.illFormedTextIssue')],
  [exact('The launch token is missing or wrong. Open the URL Veil printed at start.'), (t) => t('serverMessages.noToken')],
  [exact(NO_TOKEN_MESSAGE), (t) => t('serverMessages.noToken')],
  [exact(UNREACHABLE_MESSAGE), (t) => t('serverMessages.unreachable')],
  [exact(UNREADABLE_MESSAGE), (t) => t('serverMessages.unreadable')],
  // Validation messages of the contract's schemas (shared/contract/schemas.ts and the channels).
  [exact('A username has at least 3 characters'), (t) => t('serverMessages.usernameTooShort')],
  [exact('A username has at most 40 characters'), (t) => t('serverMessages.usernameTooLong')],
  [/^A username uses lower-case letters, digits, dot, dash or underscore only$/, (t) => t('serverMessages.usernameCharacters')],
  [exact('A password has at least 10 characters'), (t) => t('serverMessages.passwordTooShort')],
  [exact('A password has at most 200 characters'), (t) => t('serverMessages.passwordTooLong')],
  [exact('Give the full printed name'), (t) => t('serverMessages.printedName')],
  [exact('Give a reason'), (t) => t('serverMessages.reason')],
  [exact('Enter your username'), (t) => t('serverMessages.enterUsername')],
  [exact('Enter your password'), (t) => t('serverMessages.enterPassword')],
  [exact('Choose the visit'), (t) => t('serverMessages.chooseVisit')],
  [exact('The manifest is empty'), (t) => t('serverMessages.manifestEmpty')],
  [exact('The file is empty'), (t) => t('messages.lists.empty')],
  // "A reason has at most 500 characters": one message per kind of text field (shared/contract/schemas.ts).
  ...(Object.keys(TEXT_LIMITS) as TextKind[]).map(
    (kind): Rule => [exact(tooLongMessage(kind)), (t) => t('serverMessages.textTooLong', { what: t(`serverMessages.textKinds.${kind}`), max: TEXT_LIMITS[kind].max })],
  ),
  [exact('Give the name of the site (hospital and pharmacy)'), (t) => t('serverMessages.siteName')],
  [exact('A site name has at most 100 characters'), (t) => t('serverMessages.siteNameTooLong')],
  // Keyboard-wedge scanners' set-up (shared/contract/devices.ts, Devices screen).
  [exact('Give the scanner a name'), (t) => t('serverMessages.scannerName')],
  [exact('A prefix is made of symbols (such as ~ or §): letters, digits or spaces could be the start of a code'), (t) => t('serverMessages.prefixSymbols')],
  [exact('A prefix has at most 8 characters'), (t) => t('serverMessages.prefixTooLong')],
  [exact('Choose the key the scanner sends after each code'), (t) => t('serverMessages.endKey')],
  [/^Two scanners are named "(.+)": give each its own name\.$/, (t, m) => t('serverMessages.scannerTwice', { name: m[1] })],
  [exact('Used twice'), (t) => t('serverMessages.usedTwice')],
  [/^Too small: expected string to have >=1 characters?$/, (t) => t('serverMessages.required')],
  [/^Too small: expected string to have >=(\d+) characters$/, (t, m) => t('serverMessages.tooShort', { count: Number(m[1]) })],
  [/^Too big: expected string to have <=(\d+) characters$/, (t, m) => t('serverMessages.tooLong', { count: Number(m[1]) })],
  [/^Too small: expected number to be >=(-?\d+)$/, (t, m) => t('serverMessages.numberTooSmall', { min: Number(m[1]) })],
  [/^Too big: expected number to be <=(-?\d+)$/, (t, m) => t('serverMessages.numberTooBig', { max: Number(m[1]) })],
];

/** What the core said: a message by key (shared/messages) with its English, or English prose only (not yet moved). */
export type ServerText = string | (Said & { message: string });

/**
 * A message the core said by key, in the user's language; null when it came as English prose only. The key is any
 * string here: it arrives at run time (in an error body or a channel's output such as a list's problems).
 */
export function saidText(said: { key?: string | undefined; params?: Said['params'] | undefined }, t: TFunction): string | null {
  if (!said.key) return null;
  // Keys come from the core at run time; the catalogue they name is in the resources under `messages`.
  const translate = t as unknown as (key: string, params?: Record<string, string | number>) => string;
  return translate(`messages.${said.key}`, said.params);
}

export function translateServerMessage(text: ServerText, t: TFunction): string {
  if (typeof text !== 'string') return saidText(text, t) ?? translateServerMessage(text.message, t);
  const message = text;
  // The router appends the field to the first validation message, "... (username)": the form marks the field itself.
  const withoutField = /^(.*) \(([A-Za-z0-9_.]+)\)$/.exec(message);
  for (const candidate of withoutField ? [message, withoutField[1]!] : [message]) {
    for (const [pattern, render] of RULES) {
      const match = pattern.exec(candidate);
      if (match) return render(t, match);
    }
  }
  return message;
}
