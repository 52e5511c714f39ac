import type { TFunction } from 'i18next';
import { translateServerMessage, type ServerText } from '../i18n/serverMessages';

/** The report screens' messages in the user's language: the host says them by key (shared/messages, group `reports`). */
export function reportsMessage(text: ServerText, t: TFunction): string {
  return translateServerMessage(text, t);
}
