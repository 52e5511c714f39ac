import type { FormErrors } from '@mantine/form';
import { contract } from '../../../shared/contract';
import { contractValidate, withFormRules, withWording } from '../common/contractForm';
import { patientMessage } from './patientMessages';

/** Registering a patient as the form holds it: the year of birth is a number, or the text being typed. */
export interface Registration {
  screeningNumber: string;
  initials: string;
  yearOfBirth: number | string;
  investigator: string;
  stratum: string;
}

/** The form's own refusal when the study has several strata and none is chosen (see registrationValidate). */
const STRATUM_NEEDED = 'Choose a stratum of the study';

/** The form's values in patients.register's shape: a year not given is null, a stratum not offered is left out. */
export function registrationInput({ screeningNumber, initials, yearOfBirth, investigator, stratum }: Registration) {
  return { screeningNumber, initials, yearOfBirth: typeof yearOfBirth === 'number' ? yearOfBirth : null, investigator, ...(stratum ? { stratum } : {}) };
}

const validateRegistration = contractValidate<Registration>(contract.patients.register.input, registrationInput);

/**
 * patients.register's rules (screening number, initials, year of birth, investigator), and the stratum's when the
 * study has several: the contract cannot make that one (the channel takes a stratum only when the study has strata,
 * which the contract does not know).
 */
export function registrationValidate(strataOffered: boolean): (values: Registration) => FormErrors {
  return withFormRules(validateRegistration, (values) => (strataOffered && !values.stratum ? { stratum: STRATUM_NEEDED } : {}));
}

/** The register form's messages: the contract's through the patients' table, a missing year and stratum in the form's words. */
export const registrationMessage = withWording(patientMessage, {
  'validation.yearOfBirth': (t) => t('patients.register.yearNeeded'),
  [STRATUM_NEEDED]: (t) => t('patients.messages.chooseAStratum'),
});
