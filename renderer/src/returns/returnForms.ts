import type { FormErrors } from '@mantine/form';
import { contract } from '../../../shared/contract';
import { contractValidate, withFormRules, withWording } from '../common/contractForm';
import { returnsMessage } from './returnsMessages';
import type { ReturnCondition } from './types';

/** A return as the desk's form holds it: the units are a number, or the text being typed. */
export interface ReturnRecord {
  condition: ReturnCondition;
  unitsReturned: number | string;
  note: string;
}

/** The form's values in returns.record's shape (without the scanned code, which the form does not edit). */
export function returnInput({ condition, unitsReturned, note }: ReturnRecord) {
  return { condition, unitsReturned: typeof unitsReturned === 'number' ? unitsReturned : null, ...(note.trim() ? { note } : {}) };
}

const validateRecord = contractValidate<ReturnRecord>(contract.returns.record.input.pick({ condition: true, unitsReturned: true, note: true }), returnInput);

const MISSING_NO_UNIT = 'A missing kit brings back no unit';
const AT_LEAST_ONE = 'Record at least one unit, or mark the kit missing';
const NOTE_FOR_MISSING = 'Say what the patient said about the missing kit';

/**
 * The condition's rules, which the contract cannot make (its units and note do not depend on the condition): ReturnsService
 * checks them against the condition; the desk says them before the call so the person at the desk is not sent back.
 */
function conditionRules({ condition, unitsReturned, note }: ReturnRecord): FormErrors {
  const errors: FormErrors = {};
  if (typeof unitsReturned === 'number') {
    if (condition === 'missing' && unitsReturned !== 0) errors.unitsReturned = MISSING_NO_UNIT;
    else if (condition !== 'missing' && unitsReturned === 0) errors.unitsReturned = AT_LEAST_ONE;
  }
  if (condition === 'missing' && !note.trim()) errors.note = NOTE_FOR_MISSING;
  return errors;
}

/** returns.record's rules (a whole number of units from 0 to 100, a note of at most 2000 characters) and the condition's. */
export const validateReturn = withFormRules(validateRecord, conditionRules);

/** The desk form's messages: the contract's through the returns table, the condition's rules in the form's words. */
export const returnFormMessage = withWording(returnsMessage, {
  'validation.wholeUnits': (t) => t('returns.record.unitsInvalid'),
  [MISSING_NO_UNIT]: (t) => t('returns.messages.missingNoUnit'),
  [AT_LEAST_ONE]: (t) => t('returns.messages.atLeastOne'),
  [NOTE_FOR_MISSING]: (t) => t('returns.messages.noteForMissing'),
});
