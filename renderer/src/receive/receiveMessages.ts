import type { TFunction } from 'i18next';
import { translateWith, type MessageRule } from '../common/localMessages';
import type { ServerText } from '../i18n/serverMessages';

/**
 * The receiving screens' messages in the user's language: ReceivingService says its refusals by key (shared/messages,
 * group `receiving`); what is left here is the scan verdicts' English, the contract's wording and a kit's status word.
 */
const RULES: MessageRule[] = [
  [/^Kit (.+) received\.$/, (t, m) => t('receive.messages.received', { kit: m[1] })],
  [/^Kit (.+) is not in shipment (.+)\. Set it aside\.$/, (t, m) => t('receive.messages.notInShipment', { kit: m[1], shipment: m[2] })],
  [/^Kit (.+) was already recorded \((received|damaged|missing)\)\.$/, (t, m) => t('receive.messages.alreadyRecorded', { kit: m[1], outcome: t(`receive.outcome.${m[2] as 'received' | 'damaged' | 'missing'}`) })],
  [/^Give the shipment reference$/, (t) => t('receive.messages.giveReference')],
  [/^Scan or type a kit number$/, (t) => t('receive.messages.scanOrType')],
  [/^(.+): already ([a-z_]+)$/, (t, m) => t('receive.messages.kitAlready', { kit: m[1], status: kitStatusWord(t, m[2]!) })],
];

const KIT_STATUS_WORDS = ['expected', 'available', 'quarantined', 'dispensed', 'returned', 'pending_destruction', 'destroyed', 'damaged', 'lost', 'expired'] as const;

function kitStatusWord(t: TFunction, status: string): string {
  const known = KIT_STATUS_WORDS.find((s) => s === status);
  return known ? t(`receive.kitStatus.${known}`).toLowerCase() : status;
}

export function receiveMessage(text: ServerText, t: TFunction): string {
  return translateWith(RULES, text, t);
}
