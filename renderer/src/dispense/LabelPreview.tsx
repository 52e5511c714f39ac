import { Box, Loader, Text } from '@mantine/core';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { TranslatedErrorAlert } from '../common/TranslatedErrorAlert';
import { useVeilAction } from '../common/useVeilAction';
import { client } from '../transport/client';
import { dispenseMessage } from './dispenseMessages';
import type { LabelKind, LabelPreviewData } from './labelTypes';

/**
 * Screen pixels per millimetre of label (about twice life size for the carton on a 96 dpi screen, three times for the
 * syringe's 9 mm tape): the 100 mm carton label fits the page and its smallest line reads; the syringe label's four
 * lines of small print read too, and both come out about as wide. The proportions are always the label's.
 */
export const PREVIEW_PX_PER_MM: Record<LabelKind, number> = { carton: 8, syringe: 12 };

/**
 * The label exactly as the printer will print it: the host's PNG, shown at its physical proportions (width and height
 * in millimetres, never stretched to a box), on white, with its edge drawn as the label stock's.
 */
export function LabelImage({ preview, alt, testId }: { preview: LabelPreviewData; alt: string; testId?: string }) {
  return (
    <Box
      component="img"
      src={`data:image/png;base64,${preview.pngBase64}`}
      alt={alt}
      draggable={false}
      data-testid={testId}
      data-kit={preview.kitNumber}
      data-kind={preview.kind}
      data-width-mm={preview.widthMm}
      data-height-mm={preview.heightMm}
      style={{
        display: 'block',
        width: `${Math.round(preview.widthMm * PREVIEW_PX_PER_MM[preview.kind])}px`,
        maxWidth: '100%',
        height: 'auto',
        aspectRatio: `${preview.widthMm} / ${preview.heightMm}`,
        objectFit: 'contain',
        background: 'white',
        border: '1px solid var(--mantine-color-gray-5)',
        borderRadius: preview.kind === 'carton' ? 6 : 3,
        boxShadow: '0 1px 4px rgba(0, 0, 0, 0.18)',
      }}
    />
  );
}

/** Loads the preview of one label and shows it (a loader while it comes, the host's refusal if it does not). */
export function LabelPreview({ kitNumber, kind }: { kitNumber: string; kind: LabelKind }) {
  const { t, i18n } = useTranslation();
  const [preview, setPreview] = useState<LabelPreviewData | null>(null);
  const load = useVeilAction();
  const { run } = load;

  useEffect(() => {
    let current = true;
    void (async () => {
      const result = await run(() => client.labels.preview({ kitNumber, kind }));
      if (current && result.ok) setPreview(result.value);
    })();
    return () => {
      current = false;
    };
  }, [run, kitNumber, kind]);

  if (load.error) return <TranslatedErrorAlert error={load.error} translate={dispenseMessage} testId={`label-preview-error-${kitNumber}-${kind}`} />;
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
