import type { TFunction } from 'i18next';
import type { VeilError } from '../../../shared/errors';
import { translateServerMessage, type ServerText } from '../i18n/serverMessages';

/** The patient screens' messages in the user's language: PatientService and the contract say them by key (shared/messages). */
export function patientMessage(text: ServerText, t: TFunction): string {
  return translateServerMessage(text, t);
}

/** The strata the host listed when it asked for one (the key patients.chooseStratum, its strata as a parameter). */
export function strataAskedFor(error: VeilError): string[] | null {
  if (error.key !== 'patients.chooseStratum' || error.params?.strata === undefined) return null;
  return String(error.params.strata).split(',').map((s) => s.trim()).filter(Boolean);
}
