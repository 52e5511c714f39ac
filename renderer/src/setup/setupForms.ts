import { contract } from '../../../shared/contract';
import { contractValidate } from '../common/contractForm';

/** The study set-up's forms, each validated by its channel's input schema (issue 17, item 3). */

/** allocation.register's rule: the password entered again before the unblinded register opens. */
export const validateRegisterPassword = contractValidate<{ password: string }>(contract.allocation.register.input);

/** allocation.grantAccess's reason rule (the channel's Reason: at least 3 characters once trimmed, at most 500). */
export const validateGrantReason = contractValidate<{ reason: string }>(contract.allocation.grantAccess.input.pick({ reason: true }));
