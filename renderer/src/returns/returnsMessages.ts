import type { TFunction } from 'i18next';
import { translateServerMessage, type ServerText } from '../i18n/serverMessages';

/**
 * The returns screens' messages in the user's language: ReturnsService, the scan resolver and the contract say them by
 * key (shared/messages, groups `returns`, `scans`, `validation`).
 */
export function returnsMessage(text: ServerText, t: TFunction): string {
  return translateServerMessage(text, t);
}
