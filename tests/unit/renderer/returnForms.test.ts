import type { TFunction } from 'i18next';
import { beforeAll, describe, expect, it } from 'vitest';
import { translators } from '../../helpers/translators';
import { translatedError } from '../../../renderer/src/common/contractForm';
import { returnFormMessage, validateReturn } from '../../../renderer/src/returns/returnForms';

/** Recording a return at the desk, validated by returns.record's schema and the condition's rules (issue 17, item 3). */
describe('the return desk form from the contract', () => {
  let tEn: TFunction;
  let tFr: TFunction;
  beforeAll(async () => {
    ({ tEn, tFr } = await translators());
  });

  it("puts returns.record's refusals on their fields in the returns' words, never zod's", () => {
    const emptied = validateReturn({ condition: 'used', unitsReturned: '', note: 'x'.repeat(2001) });
    expect(Object.keys(emptied).sort()).toEqual(['note', 'unitsReturned']);
    for (const t of [tEn, tFr]) {
      expect(translatedError(emptied, 'unitsReturned', returnFormMessage, t)).toBe(t('returns.record.unitsInvalid'));
      expect(translatedError(emptied, 'note', returnFormMessage, t)).toBe(t('messages.validation.noteTooLong', { count: 2000 }));
    }
    // UnitsReturned names one message for every refusal of its number (not whole, below 0, above 100).
    expect(translatedError(validateReturn({ condition: 'used', unitsReturned: 101, note: '' }), 'unitsReturned', returnFormMessage, tFr)).toBe(tFr('returns.record.unitsInvalid'));
    expect(translatedError(validateReturn({ condition: 'used', unitsReturned: 1.5, note: '' }), 'unitsReturned', returnFormMessage, tEn)).toBe(tEn('returns.record.unitsInvalid'));
  });

  it("says the condition's rules (ReturnsService's) before the call, in the form's words", () => {
    const none = validateReturn({ condition: 'unused', unitsReturned: 0, note: '' });
    expect(translatedError(none, 'unitsReturned', returnFormMessage, tFr)).toBe(tFr('returns.messages.atLeastOne'));
    const missing = validateReturn({ condition: 'missing', unitsReturned: 2, note: '  ' });
    expect(translatedError(missing, 'unitsReturned', returnFormMessage, tEn)).toBe(tEn('returns.messages.missingNoUnit'));
    expect(translatedError(missing, 'note', returnFormMessage, tFr)).toBe(tFr('returns.messages.noteForMissing'));

    expect(validateReturn({ condition: 'used', unitsReturned: 1, note: '' })).toEqual({});
    expect(validateReturn({ condition: 'partly_used', unitsReturned: 3, note: 'Half the syringes' })).toEqual({});
    expect(validateReturn({ condition: 'missing', unitsReturned: 0, note: 'Patient lost it on a trip' })).toEqual({});
  });
});
