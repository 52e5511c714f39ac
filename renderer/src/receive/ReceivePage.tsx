import { Alert, Badge, Button, Group, Loader, Stack, Table, Tabs, Text, Title } from '@mantine/core';
import { IconLock, IconPackageImport, IconPlus, IconRefresh, IconScan, IconShieldExclamation, IconTags, IconTemperatureOff, IconTemperaturePlus, IconThermometer } from '@tabler/icons-react';
import { useCallback, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { formatDateTime } from '../common/format';
import { TranslatedErrorAlert } from '../common/TranslatedErrorAlert';
import { useVeilAction } from '../common/useVeilAction';
import { LabelQueue } from '../labels/LabelQueue';
import { useActiveSession } from '../session/SessionContext';
import { client } from '../transport/client';
import { CreateShipmentModal } from './CreateShipmentModal';
import { QuarantinePanel } from './QuarantinePanel';
import { ReceivingScreen } from './ReceivingScreen';
import { receiveMessage } from './receiveMessages';
import type { Shipment } from './types';
import { useRecordsChanged } from '../common/useRecordsChanged';

const TEMPERATURE_ICONS = { no_alarm: IconThermometer, alarm: IconTemperaturePlus, no_monitor: IconTemperatureOff } as const;

function ShipmentStatus({ shipment }: { shipment: Shipment }) {
  const { t } = useTranslation();
  if (!shipment.closedAt) {
    return (
      <Badge size="md" variant="light" color="indigo" leftSection={<IconScan size="1em" aria-hidden />} data-testid={`shipment-status-${shipment.reference}`} data-status="open">
        {t('receive.list.open')}
      </Badge>
    );
  }
  const temperature = shipment.temperature ?? 'no_monitor';
  const Icon = TEMPERATURE_ICONS[temperature];
  return (
    <Stack gap={4} align="flex-start" className="veil-badges">
      <Badge size="md" variant="outline" color="gray.8" leftSection={<IconLock size="1em" aria-hidden />} data-testid={`shipment-status-${shipment.reference}`} data-status="closed">
        {t('receive.list.closed')}
      </Badge>
      <Badge size="md" variant={temperature === 'alarm' ? 'filled' : 'light'} color={temperature === 'alarm' ? 'orange.9' : 'gray'} leftSection={<Icon size="1em" aria-hidden />}>
        {t(`receive.temperature.${temperature}`)}
      </Badge>
    </Stack>
  );
}

/** The shipments: newest first, with their receipt counts; a new shipment; the quarantine decisions for the pharmacist. */
function ShipmentsOverview({ onOpen }: { onOpen: (id: number) => void }) {
  const { t, i18n } = useTranslation();
  const { permissions } = useActiveSession();
  const [shipments, setShipments] = useState<Shipment[] | null>(null);
  const [creating, setCreating] = useState(false);
  const load = useVeilAction();
  const { run } = load;
  const canReceive = permissions.includes('shipments.receive');
  const canDecide = permissions.includes('quarantine.decide');

  const reload = useCallback(async () => {
    const result = await run(() => client.shipments.list({}));
    if (result.ok) setShipments(result.value);
  }, [run]);

  // The shipments list follows receipts made here or at another workstation.
  useRecordsChanged(['shipments'], reload);
  useEffect(() => {
    void reload();
  }, [reload]);

  const quarantined = (shipments ?? []).reduce((n, s) => n + s.kits.filter((k) => k.status === 'quarantined').length, 0);

  return (
    <Stack gap="lg" data-testid="receive-page">
      <Group justify="space-between" align="flex-start">
        <Stack gap={2}>
          <Title order={1} fz="h2">
            <IconPackageImport size="1.1em" aria-hidden style={{ verticalAlign: '-0.15em', marginRight: '0.4em' }} />
            {t('receive.list.title')}
          </Title>
          <Text c="dimmed">{t('receive.list.intro')}</Text>
        </Stack>
        <Group gap="sm">
          <Button variant="default" leftSection={<IconRefresh size="1.1em" aria-hidden />} onClick={() => void reload()} loading={load.busy}>
            {t('receive.list.reload')}
          </Button>
          {canReceive && (
            <Button leftSection={<IconPlus size="1.1em" aria-hidden />} onClick={() => setCreating(true)} data-testid="new-shipment">
              {t('receive.list.new')}
            </Button>
          )}
        </Group>
      </Group>
      <TranslatedErrorAlert error={load.error} translate={receiveMessage} />
      {canDecide && shipments && <QuarantinePanel shipments={shipments} onDecided={() => void reload()} />}
      {!canDecide && quarantined > 0 && (
        <Alert variant="light" color="orange" icon={<IconShieldExclamation aria-hidden />} data-testid="quarantine-waiting">
          {t('receive.list.quarantineWaiting', { count: quarantined })}
        </Alert>
      )}
      {shipments === null ? (
        !load.error && <Loader />
      ) : shipments.length === 0 ? (
        <Text c="dimmed" data-testid="shipments-empty">
          {t('receive.list.empty')}
        </Text>
      ) : (
        <Table.ScrollContainer minWidth={720}>
          <Table striped highlightOnHover verticalSpacing="sm" data-testid="shipments-table">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>{t('receive.list.columns.shipment')}</Table.Th>
                <Table.Th>{t('receive.list.columns.status')}</Table.Th>
                <Table.Th>{t('receive.list.columns.kits')}</Table.Th>
                <Table.Th>{t('receive.list.columns.actions')}</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {shipments.map((s) => {
                const inQuarantine = s.kits.filter((k) => k.status === 'quarantined').length;
                return (
                  <Table.Tr key={s.id} data-testid={`shipment-row-${s.reference}`}>
                    <Table.Td>
                      <Text fw={700} fz="lg">
                        {s.reference}
                      </Text>
                      <Text size="sm" c="dimmed">
                        {t('receive.list.createdAt', { time: formatDateTime(s.createdAt, i18n.language) })}
                      </Text>
                    </Table.Td>
                    <Table.Td>
                      <ShipmentStatus shipment={s} />
                    </Table.Td>
                    <Table.Td>
                      <Text>{t('receive.list.receivedOf', { count: s.counts.received, total: s.counts.total })}</Text>
                      <Text size="sm" c="dimmed">
                        {[t('receive.counts.damaged', { count: s.counts.damaged }), t('receive.counts.missing', { count: s.counts.missing }), t('receive.counts.expected', { count: s.counts.expected })].join(' · ')}
                      </Text>
                      {inQuarantine > 0 && (
                        <Text size="sm" fw={700} c="orange.9">
                          <IconShieldExclamation size="1em" aria-hidden style={{ verticalAlign: '-0.1em' }} /> {t('receive.list.inQuarantine', { count: inQuarantine })}
                        </Text>
                      )}
                    </Table.Td>
                    <Table.Td style={{ whiteSpace: 'nowrap' }}>
                      <Button size="sm" variant={s.closedAt ? 'default' : 'filled'} leftSection={s.closedAt ? undefined : <IconScan size="1em" aria-hidden />} onClick={() => onOpen(s.id)} data-testid={`open-shipment-${s.reference}`}>
                        {s.closedAt ? t('receive.list.view') : t('receive.list.continue')}
                      </Button>
                    </Table.Td>
                  </Table.Tr>
                );
              })}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
      {creating && (
        <CreateShipmentModal
          onClose={() => setCreating(false)}
          onCreated={(s) => {
            setCreating(false);
            onOpen(s.id);
          }}
        />
      )}
    </Stack>
  );
}

/**
 * Receive: the shipments overview, or the receiving screen of one shipment. With labels.print (the technician too,
 * who cannot dispense) a Labels tab holds the label queue of dispensed kits, to print and reprint.
 */
export function ReceivePage() {
  const { t } = useTranslation();
  const { permissions } = useActiveSession();
  const [shipmentId, setShipmentId] = useState<number | null>(null);
  const [tab, setTab] = useState<string | null>('shipments');
  if (shipmentId !== null) return <ReceivingScreen key={shipmentId} shipmentId={shipmentId} onBack={() => setShipmentId(null)} />;
  if (!permissions.includes('labels.print')) return <ShipmentsOverview onOpen={setShipmentId} />;
  return (
    <Tabs value={tab} onChange={setTab} keepMounted={false}>
      <Tabs.List mb="lg">
        <Tabs.Tab value="shipments" leftSection={<IconPackageImport size="1.2em" aria-hidden />} data-testid="receive-tab-shipments">
          {t('dispense.tabs.shipments')}
        </Tabs.Tab>
        <Tabs.Tab value="labels" leftSection={<IconTags size="1.2em" aria-hidden />} data-testid="receive-tab-labels">
          {t('dispense.tabs.labels')}
        </Tabs.Tab>
      </Tabs.List>
      <Tabs.Panel value="shipments">
        <ShipmentsOverview onOpen={setShipmentId} />
      </Tabs.Panel>
      <Tabs.Panel value="labels">
        <LabelQueue />
      </Tabs.Panel>
    </Tabs>
  );
}
