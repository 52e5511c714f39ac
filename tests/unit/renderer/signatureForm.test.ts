import type { TFunction } from 'i18next';
import { beforeAll, describe, expect, it } from 'vitest';
import { translators } from '../../helpers/translators';
import { translatedError } from '../../../renderer/src/common/contractForm';
import { signatureMessage, signatureValidate } from '../../../renderer/src/common/signatureForm';

/** The signature dialog validated by the contract's SignatureInput (issue 17, item 3), in English and French. */
describe('the signature dialog from the contract', () => {
  let tEn: TFunction;
  let tFr: TFunction;
  beforeAll(async () => {
    ({ tEn, tFr } = await translators());
  });

  it('asks for the username at the first signature and for the password always, in the dialog words', () => {
    const first = signatureValidate(true)({ username: '   ', password: '' });
    expect(Object.keys(first).sort()).toEqual(['password', 'username']);
    for (const t of [tEn, tFr]) {
      expect(translatedError(first, 'username', signatureMessage, t)).toBe(t('serverMessages.enterUsername'));
      expect(translatedError(first, 'password', signatureMessage, t)).toBe(t('setup.signature.enterPassword'));
    }
    // After the first signature of a session the username is not asked: an empty one is no error.
    const later = signatureValidate(false)({ username: '', password: '' });
    expect(Object.keys(later)).toEqual(['password']);
    const long = signatureValidate(true)({ username: 'u'.repeat(41), password: 'p'.repeat(201) });
    expect(translatedError(long, 'username', signatureMessage, tFr)).toBe(tFr('messages.validation.usernameTooLong', { count: 40 }));
    expect(translatedError(long, 'password', signatureMessage, tFr)).toBe(tFr('messages.validation.passwordTooLong', { count: 200 }));
  });

  it('lets a signature through (every character of the password counts: spaces are not trimmed)', () => {
    expect(signatureValidate(true)({ username: ' pharmacist ', password: 'correct horse' })).toEqual({});
    expect(signatureValidate(false)({ username: '', password: ' ' })).toEqual({});
  });
});
