import type { TFunction } from 'i18next';
import { beforeAll, describe, expect, it } from 'vitest';
import { translators } from '../../helpers/translators';
import { validateSecuritySettings, validateSetActiveReason, validateSiteName } from '../../../renderer/src/admin/adminForms';
import { translatedError } from '../../../renderer/src/common/contractForm';
import { translateServerMessage } from '../../../renderer/src/i18n/serverMessages';

/** The Administration panels' forms validated by their channels' schemas (issue 17, item 3), in English and French. */
describe('administration forms from the contract', () => {
  let tEn: TFunction;
  let tFr: TFunction;
  beforeAll(async () => {
    ({ tEn, tFr } = await translators());
  });

  it("the site name: system.updateSiteName's 2 to 100 characters once trimmed", () => {
    expect(translatedError(validateSiteName({ name: '  x ' }), 'name', translateServerMessage, tFr)).toBe(tFr('messages.validation.siteName'));
    expect(translatedError(validateSiteName({ name: 'x'.repeat(101) }), 'name', translateServerMessage, tEn)).toBe('A site name has at most 100 characters');
    expect(validateSiteName({ name: ' CHU de Toulouse ' })).toEqual({});
  });

  it("the security settings: system.updateSecuritySettings's bounds on each field, an emptied field below its minimum", () => {
    const errors = validateSecuritySettings({ maxFailedLogins: 11, lockoutMinutes: '', inactivityMinutes: 2.5 });
    expect(Object.keys(errors).sort()).toEqual(['inactivityMinutes', 'lockoutMinutes', 'maxFailedLogins']);
    expect(translatedError(errors, 'maxFailedLogins', translateServerMessage, tFr)).toBe(tFr('messages.validation.numberTooBig', { max: '10' }));
    expect(translatedError(errors, 'lockoutMinutes', translateServerMessage, tFr)).toBe(tFr('messages.validation.numberTooSmall', { min: '1' }));
    expect(validateSecuritySettings({ maxFailedLogins: 5, lockoutMinutes: '15', inactivityMinutes: 5 })).toEqual({});
  });

  it("deactivating or reactivating an account: users.setActive's reason rule", () => {
    for (const reason of ['', ' ab ']) for (const t of [tEn, tFr]) expect(translatedError(validateSetActiveReason({ reason }), 'reason', translateServerMessage, t)).toBe(t('serverMessages.reason'));
    expect(validateSetActiveReason({ reason: 'Left the study team' })).toEqual({});
  });
});
