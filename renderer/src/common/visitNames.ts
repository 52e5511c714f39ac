import { useCallback } from 'react';
import { useTranslation } from 'react-i18next';
import { useSystemInfo } from '../system/SystemInfoContext';

/**
 * Visit names in the reader's language, as the study file gives them (NS-DUPI: "Week 2" / "Semaine 2"); the name the
 * host sent when the study has none in that language.
 */
export function useVisitName(): (visit: { code: string; name: string }) => string {
  const { i18n } = useTranslation();
  const names = useSystemInfo()?.study?.visitNames;
  const language = i18n.language;
  return useCallback((visit) => names?.[language]?.[visit.code] ?? visit.name, [names, language]);
}
