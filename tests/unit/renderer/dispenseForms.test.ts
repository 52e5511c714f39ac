import type { TFunction } from 'i18next';
import { beforeAll, describe, expect, it } from 'vitest';
import { translators } from '../../helpers/translators';
import { translatedError } from '../../../renderer/src/common/contractForm';
import { dispenseExtrasMessage, dispenseExtrasValidate } from '../../../renderer/src/dispense/dispenseForms';

/** The dispense confirmation's reason and second signer, validated by dispensing.confirm's schema (issue 17, item 3). */
describe('the dispense confirmation from the contract', () => {
  let tEn: TFunction;
  let tFr: TFunction;
  beforeAll(async () => {
    ({ tEn, tFr } = await translators());
  });
  const blank = { outOfWindowReason: ' ab ', secondSignature: { username: '  ', password: '' } };

  it('asks only what the visit needs', () => {
    expect(dispenseExtrasValidate(false, false)(blank)).toEqual({});
    expect(Object.keys(dispenseExtrasValidate(true, false)(blank))).toEqual(['outOfWindowReason']);
    expect(Object.keys(dispenseExtrasValidate(false, true)(blank)).sort()).toEqual(['secondSignature.password', 'secondSignature.username']);
  });

  it("refuses a short reason and a missing second signer in the screen's words, never zod's", () => {
    const errors = dispenseExtrasValidate(true, true)(blank);
    for (const t of [tEn, tFr]) {
      expect(translatedError(errors, 'outOfWindowReason', dispenseExtrasMessage, t)).toBe(t('dispense.outside.reasonNeeded'));
      expect(translatedError(errors, 'secondSignature.username', dispenseExtrasMessage, t)).toBe(t('dispense.interval.needed'));
      expect(translatedError(errors, 'secondSignature.password', dispenseExtrasMessage, t)).toBe(t('dispense.interval.needed'));
    }
    const long = dispenseExtrasValidate(true, false)({ ...blank, outOfWindowReason: 'x'.repeat(501) });
    expect(translatedError(long, 'outOfWindowReason', dispenseExtrasMessage, tFr)).toBe(tFr('messages.validation.reasonTooLong', { count: 500 }));
  });

  it('lets a filled confirmation through', () => {
    expect(dispenseExtrasValidate(true, true)({ outOfWindowReason: 'Patient travels abroad', secondSignature: { username: 'investigator', password: 'p' } })).toEqual({});
  });
});
