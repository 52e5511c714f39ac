import type { TFunction } from 'i18next';
import { beforeAll, describe, expect, it } from 'vitest';
import { translators } from '../../helpers/translators';
import { translatedError } from '../../../renderer/src/common/contractForm';
import { translateServerMessage } from '../../../renderer/src/i18n/serverMessages';
import { validateGrantReason, validateRegisterPassword } from '../../../renderer/src/setup/setupForms';

/** The allocation register's password, validated by allocation.register's schema (issue 17, item 3). */
describe('the allocation register password from the contract', () => {
  let tEn: TFunction;
  let tFr: TFunction;
  beforeAll(async () => {
    ({ tEn, tFr } = await translators());
  });

  it('refuses an empty or too long password before the call, in the shell words', () => {
    for (const t of [tEn, tFr]) expect(translatedError(validateRegisterPassword({ password: '' }), 'password', translateServerMessage, t)).toBe(t('messages.validation.enterPassword'));
    expect(translatedError(validateRegisterPassword({ password: 'p'.repeat(201) }), 'password', translateServerMessage, tFr)).toBe(tFr('messages.validation.passwordTooLong', { count: 200 }));
  });

  it('lets any given password through (the host judges it)', () => {
    expect(validateRegisterPassword({ password: 'not my password' })).toEqual({});
    expect(validateRegisterPassword({ password: ' ' })).toEqual({});
  });
});

/** The reason for granting access to the allocation, validated by allocation.grantAccess's schema (issue 17, item 3). */
describe('the grant reason from the contract', () => {
  let tEn: TFunction;
  let tFr: TFunction;
  beforeAll(async () => {
    ({ tEn, tFr } = await translators());
  });

  it("refuses a missing or short reason with the channel's Reason rule, in the shell words", () => {
    for (const reason of ['', ' ab ']) for (const t of [tEn, tFr]) expect(translatedError(validateGrantReason({ reason }), 'reason', translateServerMessage, t)).toBe(t('serverMessages.reason'));
    expect(validateGrantReason({ reason: 'New unblinded monitor for pharmacy visits' })).toEqual({});
  });
});
