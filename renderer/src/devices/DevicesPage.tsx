import { Alert, Button, Card, Group, Loader, SimpleGrid, Stack, Text, Title } from '@mantine/core';
import { IconAlertTriangle, IconFlask, IconPlugConnectedX, IconRefresh } from '@tabler/icons-react';
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ErrorAlert } from '../common/ErrorAlert';
import { formatDateTime } from '../common/format';
import { useVeilAction } from '../common/useVeilAction';
import { useActiveSession } from '../session/SessionContext';
import { client } from '../transport/client';
import { PrintersCard, ScannersCard } from './DeviceCards';
import { PreviewPanel } from '../labels/PreviewPanel';
import { PrintQueue } from '../labels/PrintQueue';
import { KeyboardWedgeSetup } from './KeyboardWedgeSetup';
import { PrinterSetup } from './PrinterSetup';
import { ScanKitPanel, type DeviceScan } from './ScanKitPanel';
import type { LabelKind } from '../labels/labelTypes';
import { useLabelQueue } from '../labels/useLabelQueue';
import type { DevicesStatusValue } from './types';

/**
 * Devices: the scanners and label printers the main process sees (plugged in or not, last problem), the printer and
 * label stock of each label kind with a test print, the label print queue (failed jobs keep their reason and can be
 * retried), a label preview, and with the simulator the developer panel that scans a kit through the real driver.
 * Device changes arrive as devices.changed events, so the screen follows a plug or unplug without a reload.
 */
export function DevicesPage() {
  const { t, i18n } = useTranslation();
  const { permissions } = useActiveSession();
  const canManage = permissions.includes('devices.manage');
  const canPrint = permissions.includes('labels.print');
  const [status, setStatus] = useState<DevicesStatusValue | null>(null);
  const queue = useLabelQueue({ enabled: canPrint });
  const { reload: reloadQueue } = queue;
  const [lastScan, setLastScan] = useState<DeviceScan | null>(null);
  const [preview, setPreview] = useState<{ kitNumber: string; kind: LabelKind } | null>(null);
  const load = useVeilAction();
  const refreshTimer = useRef<number | undefined>(undefined);

  const reloadStatus = useCallback(
    async (refresh = false) => {
      const result = await load.run(() => client.devices.status(refresh ? { refresh: true } : {}));
      if (result.ok) setStatus(result.value);
    },
    [load.run],
  );
  const reload = useCallback(
    async (refresh = false) => {
      await reloadStatus(refresh);
      await reloadQueue();
    },
    [reloadStatus, reloadQueue],
  );

  useEffect(() => {
    // The queue hook reads the queue on its own when the page opens: only the devices are read here.
    void reloadStatus();
    // Several changes arrive together (a job starts, prints, the printer status changes): read once after them.
    const soon = () => {
      window.clearTimeout(refreshTimer.current);
      refreshTimer.current = window.setTimeout(() => void reload(), 120);
    };
    const offChanged = client.on('devices.changed', soon);
    const offScan = client.on('devices.scan', (scan) => {
      setLastScan(scan);
      soon();
    });
    return () => {
      window.clearTimeout(refreshTimer.current);
      offChanged();
      offScan();
    };
  }, [reload, reloadStatus]);

  // Labels never printed yet wait in the print queue; the preview offers every dispensed kit.
  const toPrint = useMemo(() => (canPrint ? (queue.items?.filter((q) => q.prints === 0) ?? (queue.error ? [] : null)) : null), [canPrint, queue.items, queue.error]);
  const kits = useMemo(() => [...new Set((queue.items ?? []).map((q) => q.kitNumber))], [queue.items]);

  if (!status)
    return (
      <Stack gap="lg" data-testid="devices-page">
        <Title order={1} fz="h2">
          {t('workflows.devices.title')}
        </Title>
        {load.error ? <ErrorAlert error={load.error} /> : <Loader />}
      </Stack>
    );

  return (
    <Stack gap="lg" data-testid="devices-page" data-simulator={status.simulator.active ? 'true' : 'false'}>
      <Group justify="space-between">
        <Title order={1} fz="h2">
          {t('workflows.devices.title')}
        </Title>
        <Button variant="default" leftSection={<IconRefresh size="1.1em" aria-hidden />} onClick={() => void reload(true)} loading={load.busy} data-testid="devices-refresh">
          {t('devices.refresh')}
        </Button>
      </Group>
      {status.simulator.active && (
        <Alert variant="light" color="grape" icon={<IconFlask aria-hidden />} title={t('devices.simulatorNotice.title')} data-testid="simulator-notice">
          {t('devices.simulatorNotice.body')}
        </Alert>
      )}
      {status.transport.kind === 'none' && (
        <Alert variant="light" color="gray" icon={<IconPlugConnectedX aria-hidden />} data-testid="transport-none">
          {t('devices.transport.none')}
        </Alert>
      )}
      {status.transport.error && (
        <Alert variant="light" color="red" icon={<IconAlertTriangle aria-hidden />} data-testid="transport-error">
          {t('devices.transport.unavailable', { error: status.transport.error })}
        </Alert>
      )}
      <ErrorAlert error={load.error} />
      <SimpleGrid cols={{ base: 1, md: 2 }} spacing="lg">
        <ScannersCard status={status} />
        <PrintersCard status={status} />
      </SimpleGrid>
      <KeyboardWedgeSetup canManage={canManage} />
      <PrinterSetup status={status} canManage={canManage} onSaved={setStatus} />
      <PrintQueue
        status={status}
        toPrint={toPrint}
        canPrint={canPrint}
        onChanged={() => void reload()}
        onPreview={(kitNumber, kind) => setPreview({ kitNumber, kind })}
      />
      {canPrint && <PreviewPanel kits={kits} selection={preview} onSelect={setPreview} />}
      {status.simulator.active && canManage && <ScanKitPanel status={status} kits={kits} lastScan={lastScan} />}
      {status.problems.length > 0 && (
        <Card withBorder radius="md" p="lg" data-testid="devices-problems">
          <Title order={2} fz="h5" mb="xs">
            {t('devices.problems.title')}
          </Title>
          <Stack gap={4}>
            {status.problems.slice(0, 8).map((p, i) => (
              <Text key={`${p.at}-${i}`} size="sm">
                <Text span c="dimmed">
                  {formatDateTime(p.at, i18n.language)} · {p.device}:
                </Text>{' '}
                {p.message}
              </Text>
            ))}
          </Stack>
        </Card>
      )}
    </Stack>
  );
}
