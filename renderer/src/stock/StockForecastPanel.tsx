import { Alert, Badge, Button, Group, NumberInput, Paper, Stack, Table, Text, Title } from '@mantine/core';
import { IconAlertTriangle, IconCircleCheck, IconEye, IconFileTypeCsv, IconFileTypePdf } from '@tabler/icons-react';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { ChannelOutput } from '../../../shared/contract';
import type { VeilError } from '../../../shared/errors';
import { downloadBase64 } from '../common/download';
import { TranslatedErrorAlert } from '../common/TranslatedErrorAlert';
import { reportsMessage } from '../reports/reportsMessages';
import { useActiveSession } from '../session/SessionContext';
import { client } from '../transport/client';

type Blinded = ChannelOutput<'stock.forecast'>;
type Unblinded = ChannelOutput<'stock.forecastUnblinded'>;
type Format = 'csv' | 'pdf';

const whole = (value: number | string, min: number, max: number): number | null => (typeof value === 'number' && Number.isInteger(value) && value >= min && value <= max ? value : null);

/**
 * Stock against the coming visits (issue 16, item 3). The unblinded pharmacist and monitor see each arm's stock, the
 * kits its visits need, the shortfall and the first visit not covered; the pharmacist downloads the resupply request.
 * Blinded readers see the totals the server gives them (kits available, kits needed), nothing per arm.
 */
export function StockForecastPanel() {
  const { t } = useTranslation();
  const { permissions } = useActiveSession();
  const unblinded = permissions.includes('reports.unblinded');
  const canOrder = permissions.includes('dispensing.perform');
  const [weeksInput, setWeeksInput] = useState<number | string>(4);
  const [bufferInput, setBufferInput] = useState<number | string>(0);
  // Arms on screen only when asked for (as the kit story's arm): a glance at the pharmacist's screen reveals nothing.
  const [armsShown, setArmsShown] = useState(false);
  const [forecast, setForecast] = useState<{ blinded: Blinded } | { unblinded: Unblinded } | null>(null);
  const [error, setError] = useState<VeilError | null>(null);
  const [busy, setBusy] = useState<Format | null>(null);
  const [downloaded, setDownloaded] = useState<string | null>(null);
  const weeks = whole(weeksInput, 1, 26);
  const buffer = whole(bufferInput, 0, 1000);

  useEffect(() => {
    if (weeks === null) return;
    let cancelled = false;
    const asked = unblinded ? client.stock.forecastUnblinded({ weeks }).then((u) => ({ unblinded: u })) : client.stock.forecast({ weeks }).then((b) => ({ blinded: b }));
    asked.then(
      (answer) => {
        if (cancelled) return;
        setForecast(answer);
        setError(null);
      },
      (caught: VeilError) => !cancelled && setError(caught),
    );
    return () => {
      cancelled = true;
    };
  }, [weeks, unblinded]);

  async function download(format: Format) {
    if (weeks === null || buffer === null) return;
    setBusy(format);
    setError(null);
    try {
      const file = await client.stock.resupplyRequest({ weeks, buffer, format });
      downloadBase64(file.fileName, file.mime, file.base64);
      setDownloaded(file.fileName);
    } catch (caught) {
      setError(caught as VeilError);
    } finally {
      setBusy(null);
    }
  }

  return (
    <Paper withBorder p="lg" radius="md" data-testid="stock-forecast" style={unblinded ? { border: '4px solid var(--mantine-color-orange-9)' } : undefined}>
      <Stack gap="sm">
        <Group gap="sm">
          {unblinded && (
            <Badge size="lg" color="orange.9" variant="filled" leftSection={<IconEye size="1em" aria-hidden />}>
              {t('reports.unblindedBadge')}
            </Badge>
          )}
          <Title order={2} fz="h3">
            {t('stock.title')}
          </Title>
        </Group>
        <Text c="dimmed" maw={820}>
          {unblinded ? t('stock.intro') : t('stock.blindedIntro')}
        </Text>
        <NumberInput
          label={t('stock.weeks')}
          description={t('stock.weeksHint')}
          value={weeksInput}
          onChange={setWeeksInput}
          min={1}
          max={26}
          allowDecimal={false}
          allowNegative={false}
          maw={220}
          data-testid="stock-weeks"
        />
        <TranslatedErrorAlert error={error} translate={reportsMessage} testId="stock-error" />
        {forecast && 'blinded' in forecast && (
          <Stack gap={4} data-testid="stock-blinded">
            <Text fw={600}>{t('stock.until', { date: forecast.blinded.until, count: forecast.blinded.weeks })}</Text>
            <Text data-testid="stock-blinded-totals">
              {t('stock.blindedTotals', { onHand: forecast.blinded.onHand, needed: forecast.blinded.needed, visits: forecast.blinded.visits, overdue: forecast.blinded.overdueVisits })}
            </Text>
            <Text size="sm" c="dimmed">
              {t('stock.blindedNote')}
            </Text>
          </Stack>
        )}
        {unblinded && !armsShown && (
          <Button variant="outline" color="orange.9" leftSection={<IconEye size="1.1em" aria-hidden />} onClick={() => setArmsShown(true)} maw={320} data-testid="stock-show-arms">
            {t('stock.showArms')}
          </Button>
        )}
        {armsShown && forecast && 'unblinded' in forecast && (
          <Stack gap="xs" data-testid="stock-unblinded">
            <Text fw={600}>{t('stock.until', { date: forecast.unblinded.until, count: forecast.unblinded.weeks })}</Text>
            <Table striped withTableBorder maw={900}>
              <Table.Thead>
                <Table.Tr>
                  {/* A study with kit types forecasts each content of each bottle type (a placebo bottle B serves two arms). */}
                  <Table.Th>{forecast.unblinded.arms.some((a) => a.kitType) ? t('stock.columns.content') : t('stock.columns.arm')}</Table.Th>
                  <Table.Th>{t('stock.columns.onHand')}</Table.Th>
                  <Table.Th>{t('stock.columns.needed')}</Table.Th>
                  <Table.Th>{t('stock.columns.shortfall')}</Table.Th>
                  <Table.Th>{t('stock.columns.firstUncovered')}</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {forecast.unblinded.arms.map((arm) => (
                  <Table.Tr key={`${arm.kitType ?? ''}:${arm.armCode}`} data-testid={arm.kitType ? `stock-arm-${arm.kitType}-${arm.armCode}` : `stock-arm-${arm.armCode}`} data-short={arm.shortfall > 0}>
                    <Table.Td fw={600}>{arm.kitTypeName ? `${arm.kitTypeName}: ${arm.armName}` : arm.armName}</Table.Td>
                    <Table.Td>{arm.onHand}</Table.Td>
                    <Table.Td>{arm.needed}</Table.Td>
                    <Table.Td>
                      {arm.shortfall > 0 ? (
                        <Group gap={4} wrap="nowrap">
                          <IconAlertTriangle size="1.1em" color="var(--mantine-color-red-8)" aria-hidden />
                          <Text fw={700} c="red.8">
                            {arm.shortfall}
                          </Text>
                        </Group>
                      ) : (
                        <Group gap={4} wrap="nowrap">
                          <IconCircleCheck size="1.1em" color="var(--mantine-color-teal-8)" aria-hidden />
                          <Text>{t('stock.covered')}</Text>
                        </Group>
                      )}
                    </Table.Td>
                    <Table.Td>{arm.firstUncovered ?? ''}</Table.Td>
                  </Table.Tr>
                ))}
                <Table.Tr>
                  <Table.Td fw={700}>{t('stock.total')}</Table.Td>
                  <Table.Td fw={700}>{forecast.unblinded.totals.onHand}</Table.Td>
                  <Table.Td fw={700}>{forecast.unblinded.totals.needed}</Table.Td>
                  <Table.Td fw={700}>{forecast.unblinded.totals.shortfall}</Table.Td>
                  <Table.Td />
                </Table.Tr>
              </Table.Tbody>
            </Table>
            <Text size="sm" c="dimmed">
              {t('stock.marginNote', { count: forecast.unblinded.marginDays })}
            </Text>
          </Stack>
        )}
        {canOrder && (
          <Stack gap="xs" data-testid="stock-resupply">
            <Title order={3} fz="h4">
              {t('stock.resupplyTitle')}
            </Title>
            <Text size="sm" c="dimmed">
              {t('stock.resupplyIntro')}
            </Text>
            <NumberInput label={t('stock.buffer')} value={bufferInput} onChange={setBufferInput} min={0} max={1000} allowDecimal={false} allowNegative={false} maw={220} data-testid="stock-buffer" />
            <Group gap="sm">
              <Button variant="default" leftSection={<IconFileTypeCsv size="1.2em" aria-hidden />} loading={busy === 'csv'} disabled={busy !== null || weeks === null || buffer === null} onClick={() => void download('csv')} data-testid="stock-resupply-csv">
                {t('stock.downloadCsv')}
              </Button>
              <Button variant="default" leftSection={<IconFileTypePdf size="1.2em" aria-hidden />} loading={busy === 'pdf'} disabled={busy !== null || weeks === null || buffer === null} onClick={() => void download('pdf')} data-testid="stock-resupply-pdf">
                {t('stock.downloadPdf')}
              </Button>
            </Group>
            {downloaded && (
              <Alert color="teal" variant="light" icon={<IconCircleCheck aria-hidden />} withCloseButton onClose={() => setDownloaded(null)} data-testid="stock-downloaded">
                {t('stock.downloaded', { file: downloaded })}
              </Alert>
            )}
          </Stack>
        )}
      </Stack>
    </Paper>
  );
}
