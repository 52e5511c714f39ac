import { Paper, SimpleGrid, Stack, Text, ThemeIcon, Group } from '@mantine/core';
import { IconAlertTriangle, IconCheck, IconClock, IconQuestionMark, type Icon } from '@tabler/icons-react';
import { useTranslation } from 'react-i18next';
import type { ShipmentCounts } from './types';

function Count({ icon: CountIcon, color, label, value, of, testId }: { icon: Icon; color: string; label: string; value: number; of?: number; testId: string }) {
  return (
    <Paper withBorder p="md" radius="md" data-testid={testId} data-count={value}>
      <Group gap="sm" wrap="nowrap" align="center">
        <ThemeIcon size={44} radius="xl" variant="light" color={color} aria-hidden>
          <CountIcon size={26} />
        </ThemeIcon>
        <Stack gap={0}>
          <Text fz={34} fw={800} lh={1.1}>
            {value}
            {of !== undefined && (
              <Text span fz="lg" fw={500} c="dimmed">
                {' '}
                / {of}
              </Text>
            )}
          </Text>
          <Text fw={600}>{label}</Text>
        </Stack>
      </Group>
    </Paper>
  );
}

/** The running count of a receipt: received of the shipment's kits, still to scan, damaged, missing. */
export function ReceiptCounts({ counts }: { counts: ShipmentCounts }) {
  const { t } = useTranslation();
  return (
    <SimpleGrid cols={{ base: 2, lg: 4 }} spacing="md" data-testid="receipt-counts">
      <Count icon={IconCheck} color="teal" label={t('receive.counts.received')} value={counts.received} of={counts.total} testId="count-received" />
      <Count icon={IconClock} color="gray" label={t('receive.counts.expected')} value={counts.expected} testId="count-expected" />
      <Count icon={IconAlertTriangle} color="orange" label={t('receive.counts.damaged')} value={counts.damaged} testId="count-damaged" />
      <Count icon={IconQuestionMark} color="red" label={t('receive.counts.missing')} value={counts.missing} testId="count-missing" />
    </SimpleGrid>
  );
}
