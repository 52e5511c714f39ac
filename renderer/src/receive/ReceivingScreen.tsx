import { Alert, Badge, Button, Group, Loader, Paper, Stack, Table, Text, Title } from '@mantine/core';
import { IconAlertTriangle, IconArrowLeft, IconCheck, IconFlagCheck, IconLock, IconQuestionMark, IconShieldExclamation } from '@tabler/icons-react';
import { useCallback, useEffect, useRef, useState } from 'react';
import type { TFunction } from 'i18next';
import { useTranslation } from 'react-i18next';
import { VeilError } from '../../../shared/errors';
import { formatDateTime } from '../common/format';
import { ScanField, type ScanSourceValue } from '../common/scan/ScanField';
import { ScanVerdict, type VerdictTone } from '../common/scan/ScanVerdict';
import { playScanSound, type ScanSound } from '../common/scan/scanSounds';
import { TranslatedErrorAlert } from '../common/TranslatedErrorAlert';
import { useVeilAction } from '../common/useVeilAction';
import { client } from '../transport/client';
import { FinishReceiptModal } from './FinishReceiptModal';
import { KitOutcomeBadge } from './KitOutcomeBadge';
import { MarkKitModal, type MarkOutcome } from './MarkKitModal';
import { ReceiptCounts } from './ReceiptCounts';
import { receiveMessage } from './receiveMessages';
import { saidText } from '../i18n/serverMessages';
import type { Shipment } from './types';

type Words = (t: TFunction) => string;

interface Verdict {
  tone: VerdictTone;
  /** Said in the language of the moment it is read: kept as words to render, not as rendered text. */
  headline: Words;
  code: string | null;
  /** The code names no kit: shown masked, never in full (it may be a password scanned by mistake). */
  unknownCode?: boolean;
  message: Words;
  detail: string | null;
  source: ScanSourceValue;
  sound: ScanSound;
  /** Changes with every scan, so the same verdict twice still reads as a new one. */
  serial: number;
}

/**
 * Receiving one shipment: the scan field always has the focus; each scan gets a large verdict and a sound, the
 * running count follows, kits can be marked damaged or missing with a reason, and the receipt ends with the
 * temperature-monitor question. Nothing here knows an arm.
 */
export function ReceivingScreen({ shipmentId, onBack }: { shipmentId: number; onBack: () => void }) {
  const { t, i18n } = useTranslation();
  const [shipment, setShipment] = useState<Shipment | null>(null);
  const [verdict, setVerdict] = useState<Verdict | null>(null);
  const [scanning, setScanning] = useState(false);
  const [marking, setMarking] = useState<{ kitNumber: string; outcome: MarkOutcome } | null>(null);
  const [finishing, setFinishing] = useState(false);
  const load = useVeilAction();
  const { run } = load;
  const queue = useRef<Promise<void>>(Promise.resolve());
  const serial = useRef(0);
  // The shipment as last read, for the scans answered meanwhile (a kit received already needs no refusal).
  const shipmentRef = useRef<Shipment | null>(null);
  shipmentRef.current = shipment;

  const reload = useCallback(async () => {
    const result = await run(() => client.shipments.get({ shipmentId }));
    if (result.ok) setShipment(result.value);
  }, [run, shipmentId]);

  useEffect(() => {
    void reload();
  }, [reload]);

  const sourceLabel = (source: ScanSourceValue) => t(`receive.source.${source}`);

  const show = useCallback((v: Omit<Verdict, 'serial'>) => {
    playScanSound(v.sound);
    serial.current += 1;
    setVerdict({ ...v, serial: serial.current });
  }, []);

  const scanOne = useCallback(
    async (code: string, source: ScanSourceValue) => {
      setScanning(true);
      try {
        const answer = await client.shipments.scanKit({ shipmentId, code, source });
        const v = answer.verdict;
        if (v.verdict === 'received') {
          const mismatch = v.pack?.check === 'mismatch';
          show({
            tone: mismatch ? 'warning' : 'accepted',
            headline: (tr) => mismatch ? tr('receive.verdict.receivedCheckPack') : tr('receive.verdict.received'),
            code: v.kitNumber,
            message: (tr) => saidText(v, tr) ?? receiveMessage(v.message, tr),
            detail: v.pack && v.pack.check !== 'not_checked' ? v.pack.detail : null,
            source,
            sound: mismatch ? 'refusal' : 'success',
          });
        } else if (v.reason === 'already_scanned' && shipmentRef.current?.kits.find((k) => k.kitNumber === v.kitNumber)?.outcome === 'received') {
          // Received already: nothing wrong, nothing to do (issue 11).
          show({ tone: 'notice', headline: (tr) => tr('receive.verdict.alreadyScanned'), code: v.kitNumber, message: (tr) => tr('receive.verdict.alreadyScannedMessage', { kit: v.kitNumber ?? '' }), detail: null, source, sound: 'notice' });
        } else {
          const unknownCode = v.reason === 'unknown_kit';
          show({
            tone: 'refused',
            headline: (tr) => tr('receive.verdict.refused'),
            code: v.kitNumber ?? code,
            unknownCode,
            message: (tr) => (unknownCode ? tr('receive.messages.unknownCode') : (saidText(v, tr) ?? receiveMessage(v.message, tr))),
            detail: null,
            source,
            sound: 'refusal',
          });
        }
        setShipment((s) => (s ? { ...s, counts: answer.counts } : s));
        const fresh = await client.shipments.get({ shipmentId });
        setShipment(fresh);
      } catch (caught) {
        const message = caught instanceof VeilError ? caught : String(caught);
        show({ tone: 'refused', headline: (tr) => tr('receive.verdict.refused'), code, unknownCode: true, message: (tr) => receiveMessage(message, tr), detail: null, source, sound: 'refusal' });
      } finally {
        setScanning(false);
      }
    },
    [shipmentId, show, t],
  );

  // Scans are answered one after another, in the order they came (a scanner can be faster than the answers).
  const onScan = useCallback(
    (code: string, source: ScanSourceValue) => {
      queue.current = queue.current.then(() => scanOne(code, source));
    },
    [scanOne],
  );

  if (!shipment) {
    return (
      <Stack data-testid="receiving-screen-loading">
        <TranslatedErrorAlert error={load.error} translate={receiveMessage} />
        {!load.error && <Loader />}
      </Stack>
    );
  }

  const open = shipment.closedAt === null;
  const quarantined = shipment.kits.filter((k) => k.status === 'quarantined').length;
  const available = shipment.kits.filter((k) => k.status === 'available').length;

  return (
    <Stack gap="lg" data-testid="receiving-screen" data-shipment={shipment.reference} data-open={open ? 'true' : 'false'}>
      <Group justify="space-between" align="flex-start">
        <Stack gap={2}>
          <Title order={1} fz="h2">
            {t('receive.receiving.title', { reference: shipment.reference })}
          </Title>
          <Text c="dimmed">{t('receive.receiving.created', { time: formatDateTime(shipment.createdAt, i18n.language), count: shipment.counts.total })}</Text>
        </Stack>
        <Button variant="default" leftSection={<IconArrowLeft size="1.1em" aria-hidden />} onClick={onBack} data-testid="receiving-back">
          {t('receive.receiving.back')}
        </Button>
      </Group>

      {open ? (
        <Paper withBorder p="lg" radius="md">
          <Stack gap="md">
            <ScanField label={t('receive.receiving.scanLabel')} description={t('receive.receiving.scanHint')} placeholder={t('receive.receiving.scanPlaceholder')} onScan={onScan} busy={scanning} testId="receive-scan" />
            {verdict ? (
              <ScanVerdict
                key={verdict.serial}
                tone={verdict.tone}
                headline={verdict.headline(t)}
                code={verdict.code}
                unknownCode={verdict.unknownCode ?? false}
                message={verdict.message(t)}
                source={{ value: verdict.source, label: sourceLabel(verdict.source) }}
                sound={verdict.sound}
                testId="receive-verdict"
              >
                {verdict.detail && (
                  <Text fz="lg" data-testid="receive-verdict-pack">
                    {verdict.detail}
                  </Text>
                )}
              </ScanVerdict>
            ) : (
              <Text c="dimmed" fz="lg" data-testid="receive-verdict-empty">
                {t('receive.receiving.waiting')}
              </Text>
            )}
          </Stack>
        </Paper>
      ) : (
        <Alert
          variant="light"
          color={shipment.temperature === 'alarm' ? 'orange' : 'teal'}
          icon={shipment.temperature === 'alarm' ? <IconShieldExclamation aria-hidden /> : <IconLock aria-hidden />}
          title={t('receive.receiving.closedTitle', { time: formatDateTime(shipment.closedAt!, i18n.language) })}
          data-testid="receipt-closed"
          data-temperature={shipment.temperature ?? ''}
        >
          <Stack gap={4}>
            <Text fw={600}>{t('receive.receiving.temperatureAnswer', { answer: t(`receive.temperature.${shipment.temperature ?? 'no_monitor'}`) })}</Text>
            {quarantined > 0 && <Text data-testid="receipt-closed-quarantined">{t('receive.receiving.closedQuarantined', { count: quarantined })}</Text>}
            {available > 0 && <Text>{t('receive.receiving.closedAvailable', { count: available })}</Text>}
          </Stack>
        </Alert>
      )}

      <ReceiptCounts counts={shipment.counts} />

      {open && (
        <Paper withBorder p="md" radius="md">
          <Group justify="space-between" wrap="wrap" gap="md">
            <Group gap="sm" wrap="nowrap">
              {shipment.counts.expected > 0 ? <IconQuestionMark size="1.4em" aria-hidden /> : <IconCheck size="1.4em" aria-hidden />}
              <Text fz="lg" data-testid="finish-hint">
                {shipment.counts.expected > 0 ? t('receive.receiving.stillToScan', { count: shipment.counts.expected }) : t('receive.receiving.allAccounted')}
              </Text>
            </Group>
            <Button size="lg" leftSection={<IconFlagCheck size="1.2em" aria-hidden />} disabled={shipment.counts.expected > 0} onClick={() => setFinishing(true)} data-testid="finish-receipt">
              {t('receive.receiving.finish')}
            </Button>
          </Group>
        </Paper>
      )}

      <Table.ScrollContainer minWidth={720}>
        <Table striped verticalSpacing="xs" data-testid="receipt-kits">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>{t('receive.columns.kit')}</Table.Th>
              <Table.Th>{t('receive.columns.outcome')}</Table.Th>
              <Table.Th>{t('receive.columns.scannedAt')}</Table.Th>
              <Table.Th>{open ? t('receive.columns.actions') : t('receive.columns.status')}</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {shipment.kits.map((k) => (
              <Table.Tr key={k.kitNumber} data-testid={`receipt-kit-${k.kitNumber}`}>
                <Table.Td>
                  <Text ff="monospace" fw={700} fz="lg">
                    {k.kitNumber}
                  </Text>
                </Table.Td>
                <Table.Td className="veil-badges">
                  <KitOutcomeBadge outcome={k.outcome} testId={`receipt-outcome-${k.kitNumber}`} />
                </Table.Td>
                <Table.Td>
                  {k.scannedAt ? (
                    <Stack gap={0}>
                      <Text size="sm">{formatDateTime(k.scannedAt, i18n.language)}</Text>
                      {k.source && (
                        <Text size="sm" c="dimmed">
                          {k.source === 'scanner' || k.source === 'keyboard_wedge' || k.source === 'manual' ? sourceLabel(k.source) : k.source}
                        </Text>
                      )}
                    </Stack>
                  ) : (
                    <Text size="sm" c="dimmed">
                      —
                    </Text>
                  )}
                </Table.Td>
                <Table.Td>
                  {open ? (
                    <Group gap="xs" wrap="nowrap">
                      {k.outcome !== 'damaged' && k.outcome !== 'missing' && (
                        <Button size="compact-md" variant="default" leftSection={<IconAlertTriangle size="1em" aria-hidden />} onClick={() => setMarking({ kitNumber: k.kitNumber, outcome: 'damaged' })} data-testid={`mark-damaged-${k.kitNumber}`}>
                          {t('receive.receiving.markDamaged')}
                        </Button>
                      )}
                      {k.outcome === 'expected' && (
                        <Button size="compact-md" variant="default" leftSection={<IconQuestionMark size="1em" aria-hidden />} onClick={() => setMarking({ kitNumber: k.kitNumber, outcome: 'missing' })} data-testid={`mark-missing-${k.kitNumber}`}>
                          {t('receive.receiving.markMissing')}
                        </Button>
                      )}
                    </Group>
                  ) : (
                    <Badge variant="outline" color="gray.8" size="lg" className="veil-badges" data-testid={`receipt-status-${k.kitNumber}`} data-status={k.status}>
                      {t(`receive.kitStatus.${k.status}`)}
                    </Badge>
                  )}
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </Table.ScrollContainer>

      {marking && (
        <MarkKitModal
          shipment={shipment}
          kitNumber={marking.kitNumber}
          initialOutcome={marking.outcome}
          onClose={() => setMarking(null)}
          onDone={(s) => {
            setMarking(null);
            setShipment(s);
          }}
        />
      )}
      {finishing && (
        <FinishReceiptModal
          shipment={shipment}
          onClose={() => setFinishing(false)}
          onDone={(s) => {
            setFinishing(false);
            setShipment(s);
          }}
        />
      )}
    </Stack>
  );
}
