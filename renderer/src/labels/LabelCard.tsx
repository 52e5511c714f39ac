import { Stack, Text } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { LabelActions } from './LabelActions';
import { LabelPreview } from './LabelPreview';
import type { LabelKind, LabelPrintState } from './labelTypes';

/** One label of one kit: its name, the preview as it prints, whether it was printed, and its print buttons. */
export function LabelCard({ kitNumber, kind, state, onPrinted }: { kitNumber: string; kind: LabelKind; state: LabelPrintState | null; onPrinted: () => void }) {
  const { t } = useTranslation();
  return (
    <Stack gap={8} data-testid={`label-card-${kitNumber}-${kind}`} data-prints={state?.prints ?? ''}>
      <Text fw={700}>{t(`dispense.labels.kind.${kind}`)}</Text>
      <LabelPreview kitNumber={kitNumber} kind={kind} />
      <LabelActions kitNumber={kitNumber} kind={kind} state={state} onPrinted={onPrinted} />
    </Stack>
  );
}
