import type { TFunction } from 'i18next';
import { beforeAll, describe, expect, it } from 'vitest';
import { translators } from '../../helpers/translators';
import { translatedError } from '../../../renderer/src/common/contractForm';
import { kitNumbersOf, newShipmentMessage, receiptMessage, validateNewShipment, validateReceipt } from '../../../renderer/src/receive/receiveForms';

/** The receiving forms validated by shipments.create's and shipments.close's schemas (issue 17, item 3), in English and French. */
describe('the receiving forms from the contract', () => {
  let tEn: TFunction;
  let tFr: TFunction;
  beforeAll(async () => {
    ({ tEn, tFr } = await translators());
  });

  it("a new shipment: shipments.create's reference and kit numbers, the manifest file the form's own rule", () => {
    const blank = validateNewShipment({ reference: '  ', from: 'kits', file: null, kitText: ' ,; ' });
    expect(Object.keys(blank).sort()).toEqual(['kits', 'reference']);
    for (const t of [tEn, tFr]) {
      expect(translatedError(blank, 'reference', newShipmentMessage, t)).toBe(t('messages.validation.shipmentReference'));
      expect(translatedError(blank, 'kits', newShipmentMessage, t)).toBe(t('receive.create.typeKits'));
    }
    const tooLong = validateNewShipment({ reference: 'SHP-1', from: 'kits', file: null, kitText: `K-1\n${'K'.repeat(65)}` });
    expect(translatedError(tooLong, 'kits', newShipmentMessage, tFr)).toBe(tFr('messages.validation.identifierTooLong', { count: 64 }));
    const noFile = validateNewShipment({ reference: 'SHP-1', from: 'manifest', file: null, kitText: '' });
    expect(Object.keys(noFile)).toEqual(['manifest']);
    expect(translatedError(noFile, 'manifest', newShipmentMessage, tFr)).toBe(tFr('receive.create.chooseFile'));

    expect(validateNewShipment({ reference: 'SHP-1', from: 'kits', file: null, kitText: 'K-1, K-2\nK-3' })).toEqual({});
    expect(validateNewShipment({ reference: 'SHP-1', from: 'all_unshipped', file: null, kitText: '' })).toEqual({});
    expect(validateNewShipment({ reference: 'SHP-1', from: 'manifest', file: new File(['kit_number\nK-1\n'], 'm.csv'), kitText: '' })).toEqual({});
    expect(kitNumbersOf('K-1, K-2;K-1\tK-3')).toEqual(['K-1', 'K-2', 'K-3']);
  });

  it("finishing a receipt: shipments.close's answer, and under an alarm its description by the contract's reason rule", () => {
    const none = validateReceipt({ temperature: null, description: '' });
    expect(Object.keys(none)).toEqual(['temperature']);
    const short = validateReceipt({ temperature: 'alarm', description: ' ab ' });
    expect(Object.keys(short)).toEqual(['reason']);
    for (const t of [tEn, tFr]) {
      expect(translatedError(none, 'temperature', receiptMessage, t)).toBe(t('receive.finish.chooseAnswer'));
      expect(translatedError(short, 'reason', receiptMessage, t)).toBe(t('receive.messages.describeAlarm'));
    }
    const long = validateReceipt({ temperature: 'no_alarm', description: 'x'.repeat(501) });
    expect(translatedError(long, 'reason', receiptMessage, tEn)).toBe(tEn('messages.validation.reasonTooLong', { count: 500 }));

    expect(validateReceipt({ temperature: 'no_alarm', description: '' })).toEqual({});
    expect(validateReceipt({ temperature: 'no_monitor', description: '' })).toEqual({});
    expect(validateReceipt({ temperature: 'alarm', description: 'Logger showed 9.4 °C for 2 h' })).toEqual({});
  });
});
