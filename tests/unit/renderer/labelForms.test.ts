import type { TFunction } from 'i18next';
import { beforeAll, describe, expect, it } from 'vitest';
import { translators } from '../../helpers/translators';
import { translatedError } from '../../../renderer/src/common/contractForm';
import { reprintMessage, validateReprint } from '../../../renderer/src/labels/labelForms';

/** A label reprint's reason, validated by devices.printLabel's schema (issue 17, item 3), in English and French. */
describe('the reprint reason from the contract', () => {
  let tEn: TFunction;
  let tFr: TFunction;
  beforeAll(async () => {
    ({ tEn, tFr } = await translators());
  });

  it("refuses a missing or short reason with the channel's Reason rule, in the dialog's words", () => {
    for (const reprintReason of ['', '   ', 'ab', ' ab ']) {
      const errors = validateReprint({ reprintReason });
      expect(Object.keys(errors)).toEqual(['reprintReason']);
      for (const t of [tEn, tFr]) expect(translatedError(errors, 'reprintReason', reprintMessage, t)).toBe(t('dispense.labels.reprintReasonNeeded'));
    }
    const long = validateReprint({ reprintReason: 'x'.repeat(501) });
    expect(translatedError(long, 'reprintReason', reprintMessage, tFr)).toBe(tFr('messages.validation.reasonTooLong', { count: 500 }));
  });

  it('lets a real reason through', () => {
    expect(validateReprint({ reprintReason: 'Label torn while putting it on the carton' })).toEqual({});
    expect(validateReprint({ reprintReason: 'abc' })).toEqual({});
  });
});
