import type { TFunction } from 'i18next';
import { beforeAll, describe, expect, it } from 'vitest';
import { translators } from '../../helpers/translators';
import { translatedError } from '../../../renderer/src/common/contractForm';
import { firstStartMessage, sessionFormMessage, validateFirstStart, validateLogin, validatePasswordChange, validateUnlock } from '../../../renderer/src/session/sessionForms';

/** The session screens' forms validated by their channels' schemas (issue 17, item 3), in English and French. */
describe('session forms from the contract', () => {
  let tEn: TFunction;
  let tFr: TFunction;
  beforeAll(async () => {
    ({ tEn, tFr } = await translators());
  });

  it("login and unlock: session.login's and session.unlock's 'enter your …' on their fields", () => {
    const errors = validateLogin({ username: '', password: '' });
    expect(translatedError(errors, 'username', sessionFormMessage, tFr)).toBe(tFr('messages.validation.enterUsername'));
    expect(translatedError(errors, 'password', sessionFormMessage, tFr)).toBe(tFr('messages.validation.enterPassword'));
    expect(validateLogin({ username: 'monitor', password: 'x' })).toEqual({});
    expect(translatedError(validateUnlock({ password: '' }), 'password', sessionFormMessage, tEn)).toBe('Enter your password');
    expect(validateUnlock({ password: 'x' })).toEqual({});
  });

  it("changing a password: the contract's length on the new one, the form's own confirmation rule", () => {
    const errors = validatePasswordChange({ currentPassword: '', newPassword: 'short', confirmation: 'shorter' });
    expect(Object.keys(errors).sort()).toEqual(['confirmation', 'currentPassword', 'newPassword']);
    expect(translatedError(errors, 'newPassword', sessionFormMessage, tEn)).toBe('A password has at least 10 characters');
    expect(translatedError(errors, 'newPassword', sessionFormMessage, tFr)).toBe(tFr('messages.validation.passwordTooShort', { count: 10 }));
    expect(translatedError(errors, 'confirmation', sessionFormMessage, tEn)).toBe(tEn('password.mismatch'));
    expect(translatedError(errors, 'confirmation', sessionFormMessage, tFr)).toBe(tFr('password.mismatch'));
    expect(validatePasswordChange({ currentPassword: 'old', newPassword: 'a long new password', confirmation: 'a long new password' })).toEqual({});
  });

  it("first start: the site name's rule (system.updateSiteName) in the screen's words, the administrator's from session.createAdministrator", () => {
    const errors = validateFirstStart({ siteName: ' x ', username: 'A', displayName: '', password: 'pharmacy admin 2024', confirmation: 'pharmacy admin 2025' });
    expect(Object.keys(errors).sort()).toEqual(['confirmation', 'displayName', 'siteName', 'username']);
    expect(translatedError(errors, 'siteName', firstStartMessage, tEn)).toBe(tEn('firstStart.siteNameNeeded'));
    expect(translatedError(errors, 'siteName', firstStartMessage, tFr)).toBe(tFr('firstStart.siteNameNeeded'));
    expect(translatedError(errors, 'confirmation', firstStartMessage, tFr)).toBe(tFr('password.mismatch'));
    for (const field of ['username', 'displayName']) expect(translatedError(errors, field, firstStartMessage, tFr)).not.toMatch(/Invalid input|Too small|expected|at least/);
    const long = validateFirstStart({ siteName: 'x'.repeat(101), username: 'site.admin', displayName: 'Sam Girard', password: 'pharmacy admin 2024', confirmation: 'pharmacy admin 2024' });
    expect(Object.keys(long)).toEqual(['siteName']);
    expect(translatedError(long, 'siteName', firstStartMessage, tFr)).toBe(tFr('messages.validation.siteNameTooLong', { count: 100 }));
  });
});
