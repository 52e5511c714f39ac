import type { TFunction } from 'i18next';
import { saidText, translateServerMessage, type ServerText } from '../i18n/serverMessages';

/**
 * A workflow's own table of host messages (verdicts, refusals) in the user's language, like i18n/serverMessages.ts
 * for the shell: a rule matches the host's English message and renders it with the workflow's keys. A message no rule
 * knows goes to the shell's table, then is shown as it came, never hidden.
 */
export type MessageRule = [RegExp, (t: TFunction, m: RegExpExecArray) => string];

export function translateWith(rules: readonly MessageRule[], text: ServerText, t: TFunction): string {
  // A message said by key (shared/messages) is the catalogue's; only English prose goes through the rules.
  if (typeof text !== 'string') return saidText(text, t) ?? translateWith(rules, text.message, t);
  const message = text;
  const withoutField = /^(.*) \(([A-Za-z0-9_.]+)\)$/.exec(message);
  for (const candidate of withoutField ? [message, withoutField[1]!] : [message]) {
    for (const [pattern, render] of rules) {
      const match = pattern.exec(candidate);
      if (match) return render(t, match);
    }
  }
  return translateServerMessage(message, t);
}
