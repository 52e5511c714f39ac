import { Card, Group, Loader, NativeSelect, SegmentedControl, Stack, Text, Title } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { ErrorAlert } from '../common/ErrorAlert';
import { LabelImage } from './LabelImage';
import type { LabelKind } from './labelTypes';
import { useLabelPreview } from './useLabelPreview';

/**
 * The Devices screen's label preview: choose a dispensed kit and a kind, see its blinded label as the printer prints it
 * (the Dispense screen shows each label of a kit with LabelPreview instead).
 */
export function PreviewPanel({ kits, selection, onSelect }: { kits: string[]; selection: { kitNumber: string; kind: LabelKind } | null; onSelect: (s: { kitNumber: string; kind: LabelKind }) => void }) {
  const { t } = useTranslation();
  const kitNumber = selection?.kitNumber ?? '';
  const kind = selection?.kind ?? 'syringe';
  const { preview, busy, error } = useLabelPreview(kitNumber, kind);

  return (
    <Card withBorder radius="md" p="lg" data-testid="devices-preview">
      <Title order={2} fz="h4" mb="md">
        {t('devices.preview.title')}
      </Title>
      <Stack gap="sm">
        <Group align="flex-end" gap="md">
          <NativeSelect
            label={t('devices.preview.kit')}
            value={kitNumber}
            onChange={(e) => onSelect({ kitNumber: e.currentTarget.value, kind })}
            data={[{ value: '', label: t('devices.preview.kitPlaceholder') }, ...kits.map((k) => ({ value: k, label: k }))]}
            data-testid="preview-kit"
            miw={180}
          />
          <SegmentedControl
            value={kind}
            onChange={(v) => kitNumber && onSelect({ kitNumber, kind: v as LabelKind })}
            data={[
              { value: 'syringe', label: t('devices.kinds.syringe') },
              { value: 'carton', label: t('devices.kinds.carton') },
            ]}
            data-testid="preview-kind"
          />
          {busy && <Loader size="sm" />}
        </Group>
        <ErrorAlert error={error} />
        {preview && (
          <Stack gap={4} data-testid="label-preview" data-kit={preview.kitNumber} data-kind={preview.kind}>
            <div style={{ padding: 12, background: 'var(--mantine-color-gray-1)', borderRadius: 6 }}>
              <LabelImage
                pngBase64={preview.pngBase64}
                alt={t('devices.preview.alt', { kind: t(kind === 'syringe' ? 'devices.kinds.syringeShort' : 'devices.kinds.cartonShort'), kit: preview.kitNumber })}
              />
            </div>
            <Text size="sm" c="dimmed">
              {t('devices.preview.size', { width: preview.widthMm.toFixed(1), height: preview.heightMm.toFixed(1) })}
            </Text>
          </Stack>
        )}
      </Stack>
    </Card>
  );
}
