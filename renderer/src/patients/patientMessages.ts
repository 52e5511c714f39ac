import type { TFunction } from 'i18next';
import type { VeilError } from '../../../shared/errors';
import { translateWith, type MessageRule } from '../common/localMessages';

/** The host's patient messages (PatientService, the contract's checks) in the user's language. */
const RULES: MessageRule[] = [
  [/^A screening number is 2-20 letters, digits or dashes$/, (t) => t('patients.messages.screeningFormat')],
  [/^Initials are 2 to 4 letters$/, (t) => t('patients.messages.initialsFormat')],
  [/^Name the investigator$/, (t) => t('patients.messages.nameInvestigator')],
];

export function patientMessage(message: string, t: TFunction): string {
  return translateWith(RULES, message, t);
}

/** The strata the host listed when it asked for one (the key patients.chooseStratum, its strata as a parameter). */
export function strataAskedFor(error: VeilError): string[] | null {
  if (error.key !== 'patients.chooseStratum' || error.params?.strata === undefined) return null;
  return String(error.params.strata).split(',').map((s) => s.trim()).filter(Boolean);
}
