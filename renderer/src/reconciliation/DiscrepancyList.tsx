import { Alert, List, Stack, Text } from '@mantine/core';
import { IconAlertTriangle, IconCircleCheck } from '@tabler/icons-react';
import { useTranslation } from 'react-i18next';
import type { Discrepancy, Reconciliation } from './types';

/** Every discrepancy, grouped by kind, each with its kits in plain words (kit, lot, patient). */
export function DiscrepancyList({ reconciliation }: { reconciliation: Reconciliation }) {
  const { t } = useTranslation();
  const lines = reconciliation.discrepancies;
  if (lines.length === 0) {
    return (
      <Alert color="teal" variant="light" icon={<IconCircleCheck aria-hidden />} data-testid="recon-discrepancies-none">
        {t('reconciliation.discrepancies.none')}
      </Alert>
    );
  }
  const kinds = [...new Set(lines.flatMap((l) => l.discrepancies))] as Discrepancy[];
  return (
    <Stack gap="lg" data-testid="recon-discrepancies">
      <Text fw={600}>{t('reconciliation.discrepancies.count', { count: lines.length })}</Text>
      {kinds.map((kind) => {
        const kits = lines.filter((l) => l.discrepancies.includes(kind));
        return (
          <Stack key={kind} gap={4} data-testid={`recon-discrepancy-${kind}`}>
            <Text fw={700} fz="lg">
              <IconAlertTriangle size="0.9em" color="var(--mantine-color-orange-8)" aria-hidden /> {t(`reconciliation.discrepancy.${kind}`)} ({kits.length})
            </Text>
            <Text size="sm" c="dimmed">
              {t(`reconciliation.discrepancyExplain.${kind}`)}
            </Text>
            <List spacing={2}>
              {kits.map((k) => (
                <List.Item key={k.kitNumber} data-testid={`recon-discrepancy-${kind}-${k.kitNumber}`}>
                  {k.patient ? t('reconciliation.discrepancies.kitOfPatient', { kit: k.kitNumber, lot: k.lot, patient: k.patient }) : t('reconciliation.discrepancies.kit', { kit: k.kitNumber, lot: k.lot })}
                </List.Item>
              ))}
            </List>
          </Stack>
        );
      })}
    </Stack>
  );
}
