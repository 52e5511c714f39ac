import type { TFunction } from 'i18next';
import { translateWith, type MessageRule } from '../common/localMessages';

/** The host's emergency-unblinding messages in the user's language. */
const RULES: MessageRule[] = [
  [/^This code-break passphrase is wrong\. Check it against the sealed envelope\.$/, (t) => t('emergency.messages.wrongPassphrase')],
  [/^Wrong passphrase$/, (t) => t('emergency.messages.wrongPassphraseShort')],
  [/^Describe the emergency$/, (t) => t('emergency.form.reasonNeeded')],
  [/^Type the passphrase from the sealed envelope$/, (t) => t('emergency.form.passphraseNeeded')],
  [/^Choose the patient$/, (t) => t('emergency.form.choosePatient')],
  [/^Say whether it is an adverse event$/, (t) => t('emergency.form.adverseEventNeeded')],
];

export function emergencyMessage(message: string, t: TFunction): string {
  return translateWith(RULES, message, t);
}
