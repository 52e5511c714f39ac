import { Badge, Button, Card, Group, Loader, Stack, Table, Text, Title, VisuallyHidden } from '@mantine/core';
import { IconAlertTriangle, IconCircleCheck, IconClock, IconEye, IconPrinter, IconRefresh } from '@tabler/icons-react';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ErrorAlert } from '../common/ErrorAlert';
import { formatDateTime } from '../common/format';
import { useVeilAction } from '../common/useVeilAction';
import { translateServerMessage } from '../i18n/serverMessages';
import { client } from '../transport/client';
import type { DevicesStatusValue, LabelJobValue } from '../devices/types';
import type { LabelKind, LabelQueueItem } from './labelTypes';

/** Labels still to print listed before "Show all". */
const TO_PRINT_SHOWN = 8;

function JobStatusBadge({ job }: { job: LabelJobValue }) {
  const { t } = useTranslation();
  if (job.printing)
    return (
      <Badge color="blue" variant="light" leftSection={<Loader size={10} />} data-status="printing">
        {t('devices.queue.jobStatus.printing')}
      </Badge>
    );
  const look = {
    queued: { color: 'gray', Icon: IconClock },
    printed: { color: 'teal', Icon: IconCircleCheck },
    failed: { color: 'red', Icon: IconAlertTriangle },
  }[job.status];
  return (
    <Badge color={look.color} variant="light" leftSection={<look.Icon size="1em" aria-hidden />} data-status={job.status}>
      {t(`devices.queue.jobStatus.${job.status}`)}
    </Badge>
  );
}

/**
 * The label print queue: the jobs sent to printers (failed ones keep their reason and a Retry), and the labels of
 * dispensed kits still to print.
 */
export function PrintQueue({
  status,
  toPrint,
  canPrint,
  onChanged,
  onPreview,
}: {
  status: DevicesStatusValue;
  toPrint: LabelQueueItem[] | null;
  canPrint: boolean;
  onChanged: () => void;
  onPreview: (kitNumber: string, kind: LabelKind) => void;
}) {
  const { t, i18n } = useTranslation();
  const action = useVeilAction();
  const [showAll, setShowAll] = useState(false);
  const shown = toPrint && !showAll ? toPrint.slice(0, TO_PRINT_SHOWN) : toPrint;
  const kindName = (k: LabelKind) => t(k === 'syringe' ? 'devices.kinds.syringeShort' : 'devices.kinds.cartonShort');
  const waiting = new Map(status.jobs.filter((j) => j.status !== 'printed').map((j) => [`${j.kitNumber}/${j.kind}`, j]));
  const printerName = (id: string | null) => status.printers.find((p) => p.id === id || (id === 'dymo' && p.type === 'dymo'))?.name ?? id ?? '';

  async function retry(jobId: number) {
    await action.run(() => client.devices.retryJob({ jobId }));
    onChanged();
  }
  async function print(kitNumber: string, kind: LabelKind) {
    await action.run(() => client.devices.printLabel({ kitNumber, kind }));
    onChanged();
  }

  return (
    <Card withBorder radius="md" p="lg" data-testid="devices-queue">
      <Group justify="space-between" mb="md">
        <Title order={2} fz="h4">
          {t('devices.queue.title')}
        </Title>
        <Text c="dimmed" data-testid="queue-counts">
          {t('devices.queue.counts', {
            queued: t('devices.queue.queuedCount', { count: status.queue.queued }),
            failed: t('devices.queue.failedCount', { count: status.queue.failed }),
            printed: t('devices.queue.printedCount', { count: status.queue.printed }),
          })}
        </Text>
      </Group>
      <ErrorAlert error={action.error} />
      <Stack gap="lg">
        <Stack gap="xs">
          <Title order={3} fz="h5">
            {t('devices.queue.jobsTitle')}
          </Title>
          {status.jobs.length === 0 ? (
            <Text c="dimmed">{t('devices.queue.noJobs')}</Text>
          ) : (
            <Table striped withTableBorder verticalSpacing="xs">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>{t('devices.queue.kit')}</Table.Th>
                  <Table.Th>{t('devices.queue.kind')}</Table.Th>
                  <Table.Th>{t('devices.queue.status')}</Table.Th>
                  <Table.Th>{t('devices.queue.printer')}</Table.Th>
                  <Table.Th>{t('devices.queue.requested')}</Table.Th>
                  <Table.Th>
                    <VisuallyHidden>{t('devices.queue.actions')}</VisuallyHidden>
                  </Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {status.jobs.map((j) => (
                  <Table.Tr key={j.id} data-testid={`job-row-${j.id}`} data-status={j.status}>
                    <Table.Td ff="monospace" fw={700}>
                      {j.kitNumber}
                    </Table.Td>
                    <Table.Td>
                      {kindName(j.kind)}
                      {j.reprint && (
                        <Text span size="xs" c="dimmed">
                          {' '}
                          ({t('devices.queue.reprint')})
                        </Text>
                      )}
                    </Table.Td>
                    <Table.Td>
                      <Stack gap={4}>
                        <JobStatusBadge job={j} />
                        {j.status === 'failed' && j.error && (
                          <Text size="sm" c="red.9" data-testid="job-error">
                            {translateServerMessage(j.error, t)}
                          </Text>
                        )}
                        {j.status === 'failed' && (
                          <Text size="xs" c="dimmed">
                            {t('devices.queue.kept')}
                          </Text>
                        )}
                      </Stack>
                    </Table.Td>
                    <Table.Td>{printerName(j.printer)}</Table.Td>
                    <Table.Td>{formatDateTime(j.requestedAt, i18n.language)}</Table.Td>
                    <Table.Td>
                      {canPrint && j.status !== 'printed' && !j.printing && (
                        <Button size="xs" variant="light" leftSection={<IconRefresh size="1em" aria-hidden />} onClick={() => void retry(j.id)} loading={action.busy} data-testid={`job-retry-${j.id}`}>
                          {t('devices.queue.retry')}
                        </Button>
                      )}
                    </Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          )}
        </Stack>
        {canPrint && (
          <Stack gap="xs">
            <Title order={3} fz="h5">
              {t('devices.queue.toPrintTitle')}
            </Title>
            {toPrint === null ? (
              <Loader size="sm" />
            ) : toPrint.length === 0 ? (
              <Text c="dimmed">{t('devices.queue.toPrintNone')}</Text>
            ) : (
              <Table withTableBorder verticalSpacing={4} data-testid="to-print">
                <Table.Tbody>
                  {shown!.map((item) => {
                    const job = waiting.get(`${item.kitNumber}/${item.kind}`);
                    return (
                      <Table.Tr key={`${item.kitNumber}/${item.kind}`} data-testid={`to-print-${item.kitNumber}-${item.kind}`}>
                        <Table.Td ff="monospace" fw={700}>
                          {item.kitNumber}
                        </Table.Td>
                        <Table.Td>{kindName(item.kind)}</Table.Td>
                        <Table.Td>{t('devices.queue.patientVisit', { patient: item.patient, visit: item.visit })}</Table.Td>
                        <Table.Td>
                          <Group gap="xs" justify="flex-end" wrap="nowrap">
                            <Button size="xs" variant="subtle" leftSection={<IconEye size="1em" aria-hidden />} onClick={() => onPreview(item.kitNumber, item.kind)}>
                              {t('devices.queue.preview')}
                            </Button>
                            {job ? (
                              <JobStatusBadge job={job} />
                            ) : (
                              <Button size="xs" leftSection={<IconPrinter size="1em" aria-hidden />} onClick={() => void print(item.kitNumber, item.kind)} loading={action.busy} data-testid={`print-${item.kitNumber}-${item.kind}`}>
                                {t('devices.queue.print')}
                              </Button>
                            )}
                          </Group>
                        </Table.Td>
                      </Table.Tr>
                    );
                  })}
                </Table.Tbody>
              </Table>
            )}
            {toPrint && toPrint.length > TO_PRINT_SHOWN && (
              <Button variant="subtle" size="xs" onClick={() => setShowAll(!showAll)} data-testid="to-print-toggle" style={{ alignSelf: 'flex-start' }}>
                {showAll ? t('devices.queue.showFewer') : t('devices.queue.showAll', { count: toPrint.length })}
              </Button>
            )}
          </Stack>
        )}
      </Stack>
    </Card>
  );
}
