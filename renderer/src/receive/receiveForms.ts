import type { FormErrors } from '@mantine/form';
import { contract } from '../../../shared/contract';
import { Reason } from '../../../shared/contract/schemas';
import { contractValidate, withFormRules, withWording } from '../common/contractForm';
import { receiveMessage } from './receiveMessages';
import type { Temperature } from './types';

/** The receiving screens' forms, each validated by its channel's input schema (issue 17, item 3). */

export type ShipmentSource = 'manifest' | 'kits' | 'all_unshipped';

/** A new shipment as the form holds it: the manifest file chosen, or the kit numbers as pasted. */
export interface NewShipment {
  reference: string;
  from: ShipmentSource;
  file: File | null;
  kitText: string;
}

/** Kit numbers as pasted: one per line, or separated by commas, semicolons, tabs or spaces. */
export function kitNumbersOf(text: string): string[] {
  return [...new Set(text.split(/[\s,;]+/).map((s) => s.trim()).filter((s) => s.length > 0))];
}

/** The form's own refusal when the manifest is the source and no file is chosen (see validateNewShipment). */
const MANIFEST_NEEDED = 'Choose the manifest file';

/**
 * shipments.create's rules on what the form knows before the call: the reference, and the kit numbers when they are the
 * source (at least one, each a kit number). A manifest's content is read from its file when the form is sent, so its
 * rules stay the host's; a manifest source is checked for its reference only.
 */
const validateCreate = contractValidate<NewShipment>(contract.shipments.create.input, ({ reference, from, kitText }) => ({
  reference,
  from: from === 'kits' ? { kind: 'kits', kitNumbers: kitNumbersOf(kitText) } : { kind: 'all_unshipped' },
}));

/**
 * The contract's rules, with its "from.kitNumbers…" issues on the kits field, and the form's own: a manifest file
 * chosen (the contract sees the file's content, never the choice of a file).
 */
export const validateNewShipment = withFormRules<NewShipment>(
  (values) => {
    const errors: FormErrors = {};
    for (const [path, message] of Object.entries(validateCreate(values))) {
      const field = path.startsWith('from.kitNumbers') ? 'kits' : path;
      if (!errors[field]) errors[field] = message;
    }
    return errors;
  },
  (values) => (values.from === 'manifest' && !values.file ? { manifest: MANIFEST_NEEDED } : {}),
);

/** The new shipment's messages: the contract's through the receiving table, the form's own in its words. */
export const newShipmentMessage = withWording(receiveMessage, {
  [MANIFEST_NEEDED]: (t) => t('receive.create.chooseFile'),
  'validation.kitNumbersNeeded': (t) => t('receive.create.typeKits'),
});

/** Finishing a receipt as the form holds it: no answer yet is null. */
export interface Receipt {
  temperature: Temperature | null;
  description: string;
}

/** The form's values in shipments.close's shape (without the shipment, which the form does not edit). */
function closeInput({ temperature, description }: Receipt) {
  return { temperature, ...(description.trim() ? { reason: description } : {}) };
}

const closeSchema = contract.shipments.close.input.pick({ temperature: true, reason: true });
const validateClose = contractValidate<Receipt>(closeSchema, closeInput);
/**
 * Under an alarm the host (ReceivingService.close) wants what the monitor showed as the reason, which the channel's
 * optional reason cannot say: the form asks it with the contract's Reason rule (at least 3 characters once trimmed).
 */
const validateAlarm = contractValidate<Receipt>(closeSchema.extend({ reason: Reason }), (values) => ({ ...closeInput(values), reason: values.description }));

/** shipments.close's rules: the monitor's answer given, and under an alarm its description (the field is "reason"). */
export function validateReceipt(values: Receipt): FormErrors {
  return (values.temperature === 'alarm' ? validateAlarm : validateClose)(values);
}

/** Finishing a receipt's messages: a missing answer and description in the form's words, the rest through the receiving table. */
export const receiptMessage = withWording(receiveMessage, {
  'validation.temperatureAnswer': (t) => t('receive.finish.chooseAnswer'),
  'validation.giveReason': (t) => t('receive.messages.describeAlarm'),
});
