import { Box, Loader, Text } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { TranslatedErrorAlert } from '../common/TranslatedErrorAlert';
import { translateServerMessage } from '../i18n/serverMessages';
import { LabelImage } from './LabelImage';
import type { LabelKind } from './labelTypes';
import { useLabelPreview } from './useLabelPreview';

/** Loads the preview of one label and shows it (a loader while it comes, the host's refusal if it does not). */
export function LabelPreview({ kitNumber, kind }: { kitNumber: string; kind: LabelKind }) {
  const { t, i18n } = useTranslation();
  const { preview, error } = useLabelPreview(kitNumber, kind);

  if (error) return <TranslatedErrorAlert error={error} translate={translateServerMessage} testId={`label-preview-error-${kitNumber}-${kind}`} />;
  if (!preview)
    return (
      <Box style={{ minHeight: 60 }} data-testid={`label-preview-loading-${kitNumber}-${kind}`}>
        <Loader size="sm" aria-label={t('dispense.labels.loadingPreview')} />
      </Box>
    );
  return (
    <Box>
      <LabelImage preview={preview} alt={t('dispense.labels.previewAlt', { label: t(`dispense.labels.kind.${kind}`), kit: kitNumber })} testId={`label-preview-${kitNumber}-${kind}`} />
      <Text size="xs" c="dimmed" mt={4}>
        {t('dispense.labels.size', { width: formatMm(preview.widthMm, i18n.language), height: formatMm(preview.heightMm, i18n.language) })}
      </Text>
    </Box>
  );
}

function formatMm(mm: number, language: string): string {
  return new Intl.NumberFormat(language === 'fr' ? 'fr-FR' : 'en-GB', { maximumFractionDigits: 1 }).format(mm);
}
