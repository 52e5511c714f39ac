import { createInstance, type TFunction } from 'i18next';
import { en, fr } from '../../renderer/src/i18n/resources';

/** The renderer's English and French, as its screens translate (no escaping: React escapes). */
export async function translators(): Promise<{ tEn: TFunction; tFr: TFunction }> {
  const make = async (lng: 'en' | 'fr') => {
    const i18n = createInstance();
    await i18n.init({ resources: { en: { translation: en }, fr: { translation: fr } }, lng, interpolation: { escapeValue: false }, showSupportNotice: false });
    return i18n.t;
  };
  return { tEn: await make('en'), tFr: await make('fr') };
}
