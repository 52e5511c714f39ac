import type { TFunction } from 'i18next';
import { translateServerMessage, type ServerText } from '../i18n/serverMessages';

/**
 * The receiving screens' messages in the user's language: ReceivingService, its scan verdicts and the contract say
 * them by key (shared/messages, groups `receiving`, `scans`, `validation`).
 */
export function receiveMessage(text: ServerText, t: TFunction): string {
  return translateServerMessage(text, t);
}
