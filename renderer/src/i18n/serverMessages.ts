import type { TFunction } from 'i18next';
import type { Said } from '../../../shared/errors';

/**
 * The host says its messages by key (shared/messages): `saidText` shows them in the user's language. This table holds
 * the English the host still sends as prose, matched to the renderer's words; a message it does not know is shown as
 * it came, never hidden.
 */
type Rule = [RegExp, (t: TFunction, m: RegExpExecArray) => string];

const RULES: Rule[] = [
  // The minimum interval between dispensings and its second signer (issue 11, item 6): shown on the dispense screen and
  // in the signature dialog (common/SignatureDialog.tsx), so here rather than in the dispense workflow's table.
  [
    /^(.+) would be dispensed (\d+) days? after (.+) \((\d{4}-\d{2}-\d{2})\): the study needs at least (\d+) days between dispensings\. (Nothing was dispensed|A second person must sign below yours)\.$/,
    (t, m) =>
      t(m[6] === 'Nothing was dispensed' ? 'dispense.messages.intervalRefused' : 'dispense.messages.intervalSecondNeeded', {
        visit: m[1],
        days: t('dispense.messages.dayCount', { count: Number(m[2]) }),
        previous: m[3],
        on: m[4],
        minimum: t('dispense.messages.dayCount', { count: Number(m[5]) }),
      }),
  ],
  [/^The second signature was not made: wrong username or password\. Nothing was dispensed\.$/, (t) => t('dispense.messages.secondWrong')],
  [/^The second signature must be made by another person than the one dispensing\.$/, (t) => t('dispense.messages.secondSamePerson')],
  [/^(.+) cannot give the second signature: it needs a pharmacist, the investigator or a study nurse\.$/, (t, m) => t('dispense.messages.secondNotAllowed', { name: m[1] })],
  [/^Second signature needed$/, (t) => t('dispense.messages.secondNeededIssue')],
  [/^Wrong second signature$/, (t) => t('dispense.messages.secondWrongIssue')],
  [/^Not allowed to co-sign a dispensing$/, (t) => t('dispense.messages.secondNotAllowedIssue')],
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
