import type { TFunction } from 'i18next';
import { translateWith, type MessageRule } from '../common/localMessages';

/**
 * The destruction and discrepancy forms' field messages in the user's language: the contract's own zod messages
 * (shared/contract/accountability.ts) and the form's one local rule ("In the future"). The host's refusals
 * (destruction, reconciliation) come by key from the catalogue (shared/messages) and never reach these rules.
 */
const RULES: MessageRule[] = [
  [/^In the future$/, (t) => t('reconciliation.destruction.dateFuture')],
  [/^Explain the discrepancy$/, (t) => t('reconciliation.messages.explain')],
  [/^Name the destruction method$/, (t) => t('reconciliation.destruction.methodNeeded')],
  [/^Name the place$/, (t) => t('reconciliation.destruction.placeNeeded')],
  [/^Witness username$/, (t) => t('reconciliation.destruction.witnessUsernameNeeded')],
  [/^Witness password$/, (t) => t('reconciliation.destruction.witnessPasswordNeeded')],
  [/^Choose the kits to destroy$/, (t) => t('reconciliation.destruction.chooseKits')],
  [/^Give the date of destruction$/, (t) => t('reconciliation.destruction.dateNeeded')],
];

export function reconciliationMessage(message: string, t: TFunction): string {
  return translateWith(RULES, message, t);
}
