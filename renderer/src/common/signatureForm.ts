import type { FormErrors } from '@mantine/form';
import { SignatureInput } from '../../../shared/contract/schemas';
import { translateServerMessage } from '../i18n/serverMessages';
import { contractValidate, withWording } from './contractForm';

/** The signature dialog's fields as it holds them (the username is asked at a session's first signature only). */
export interface SignatureForm {
  username: string;
  password: string;
}

const withUsername = contractValidate<SignatureForm>(SignatureInput.required({ username: true }));
const passwordOnly = contractValidate<SignatureForm>(SignatureInput, ({ password }) => ({ password }));

/**
 * The contract's signature rules (SignatureInput, carried by every signed command): the password given, and the
 * username when the dialog asks for it; both within their lengths.
 */
export function signatureValidate(askUsername: boolean): (values: SignatureForm) => FormErrors {
  return askUsername ? withUsername : passwordOnly;
}

/** The signature's messages through the shell's table; the contract's missing password in the dialog's words. */
export const signatureMessage = withWording(translateServerMessage, { 'validation.passwordToSign': (t) => t('setup.signature.enterPassword') });
