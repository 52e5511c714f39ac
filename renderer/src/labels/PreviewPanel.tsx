import { Box, Card, Group, NativeSelect, SegmentedControl, Stack, Title } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { LabelPreview } from './LabelPreview';
import type { LabelKind } from './labelTypes';

/**
 * The Devices screen's label preview: choose a dispensed kit and a kind, see its blinded label as the printer prints it,
 * through the same LabelPreview the Dispense screen shows for each label of a kit.
 */
export function PreviewPanel({ kits, selection, onSelect }: { kits: string[]; selection: { kitNumber: string; kind: LabelKind } | null; onSelect: (s: { kitNumber: string; kind: LabelKind }) => void }) {
  const { t } = useTranslation();
  const kitNumber = selection?.kitNumber ?? '';
  const kind = selection?.kind ?? 'syringe';

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
        </Group>
        {kitNumber && (
          <Box key={`${kitNumber}-${kind}`} data-testid="label-preview" data-kit={kitNumber} data-kind={kind} p="sm" bg="gray.1" style={{ borderRadius: 6 }}>
            <LabelPreview kitNumber={kitNumber} kind={kind} />
          </Box>
        )}
      </Stack>
    </Card>
  );
}
