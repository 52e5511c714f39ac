import type { TFunction } from 'i18next';
import { translateWith, type MessageRule } from '../common/localMessages';

/** The host's reconciliation and destruction messages in the user's language. */
const RULES: MessageRule[] = [
  [/^The witness's username or password is wrong: nothing was destroyed\.$/, (t) => t('reconciliation.messages.witnessWrong')],
  [/^Wrong witness credentials$/, (t) => t('reconciliation.messages.witnessWrongShort')],
  [/^The witness must be another person than the one destroying the kits\.$/, (t) => t('reconciliation.messages.witnessSelf')],
  [/^Another person$/, (t) => t('reconciliation.messages.witnessSelfShort')],
  [/^The destruction date cannot be in the future\.$/, (t) => t('reconciliation.destruction.dateFuture')],
  [/^In the future$/, (t) => t('reconciliation.destruction.dateFuture')],
  [/^Kit (.+) is not in the kit list\.$/, (t, m) => t('reconciliation.messages.unknownKit', { kit: m[1] })],
  [/^Kit (.+) is (.+): only returned, expired or damaged kits are destroyed\.$/, (t, m) => t('reconciliation.messages.notDestroyable', { kit: m[1], status: m[2] })],
  [/^Kit (.+) is a patient return the monitor has not verified yet: it cannot be destroyed before its verification\.$/, (t, m) => t('reconciliation.messages.notVerified', { kit: m[1] })],
  [/^Sign-off refused: (\d+) open discrepanc(?:y has|ies have) no comment \(kits? (.+)\)\. Comment each one, then sign\.$/, (t, m) => t('reconciliation.messages.uncommented', { count: Number(m[1]), kits: m[2] })],
  [/^Kit (.+) has no open discrepancy to comment\.$/, (t, m) => t('reconciliation.messages.nothingToComment', { kit: m[1] })],
  [/^Explain the discrepancy$/, (t) => t('reconciliation.messages.explain')],
  [/^There is no destruction (\d+)\.$/, (t, m) => t('reconciliation.messages.noDestruction', { id: m[1] })],
  [/^Name the destruction method$/, (t) => t('reconciliation.destruction.methodNeeded')],
  [/^Name the place$/, (t) => t('reconciliation.destruction.placeNeeded')],
  [/^Witness username$/, (t) => t('reconciliation.destruction.witnessUsernameNeeded')],
  [/^Witness password$/, (t) => t('reconciliation.destruction.witnessPasswordNeeded')],
  [/^Choose the kits to destroy$/, (t) => t('reconciliation.destruction.chooseKits')],
  [/^Give the date of destruction$/, (t) => t('reconciliation.destruction.dateNeeded')],
  [/^The allocation key is not set up yet/, (t) => t('reconciliation.messages.keyNotSetUp')],
];

export function reconciliationMessage(message: string, t: TFunction): string {
  return translateWith(RULES, message, t);
}
