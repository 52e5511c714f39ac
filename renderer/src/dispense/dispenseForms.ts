import type { FormErrors } from '@mantine/form';
import { contract } from '../../../shared/contract';
import { Reason } from '../../../shared/contract/schemas';
import { contractValidate, withWording } from '../common/contractForm';
import { translateServerMessage } from '../i18n/serverMessages';

/** What the dispense confirmation asks besides the kits, as its form holds it (the paths are dispensing.confirm's). */
export interface DispenseExtras {
  outOfWindowReason: string;
  secondSignature: { username: string; password: string };
}

const extras = contract.dispensing.confirm.input.pick({ outOfWindowReason: true, secondSignature: true });

/**
 * dispensing.confirm's rules on what the visit asks: outside its window, the reason (DispensingService wants one, which
 * the channel's optional reason cannot say: the form asks it with the contract's Reason rule, at least 3 characters);
 * under a short interval with a second signer, that person's username and password (the channel's secondSignature).
 */
export function dispenseExtrasValidate(outside: boolean, needsSecond: boolean): (values: DispenseExtras) => FormErrors {
  const schema = extras.extend({ ...(outside ? { outOfWindowReason: Reason } : {}), ...(needsSecond ? { secondSignature: extras.shape.secondSignature.unwrap() } : {}) });
  return contractValidate<DispenseExtras>(schema, ({ outOfWindowReason, secondSignature }) => ({
    ...(outside ? { outOfWindowReason } : {}),
    ...(needsSecond ? { secondSignature } : {}),
  }));
}

/** The confirmation's messages: the contract's missing reason and second signer in the screen's words, the rest through the dispensing table. */
export const dispenseExtrasMessage = withWording(translateServerMessage, {
  'validation.giveReason': (t) => t('dispense.outside.reasonNeeded'),
  'validation.secondSignerUsername': (t) => t('dispense.interval.needed'),
  'validation.secondSignerPassword': (t) => t('dispense.interval.needed'),
});
