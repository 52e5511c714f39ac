import type { TFunction } from 'i18next';
import { beforeAll, describe, expect, it } from 'vitest';
import { translators } from '../../helpers/translators';
import { contract } from '../../../shared/contract';
import { contractValidate, issuesOnFields, translatedError, withWording } from '../../../renderer/src/common/contractForm';
import { emergencyMessage } from '../../../renderer/src/emergency/emergencyMessages';
import { reconciliationMessage } from '../../../renderer/src/reconciliation/reconciliationMessages';
import { returnsMessage } from '../../../renderer/src/returns/returnsMessages';

/** Forms validated by the contract's schemas (issue 17, item 3): each rule once, in shared/contract; words in the user's language. */
describe('forms from the contract', () => {
  let tEn: TFunction;
  let tFr: TFunction;
  beforeAll(async () => {
    ({ tEn, tFr } = await translators());
  });

  it("puts each of emergency.unblind's refusals on its field, in English and French, never in zod's words", () => {
    const validate = contractValidate(contract.emergency.unblind.input.omit({ signature: true }));
    const errors = validate({ patientId: null, reason: ' too short ', adverseEvent: null, passphrase: 'ABCD' });
    expect(Object.keys(errors).sort()).toEqual(['adverseEvent', 'passphrase', 'patientId', 'reason']);
    const shown = (t: TFunction) => ['patientId', 'reason', 'adverseEvent', 'passphrase'].map((f) => translatedError(errors, f, emergencyMessage, t));
    expect(shown(tEn)).toEqual([tEn('messages.validation.choosePatient'), tEn('messages.validation.describeEmergency'), tEn('messages.validation.adverseEventNeeded'), tEn('messages.validation.passphraseFromEnvelope')]);
    expect(shown(tFr)).toEqual([tFr('messages.validation.choosePatient'), tFr('messages.validation.describeEmergency'), tFr('messages.validation.adverseEventNeeded'), tFr('messages.validation.passphraseFromEnvelope')]);
    for (const text of shown(tFr)) expect(text).not.toMatch(/Invalid input|Too small|expected/);
    expect(validate({ patientId: 3, reason: 'Anaphylaxis after injection', adverseEvent: true, passphrase: 'ABCD-EFGH-IJKL' })).toEqual({});
  });

  it("puts destruction.record's refusals on the nested witness fields, in French", () => {
    const validate = contractValidate(contract.destruction.record.input.omit({ signature: true }));
    const errors = validate({ kitNumbers: [], method: 'x', place: ' ', destroyedOn: '', witness: { username: '', password: '' } });
    expect(Object.keys(errors).sort()).toEqual(['destroyedOn', 'kitNumbers', 'method', 'place', 'witness.password', 'witness.username']);
    const expected = {
      kitNumbers: tFr('reconciliation.destruction.chooseKits'),
      method: tFr('reconciliation.destruction.methodNeeded'),
      place: tFr('reconciliation.destruction.placeNeeded'),
      destroyedOn: tFr('reconciliation.destruction.dateNeeded'),
      'witness.username': tFr('reconciliation.destruction.witnessUsernameNeeded'),
      'witness.password': tFr('reconciliation.destruction.witnessPasswordNeeded'),
    };
    for (const [field, text] of Object.entries(expected)) expect(translatedError(errors, field, reconciliationMessage, tFr)).toBe(text);
  });

  it("words the contract's reason rule for the dialog, and a missing number of units in French", () => {
    const validate = contractValidate(contract.returns.edit.input.pick({ unitsReturned: true, reason: true }));
    const errors = validate({ unitsReturned: null, reason: 'no' });
    const wording = withWording(returnsMessage, { 'validation.giveReason': (t) => t('returns.edit.reasonNeeded') });
    expect(translatedError(errors, 'reason', wording, tFr)).toBe(tFr('returns.edit.reasonNeeded'));
    expect(translatedError(errors, 'unitsReturned', wording, tFr)).toBe(tFr('messages.validation.wholeUnits'));
  });

  it("lays the host's issues on the form's fields only", () => {
    const errors = issuesOnFields([{ path: ['witness', 'password'], message: 'Wrong witness credentials' }, { path: ['signature', 'password'], message: 'x' }], ['witness.password', 'method']);
    expect(errors).toEqual({ 'witness.password': 'Wrong witness credentials' });
  });
});
