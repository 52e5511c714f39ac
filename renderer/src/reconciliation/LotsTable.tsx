import { Badge, Group, Paper, SimpleGrid, Stack, Text } from '@mantine/core';
import { IconCheck, IconX } from '@tabler/icons-react';
import { useTranslation } from 'react-i18next';
import type { LotLine } from './types';

const FIGURES = ['received', 'dispensed', 'returned', 'destroyed', 'onHand', 'withPatient', 'lost', 'notReceived'] as const;

/**
 * Per lot: received, dispensed, returned, destroyed, on hand, with patients and lost, and whether the lot balances
 * (every kit received is on the shelf, with a patient, destroyed or lost since). Balanced is said in words and a sign.
 */
export function LotsTable({ lots, unblinded }: { lots: LotLine[]; unblinded: boolean }) {
  const { t } = useTranslation();
  return (
    <Stack gap="md" data-testid="recon-lots">
      <Text c="dimmed">{unblinded ? t('reconciliation.lots.explainUnblinded') : t('reconciliation.lots.explain')}</Text>
      <Stack gap="md" data-testid="recon-lots-table">
        {lots.map((l) => (
          <Paper
            key={l.lot}
            withBorder
            p="md"
            radius="md"
            data-testid={`recon-lot-${l.lot}`}
            data-balanced={l.balanced ? 'true' : 'false'}
            style={l.balanced ? undefined : { borderColor: 'var(--mantine-color-red-7)', borderWidth: 3 }}
          >
            <Stack gap="sm">
              <Group justify="space-between" wrap="wrap" gap="sm">
                <Group gap="md">
                  <Text ff="monospace" fw={800} fz="xl">
                    {l.lot}
                  </Text>
                  {l.balanced ? (
                    <Badge size="xl" color="teal" variant="light" leftSection={<IconCheck size="1em" aria-hidden />} data-testid={`recon-lot-balanced-${l.lot}`}>
                      {t('reconciliation.lots.balancedYes')}
                    </Badge>
                  ) : (
                    <Badge size="xl" color="red" variant="filled" leftSection={<IconX size="1em" aria-hidden />} data-testid={`recon-lot-balanced-${l.lot}`}>
                      {t('reconciliation.lots.balancedNo')}
                    </Badge>
                  )}
                </Group>
                <Text size="sm" fw={500}>
                  {t('reconciliation.lots.equation', {
                    received: t('reconciliation.lots.eqReceived', { count: l.received }),
                    onHand: t('reconciliation.lots.eqOnHand', { count: l.onHand }),
                    withPatient: t('reconciliation.lots.eqWithPatient', { count: l.withPatient }),
                    destroyed: t('reconciliation.lots.eqDestroyed', { count: l.destroyed }),
                    lost: t('reconciliation.lots.eqLost', { count: l.lostAfterReceipt }),
                  })}
                </Text>
              </Group>
              <SimpleGrid cols={{ base: 4, lg: 8 }} spacing="xs">
                {FIGURES.map((f) => (
                  <Stack key={f} gap={0} data-testid={`recon-lot-${l.lot}-${f}`} data-value={l[f]}>
                    <Text size="xs" c="dimmed" lh={1.2} mih="2.4em">
                      {t(`reconciliation.lots.columns.${f}`)}
                    </Text>
                    <Text fz={24} fw={700}>
                      {l[f]}
                    </Text>
                  </Stack>
                ))}
              </SimpleGrid>
            </Stack>
          </Paper>
        ))}
      </Stack>
    </Stack>
  );
}
