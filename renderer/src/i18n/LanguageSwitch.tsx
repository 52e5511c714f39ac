import { SegmentedControl } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { LANGUAGES, LANGUAGE_NAMES, currentLanguage, setLanguage, type Language } from './index';

/** English / Français, each named in itself; the choice is remembered on this workstation. */
export function LanguageSwitch({ size = 'sm' }: { size?: 'xs' | 'sm' | 'md' }) {
  const { t, i18n } = useTranslation();
  const value = i18n.resolvedLanguage ? currentLanguage() : 'en';
  return (
    <SegmentedControl
      size={size}
      value={value}
      onChange={(next) => void setLanguage(next as Language)}
      data={LANGUAGES.map((language) => ({ value: language, label: LANGUAGE_NAMES[language] }))}
      aria-label={t('language.label')}
      data-testid="language-switch"
    />
  );
}
