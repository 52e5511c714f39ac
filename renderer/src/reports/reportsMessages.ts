import type { TFunction } from 'i18next';
import { translateWith, type MessageRule } from '../common/localMessages';

/** The host's report messages in the user's language. */
const RULES: MessageRule[] = [
  [/^There is no patient (\d+)\.$/, (t) => t('reports.messages.noPatient')],
  [/^The allocation key is not set up yet/, (t) => t('reports.messages.keyNotSetUp')],
];

export function reportsMessage(message: string, t: TFunction): string {
  return translateWith(RULES, message, t);
}
