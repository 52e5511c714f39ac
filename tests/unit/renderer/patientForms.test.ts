import type { TFunction } from 'i18next';
import { beforeAll, describe, expect, it } from 'vitest';
import { translators } from '../../helpers/translators';
import { translatedError } from '../../../renderer/src/common/contractForm';
import { registrationMessage, registrationValidate } from '../../../renderer/src/patients/patientForms';

/** Registering a patient, validated by patients.register's schema (issue 17, item 3), in English and French. */
describe('the patient register form from the contract', () => {
  let tEn: TFunction;
  let tFr: TFunction;
  beforeAll(async () => {
    ({ tEn, tFr } = await translators());
  });

  it("puts patients.register's refusals on their fields in the patients' words, never zod's", () => {
    const errors = registrationValidate(false)({ screeningNumber: 'S', initials: 'L1', yearOfBirth: '', investigator: 'X', stratum: '' });
    expect(Object.keys(errors).sort()).toEqual(['initials', 'investigator', 'screeningNumber', 'yearOfBirth']);
    const expected = (t: TFunction) => ({
      screeningNumber: t('messages.validation.screeningFormat'),
      initials: t('messages.validation.initialsFormat'),
      yearOfBirth: t('patients.register.yearNeeded'),
      investigator: t('messages.validation.nameInvestigator'),
    });
    for (const t of [tEn, tFr]) for (const [field, text] of Object.entries(expected(t))) expect(translatedError(errors, field, registrationMessage, t)).toBe(text);
    const early = registrationValidate(false)({ screeningNumber: 'S-008', initials: 'LM', yearOfBirth: 1850, investigator: 'Dr Inès Moreau', stratum: '' });
    expect(translatedError(early, 'yearOfBirth', registrationMessage, tFr)).toBe(tFr('messages.validation.numberTooSmall', { min: '1900' }));
  });

  it("asks for a stratum only when the study has several (the form's own rule)", () => {
    const filled = { screeningNumber: 'S-008', initials: 'LM', yearOfBirth: 1990, investigator: 'Dr Inès Moreau', stratum: '' };
    expect(registrationValidate(false)(filled)).toEqual({});
    const errors = registrationValidate(true)(filled);
    expect(Object.keys(errors)).toEqual(['stratum']);
    expect(translatedError(errors, 'stratum', registrationMessage, tFr)).toBe(tFr('patients.messages.chooseAStratum'));
    expect(registrationValidate(true)({ ...filled, stratum: 'ADULT' })).toEqual({});
  });
});
