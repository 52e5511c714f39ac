import { contract } from '../../../shared/contract';
import { contractValidate, withWording } from '../common/contractForm';
import { translateServerMessage } from '../i18n/serverMessages';

/** A reprint's reason as the form holds it (the field devices.printLabel names reprintReason). */
export interface Reprint {
  reprintReason: string;
}

/**
 * devices.printLabel's reason rule (the channel's Reason: at least 3 characters once trimmed, at most 500). The channel
 * takes the reason only for a reprint, so it is optional there; the reprint dialog asks for it.
 */
export const validateReprint = contractValidate<Reprint>(contract.devices.printLabel.input.pick({ reprintReason: true }).required());

/** The reprint dialog's messages: the contract's "Give a reason" in its words, the rest by key from the catalogue. */
export const reprintMessage = withWording(translateServerMessage, { 'validation.giveReason': (t) => t('dispense.labels.reprintReasonNeeded') });
