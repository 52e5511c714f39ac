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
