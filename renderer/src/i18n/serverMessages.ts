import type { TFunction } from 'i18next';
import type { Said } from '../../../shared/errors';

/**
 * The host says its messages by key (shared/messages): `saidText` shows them in the user's language. No English is
 * matched back into keys any more (issue 17, item 2): a message that still comes as prose only is shown as it came,
 * never hidden.
 */

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
  if (typeof text !== 'string') return saidText(text, t) ?? text.message;
  return text;
}
