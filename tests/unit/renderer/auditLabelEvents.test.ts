import { describe, expect, it } from 'vitest';
import { translators } from '../../helpers/translators';

describe('label events of the audit trail, in the user language', () => {
  it('says a download is not a print, in French too', async () => {
    const { describeEventInWords } = await import('../../../renderer/src/audit/describe');
    const { tFr } = await translators();
    const event = { username: 'technician', action: 'label.downloaded', entityType: 'kit', entityId: '123456', after: { kind: 'carton', format: 'pdf' } };
    expect(describeEventInWords(event, tFr)).toBe("technician a téléchargé l'étiquette d'étui du kit 123456 en PDF (pas une impression).");
    expect(describeEventInWords({ ...event, action: 'label.printed', after: { kind: 'syringe', printer: 'dymo' } }, tFr)).toBe("technician a imprimé l'étiquette de seringue du kit 123456 (dymo).");
  });
});

describe('over-labels queued, in words that say why the date moved', () => {
  it("names the sponsor's letter, the confirmed date or the kit list import, in both languages", async () => {
    const { describeEventInWords } = await import('../../../renderer/src/audit/describe');
    const { tEn, tFr } = await translators();
    const event = (after: Record<string, unknown>) => ({ username: 'pharmacist', action: 'lot.over_labels_queued', entityType: 'study', entityId: 'NS-DUPI', after: { ...after, kits: ['100001', '100002'] } });
    expect(describeEventInWords(event({ letter: 'SPN-EXT-7' }), tEn)).toBe('pharmacist queued 2 over-labels with the new use-before date (sponsor’s letter SPN-EXT-7).');
    expect(describeEventInWords(event({ useBeforeConfirmed: '2027-09-30' }), tEn)).toBe('pharmacist queued 2 over-labels with the confirmed use-before date 2027-09-30.');
    expect(describeEventInWords(event({ kitListImport: 3 }), tEn)).toBe('pharmacist queued 2 over-labels with the use-before date set by kit list import 3.');
    expect(describeEventInWords(event({ useBeforeConfirmed: '2027-09-30' }), tFr)).toBe('pharmacist a mis 2 sur-étiquettes à imprimer avec la date limite d’utilisation confirmée 2027-09-30.');
    expect(describeEventInWords(event({ kitListImport: 3 }), tFr)).toBe('pharmacist a mis 2 sur-étiquettes à imprimer avec la date limite d’utilisation fixée par l’import de liste de kits 3.');
  });
});
