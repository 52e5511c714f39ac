import { Badge, Paper, Stack, Table, Text } from '@mantine/core';
import { IconEye } from '@tabler/icons-react';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { ChannelOutput } from '../../../shared/contract';
import { formatDate } from '../common/dates';
import { ErrorAlert } from '../common/ErrorAlert';
import { useVeilAction } from '../common/useVeilAction';
import { client } from '../transport/client';

type Impact = ChannelOutput<'stock.excursionImpact'>;

/**
 * For the unblinded pharmacist on an open excursion case (issue 15, item 4): per arm, the kits the case holds in
 * quarantine and whether the visits of the next 4 weeks are covered as the stock stands and if the sponsor released
 * them. Shown in the unblinded frame; blinded users never get this panel (the channel refuses them too).
 */
export function ExcursionImpact({ excursionId, pending }: { excursionId: number; pending: number }) {
  const { t, i18n } = useTranslation();
  const [impact, setImpact] = useState<Impact | null>(null);
  const load = useVeilAction();
  const { run } = load;
  useEffect(() => {
    void run(() => client.stock.excursionImpact({ excursionId, weeks: 4 })).then((r) => setImpact(r.ok ? r.value : null));
  }, [run, excursionId, pending]);

  return (
    <Paper p="md" radius="md" data-testid="excursion-impact" style={{ border: '3px solid var(--mantine-color-orange-9)', background: 'var(--mantine-color-orange-0)' }}>
      <Stack gap="sm">
        <Badge size="lg" color="orange.9" variant="filled" leftSection={<IconEye size="1em" aria-hidden />}>
          {t('storage.case.impact.title')}
        </Badge>
        <ErrorAlert error={load.error} testId="excursion-impact-error" />
        {impact && (
          <>
            <Text size="sm">{t('storage.case.impact.intro', { until: formatDate(impact.until, i18n.language) })}</Text>
            <Table withTableBorder>
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>{t('storage.case.impact.arm')}</Table.Th>
                  <Table.Th ta="right">{t('storage.case.impact.held')}</Table.Th>
                  <Table.Th ta="right">{t('storage.case.impact.needed')}</Table.Th>
                  <Table.Th ta="right">{t('storage.case.impact.shortNow')}</Table.Th>
                  <Table.Th ta="right">{t('storage.case.impact.shortIfReleased')}</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {impact.arms.map((a) => (
                  <Table.Tr key={a.armCode} data-testid={`excursion-impact-${a.armCode}`} data-held={a.held} data-short-now={a.shortfallNow} data-short-released={a.shortfallIfReleased}>
                    <Table.Td fw={600}>{a.armName}</Table.Td>
                    <Table.Td ta="right">{a.held}</Table.Td>
                    <Table.Td ta="right">{a.needed}</Table.Td>
                    <Table.Td ta="right" c={a.shortfallNow > 0 ? 'red.8' : undefined} fw={a.shortfallNow > 0 ? 700 : undefined}>
                      {a.shortfallNow > 0 && a.firstUncoveredNow ? t('storage.case.impact.shortFrom', { count: a.shortfallNow, date: formatDate(a.firstUncoveredNow, i18n.language) }) : a.shortfallNow}
                    </Table.Td>
                    <Table.Td ta="right">{a.shortfallIfReleased}</Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </>
        )}
      </Stack>
    </Paper>
  );
}
