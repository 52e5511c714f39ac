import type { TFunction } from 'i18next';
import { translateWith, type MessageRule } from '../common/localMessages';

/** The host's patient messages (PatientService, the contract's checks) in the user's language. */
const RULES: MessageRule[] = [
  [/^Screening number (.+) is already registered\.$/, (t, m) => t('patients.messages.screeningTaken', { screening: m[1] })],
  [/^This study enrols patients aged (\d+) or over; check the year of birth\.$/, (t, m) => t('patients.messages.tooYoung', { age: Number(m[1]) })],
  [/^Under (\d+)$/, (t, m) => t('patients.messages.under', { age: Number(m[1]) })],
  [/^Choose the stratum: (.+)\.$/, (t, m) => t('patients.messages.chooseStratum', { strata: m[1] })],
  [/^Choose a stratum of the study$/, (t) => t('patients.messages.chooseAStratum')],
  [/^Patient (.+) is withdrawn\.$/, (t, m) => t('patients.messages.withdrawn', { screening: m[1] })],
  [/^Patient (.+) is already randomized \((.+)\)\.$/, (t, m) => t('patients.messages.alreadyRandomized', { screening: m[1], number: m[2] })],
  [/^No randomization number is left in stratum (.+)\. Ask the sponsor for a list extension\.$/, (t, m) => t('patients.messages.noSlotLeft', { stratum: m[1] })],
  [/^Patient (.+) is already withdrawn\.$/, (t, m) => t('patients.messages.alreadyWithdrawn', { screening: m[1] })],
  [/^There is no patient (\d+)\.$/, (t) => t('patients.messages.noSuchPatient')],
  [/^A screening number is 2-20 letters, digits or dashes$/, (t) => t('patients.messages.screeningFormat')],
  [/^Initials are 2 to 4 letters$/, (t) => t('patients.messages.initialsFormat')],
  [/^Name the investigator$/, (t) => t('patients.messages.nameInvestigator')],
];

export function patientMessage(message: string, t: TFunction): string {
  return translateWith(RULES, message, t);
}

/** The strata the host listed when it asked for one ("Choose the stratum: A, B."). */
export function strataAskedFor(message: string): string[] | null {
  const m = /^Choose the stratum: (.+)\.$/.exec(message);
  return m ? m[1]!.split(',').map((s) => s.trim()).filter(Boolean) : null;
}
