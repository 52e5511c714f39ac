import type { TFunction } from 'i18next';
import { translateWith, type MessageRule } from '../common/localMessages';
import type { LabelKind } from '../labels/labelTypes';

/**
 * The host's dispensing verdicts and refusals (DispensingService) in the user's language. None of them names an arm,
 * and neither does any translation here.
 */
const RULES: MessageRule[] = [
  [/^Kit (.+) matches this patient's allocation\.$/, (t, m) => t('dispense.messages.matches', { kit: m[1] })],
  [/^Kit (.+) is not in the kit list\. Check the label\.$/, (t, m) => t('dispense.messages.unknownKit', { kit: m[1] })],
  [/^Kit (.+) is already scanned for this visit\.$/, (t, m) => t('dispense.messages.alreadyScanned', { kit: m[1] })],
  [/^(.+) needs (\d+) kits?; they are all scanned\.$/, (t, m) => t('dispense.messages.visitComplete', { visit: m[1], count: Number(m[2]) })],
  [/^Kit (.+) is in quarantine and cannot be dispensed\.$/, (t, m) => t('dispense.messages.quarantined', { kit: m[1] })],
  [/^Kit (.+) is not available \((.+)\)\.$/, (t, m) => t('dispense.messages.notAvailable', { kit: m[1], status: m[2] })],
  [/^Kit (.+) is expired\.$/, (t, m) => t('dispense.messages.expired', { kit: m[1] })],
  [/^Kit (.+) expires before the end of this visit's window plus the safety margin\.$/, (t, m) => t('dispense.messages.expiring', { kit: m[1] })],
  [/^Kit (.+)'s label date \(use before (\S+)\) falls before the end of this visit's window/, (t, m) => t('dispense.messages.labelDateShort', { kit: m[1], date: m[2] })],
  [/^Kit (.+) is not valid for this patient\. Do not dispense it; scan another kit\.$/, (t, m) => t('dispense.messages.notForPatient', { kit: m[1] })],
  [/^(.+) was already dispensed for patient (.+)\.$/, (t, m) => t('dispense.messages.alreadyDispensed', { visit: m[1], screening: m[2] })],
  [/^(.+) comes first: dispense the visits in order\.$/, (t, m) => t('dispense.messages.inOrder', { visit: m[1] })],
  [/^Patient (.+) is withdrawn: nothing can be dispensed\.$/, (t, m) => t('dispense.messages.withdrawn', { screening: m[1] })],
  [/^Patient (.+) is not randomized yet\.$/, (t, m) => t('dispense.messages.notRandomized', { screening: m[1] })],
  [/^(.+) needs (\d+) kits?; (\d+) scanned\.$/, (t, m) => t('dispense.messages.wrongCount', { visit: m[1], count: Number(m[2]), scanned: t('dispense.messages.scannedCount', { count: Number(m[3]) }) })],
  [/^(.+) is (\d+) days? (early|late): give a reason to dispense outside the window\.$/, (t, m) => t(m[3] === 'early' ? 'dispense.messages.earlyNeedsReason' : 'dispense.messages.lateNeedsReason', { visit: m[1], count: Number(m[2]) })],
  [/^Reason needed outside the visit window$/, (t) => t('dispense.messages.reasonNeeded')],
  // The minimum interval and its second signer: in the shared catalogue (i18n/serverMessages.ts), since the signature
  // dialog shows these refusals too.
  // Labels (LabelService, devices' label print queue).
  [/^The (carton|syringe) label of kit (.+) was already printed: give the reason for the reprint\.$/, (t, m) => t('dispense.messages.alreadyPrinted', { label: t(`dispense.labels.kindLower.${m[1] as LabelKind}`), kit: m[2] })],
  [/^Reason needed for a reprint$/, (t) => t('dispense.messages.reprintReasonNeeded')],
  [/^Kit (.+) is not dispensed: only dispensed kits get a patient label\.$/, (t, m) => t('dispense.messages.notDispensed', { kit: m[1] })],
  [/^No printer is chosen for (carton|syringe) labels yet: choose one on the Devices screen\.$/, (t, m) => t('dispense.messages.noPrinter', { kind: t(`dispense.labels.kindOf.${m[1] as LabelKind}`) })],
  [/^The (carton|syringe) label of kit (.+) is already in the print queue \(job (\d+), \w+\): retry that job\.$/, (t, m) => t('dispense.messages.alreadyQueued', { label: t(`dispense.labels.kindLower.${m[1] as LabelKind}`), kit: m[2], job: m[3] })],
];

export function dispenseMessage(message: string, t: TFunction): string {
  return translateWith(RULES, message, t);
}
