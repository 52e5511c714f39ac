import { contract } from '../../../shared/contract';
import { SiteName } from '../../../shared/contract/system';
import { contractValidate, withFormRules, withWording } from '../common/contractForm';
import { confirmationMatches, confirmationWording } from '../common/newPassword';
import { translateServerMessage } from '../i18n/serverMessages';

/** The forms of the session screens, each validated by its channel's input schema (issue 17, item 3). */

export interface PasswordChange {
  currentPassword: string;
  newPassword: string;
  confirmation: string;
}

/** session.changePassword's rules (the current password given, the new one's length), and the confirmation's. */
export const validatePasswordChange = withFormRules(
  contractValidate<PasswordChange>(contract.session.changePassword.input, ({ currentPassword, newPassword }) => ({ currentPassword, newPassword })),
  confirmationMatches((values) => values.newPassword),
);

export interface FirstStart {
  siteName: string;
  username: string;
  displayName: string;
  password: string;
  confirmation: string;
}

/**
 * session.createAdministrator's rules (username, printed name, password) and the site name's (system.updateSiteName,
 * sent once the administrator exists), and the confirmation's.
 */
export const validateFirstStart = withFormRules(
  contractValidate<FirstStart>(contract.session.createAdministrator.input.extend({ siteName: SiteName.shape.name }), ({ siteName, username, displayName, password }) => ({
    siteName,
    username,
    displayName,
    password,
  })),
  confirmationMatches((values) => values.password),
);

/** The session screens' messages: the contract's and the host's through the shell's table, the forms' own wording. */
export const sessionFormMessage = withWording(translateServerMessage, confirmationWording);

export interface Credentials {
  username: string;
  password: string;
}

/** session.login's rules: a username and a password given. */
export const validateLogin = contractValidate<Credentials>(contract.session.login.input);

/** session.unlock's rule: a password given. */
export const validateUnlock = contractValidate<{ password: string }>(contract.session.unlock.input);

/** The first start's messages: the site name's missing in the screen's own words (the panel in Administration keeps the contract's). */
export const firstStartMessage = withWording(translateServerMessage, {
  ...confirmationWording,
  'validation.siteName': (t) => t('firstStart.siteNameNeeded'),
});
