import type { TFunction } from 'i18next';
import { translateWith, type MessageRule } from '../common/localMessages';
import type { ServerText } from '../i18n/serverMessages';

/**
 * The returns screens' messages in the user's language: ReturnsService says its refusals by key (shared/messages,
 * group `returns`); what is left here is the contract's wording and the scan resolver's (KitScanResolver), in English.
 */
const RULES: MessageRule[] = [
  [/^Give a whole number of units$/, (t) => t('returns.record.unitsInvalid')],
  [/^Choose the returns to verify$/, (t) => t('returns.messages.chooseReturns')],
  [/^This pack code \((.+)\) has no serial number/, (t, m) => t('returns.messages.packWithoutSerial', { hri: m[1] })],
  [/^No kit in the kit list has the serial (.+) \(pack (.+)\)\.$/, (t, m) => t('returns.messages.unknownSerial', { serial: m[1], hri: m[2] })],
];

export function returnsMessage(text: ServerText, t: TFunction): string {
  return translateWith(RULES, text, t);
}
