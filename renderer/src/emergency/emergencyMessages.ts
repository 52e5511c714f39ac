import type { TFunction } from 'i18next';
import { translateServerMessage, type ServerText } from '../i18n/serverMessages';

/**
 * The emergency-unblinding screens' messages in the user's language: the host and the contract say them all by key
 * (shared/messages, groups `emergency`, `codeBreak`, `validation`).
 */
export function emergencyMessage(text: ServerText, t: TFunction): string {
  return translateServerMessage(text, t);
}
