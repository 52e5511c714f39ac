import { createInstance } from 'i18next';
import { describe, expect, it } from 'vitest';
import { fr } from '../../../renderer/src/i18n/resources';

describe('label events of the audit trail, in the user language', () => {
  it('says a download is not a print, in French too', async () => {
    const { describeEventInWords } = await import('../../../renderer/src/audit/describe');
    const i18n = createInstance();
    await i18n.init({ resources: { fr: { translation: fr } }, lng: 'fr', interpolation: { escapeValue: false }, showSupportNotice: false });
    const event = { username: 'technician', action: 'label.downloaded', entityType: 'kit', entityId: '123456', after: { kind: 'carton', format: 'pdf' } };
    expect(describeEventInWords(event, i18n.t)).toBe("technician a téléchargé l'étiquette d'étui du kit 123456 en PDF (pas une impression).");
    expect(describeEventInWords({ ...event, action: 'label.printed', after: { kind: 'syringe', printer: 'dymo' } }, i18n.t)).toBe("technician a imprimé l'étiquette de seringue du kit 123456 (dymo).");
  });
});
