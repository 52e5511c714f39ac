import type { TFunction } from 'i18next';
import { translateWith, type MessageRule } from '../common/localMessages';

/** The host's returns messages (ReturnsService, KitScanResolver) in the user's language. */
const RULES: MessageRule[] = [
  [/^Kit (.+) is not in the kit list\.$/, (t, m) => t('returns.messages.unknownKit', { kit: m[1] })],
  [/^Kit (.+) was never dispensed, so it cannot be a patient return\.$/, (t, m) => t('returns.messages.neverDispensed', { kit: m[1] })],
  [/^Kit (.+) was dispensed to patient (.+), not to this patient\. Check the bag\.$/, (t, m) => t('returns.messages.otherPatient', { kit: m[1], patient: m[2] })],
  [/^A kit holds (\d+) units?; (\d+) cannot come back\.$/, (t, m) => t('returns.messages.tooManyUnits', { count: Number(m[1]), units: Number(m[2]) })],
  [/^At most (\d+)$/, (t, m) => t('returns.messages.atMost', { count: Number(m[1]) })],
  [/^A missing kit brings back no unit\.$/, (t) => t('returns.messages.missingNoUnit')],
  [/^Must be 0 for a missing kit$/, (t) => t('returns.messages.missingNoUnit')],
  [/^Record at least one unit, or mark the kit missing\.$/, (t) => t('returns.messages.atLeastOne')],
  [/^At least 1$/, (t) => t('returns.messages.atLeastOne')],
  [/^Say what the patient said about the missing kit\.$/, (t) => t('returns.messages.noteForMissing')],
  [/^Needed for a missing kit$/, (t) => t('returns.messages.noteForMissing')],
  [/^Give a whole number of units$/, (t) => t('returns.record.unitsInvalid')],
  [/^The return of kit (.+) is already recorded; edit it instead\.$/, (t, m) => t('returns.messages.alreadyRecorded', { kit: m[1] })],
  [/^Kit (.+) was recorded as missing: there is no kit to check, so it cannot be verified\./, (t, m) => t('returns.messages.missingNotVerifiable', { kit: m[1] })],
  [/^Choose the returns to verify$/, (t) => t('returns.messages.chooseReturns')],
  [/^No return is recorded for kit (.+)\.$/, (t, m) => t('returns.messages.noReturn', { kit: m[1] })],
  [/^A missing kit and a returned kit have different statuses/, (t) => t('returns.messages.missingSwitch')],
  [/^This pack code \((.+)\) has no serial number/, (t, m) => t('returns.messages.packWithoutSerial', { hri: m[1] })],
  [/^No kit in the kit list has the serial (.+) \(pack (.+)\)\.$/, (t, m) => t('returns.messages.unknownSerial', { serial: m[1], hri: m[2] })],
];

export function returnsMessage(message: string, t: TFunction): string {
  return translateWith(RULES, message, t);
}
