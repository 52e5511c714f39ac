import { contract } from '../../../shared/contract';
import type { SecuritySettings } from '../../../shared/contract/system';
import { contractValidate } from '../common/contractForm';

/** The Administration panels' forms, each validated by its channel's input schema (issue 17, item 3). */

/** system.updateSiteName's rule: 2 to 100 characters once trimmed. */
export const validateSiteName = contractValidate<{ name: string }>(contract.system.updateSiteName.input);

/** The security settings as their number inputs hold them (a number, or the text being typed). */
export type SecurityDraft = { [K in keyof SecuritySettings]: number | string };

/** The draft in system.updateSecuritySettings's shape: what the inputs hold, as numbers (an emptied one is 0, below every minimum). */
export function securityInput(draft: SecurityDraft): SecuritySettings {
  return { maxFailedLogins: Number(draft.maxFailedLogins), lockoutMinutes: Number(draft.lockoutMinutes), inactivityMinutes: Number(draft.inactivityMinutes) };
}

/** system.updateSecuritySettings's bounds (whole numbers: 3-10 failed logins, 1-1440 minutes locked, 1-60 minutes idle). */
export const validateSecuritySettings = contractValidate<SecurityDraft>(contract.system.updateSecuritySettings.input, securityInput);

/** users.setActive's reason rule (the channel's Reason: at least 3 characters once trimmed, at most 500). */
export const validateSetActiveReason = contractValidate<{ reason: string }>(contract.users.setActive.input.pick({ reason: true }));
