import { withWording } from '../common/contractForm';
import { translateServerMessage } from '../i18n/serverMessages';

/** The destruction form's own rule, which the contract cannot make (a destruction is not dated in the future here). */
export const DATE_IN_FUTURE = 'In the future';

/**
 * The destruction and discrepancy forms' field messages in the user's language: the contract's, by their key
 * (shared/contract/accountability.ts), in the forms' words; the form's one local rule; everything else by key from the
 * catalogue (the host's refusals) or as it came.
 */
export const reconciliationMessage = withWording(translateServerMessage, {
  [DATE_IN_FUTURE]: (t) => t('reconciliation.destruction.dateFuture'),
  'validation.explainDiscrepancy': (t) => t('reconciliation.messages.explain'),
  'validation.destructionMethod': (t) => t('reconciliation.destruction.methodNeeded'),
  'validation.destructionPlace': (t) => t('reconciliation.destruction.placeNeeded'),
  'validation.witnessUsername': (t) => t('reconciliation.destruction.witnessUsernameNeeded'),
  'validation.witnessPassword': (t) => t('reconciliation.destruction.witnessPasswordNeeded'),
  'validation.chooseKitsToDestroy': (t) => t('reconciliation.destruction.chooseKits'),
  'validation.destructionDate': (t) => t('reconciliation.destruction.dateNeeded'),
});
