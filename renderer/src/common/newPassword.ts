import type { FormErrors } from '@mantine/form';
import type { TFunction } from 'i18next';

/**
 * The form's own refusal when the two new passwords differ. The contract never sees the confirmation (the channel
 * takes the password once), so this rule stays on the forms that ask for it twice.
 */
export const PASSWORDS_DIFFER = 'The two new passwords differ';

/** The confirmation rule of a form that asks for a new password twice (see withFormRules). */
export function confirmationMatches<Values extends { confirmation: string }>(password: (values: Values) => string): (values: Values) => FormErrors {
  return (values) => (password(values) === values.confirmation ? {} : { confirmation: PASSWORDS_DIFFER });
}

/** The form's own wording of PASSWORDS_DIFFER, for withWording. */
export const confirmationWording: Record<string, (t: TFunction) => string> = { [PASSWORDS_DIFFER]: (t) => t('password.mismatch') };
