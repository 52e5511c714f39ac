import type { TFunction } from 'i18next';
import { translateWith, type MessageRule } from '../common/localMessages';

/** The host's receiving messages (ReceivingService) in the user's language. */
const RULES: MessageRule[] = [
  [/^Kit (.+) received\.$/, (t, m) => t('receive.messages.received', { kit: m[1] })],
  [/^Kit (.+) is not in the kit list\.$/, (t, m) => t('receive.messages.unknownKit', { kit: m[1] })],
  [/^Kit (.+) is not in shipment (.+)\. Set it aside\.$/, (t, m) => t('receive.messages.notInShipment', { kit: m[1], shipment: m[2] })],
  [/^Kit (.+) was already recorded \((received|damaged|missing)\)\.$/, (t, m) => t('receive.messages.alreadyRecorded', { kit: m[1], outcome: t(`receive.outcome.${m[2] as 'received' | 'damaged' | 'missing'}`) })],
  [/^(\d+) kits of shipment (.+) are neither scanned nor marked damaged or missing\.$/, (t, m) => t('receive.messages.notAllAccounted', { count: Number(m[1]), shipment: m[2] })],
  [/^Describe the temperature alarm/, (t) => t('receive.messages.describeAlarm')],
  [/^Describe the alarm$/, (t) => t('receive.messages.describeAlarm')],
  [/^A shipment "(.+)" already exists\.$/, (t, m) => t('receive.messages.referenceTaken', { reference: m[1] })],
  [/^(\d+) kits cannot be in this shipment; nothing was created\.$/, (t, m) => t('receive.messages.kitsRefused', { count: Number(m[1]) })],
  [/^The manifest has no "kit_number" column\.$/, (t) => t('receive.messages.noKitColumn')],
  [/^Kit (.+) is not in quarantine\.$/, (t, m) => t('receive.messages.notInQuarantine', { kit: m[1] })],
  [/^Kit (.+) is expired or short-dated: it cannot be released\.$/, (t, m) => t('receive.messages.kitExpiredNoRelease', { kit: m[1] })],
  [/^Kit (.+) carries use-before date (\S+), which is short-dated: confirm the new use-before date before releasing it\.$/, (t, m) => t('receive.messages.kitLabelShortDated', { kit: m[1], date: m[2] })],
  [/^Releasing a kit from quarantine needs the allocation key/, (t) => t('receive.messages.releaseNeedsKey')],
  [/^Shipment (.+) is already closed\.$/, (t, m) => t('receive.messages.alreadyClosed', { shipment: m[1] })],
  [/^Give the shipment reference$/, (t) => t('receive.messages.giveReference')],
  [/^Scan or type a kit number$/, (t) => t('receive.messages.scanOrType')],
  [/^A shipment needs at least one kit\.$/, (t) => t('receive.messages.needsKits')],
  [/^(.+): not in the kit list$/, (t, m) => t('receive.messages.kitNotInList', { kit: m[1] })],
  [/^(.+): already in another shipment$/, (t, m) => t('receive.messages.kitInOtherShipment', { kit: m[1] })],
  [/^(.+): already ([a-z_]+)$/, (t, m) => t('receive.messages.kitAlready', { kit: m[1], status: kitStatusWord(t, m[2]!) })],
];

const KIT_STATUS_WORDS = ['expected', 'available', 'quarantined', 'dispensed', 'returned', 'pending_destruction', 'destroyed', 'damaged', 'lost', 'expired'] as const;

function kitStatusWord(t: TFunction, status: string): string {
  const known = KIT_STATUS_WORDS.find((s) => s === status);
  return known ? t(`receive.kitStatus.${known}`).toLowerCase() : status;
}

export function receiveMessage(message: string, t: TFunction): string {
  return translateWith(RULES, message, t);
}
