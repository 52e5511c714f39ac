import { Badge, Card, Group, Stack, Text, ThemeIcon, Title } from '@mantine/core';
import { IconAlertTriangle, IconBarcode, IconPlugConnected, IconPlugConnectedX, IconPrinter, IconQuestionMark } from '@tabler/icons-react';
import { useTranslation } from 'react-i18next';
import { formatDateTime } from '../common/format';
import type { DevicesStatusValue } from './types';

const hex4 = (n: number) => n.toString(16).padStart(4, '0');

/** Connected / not connected / not checked yet, in words and with an icon (never colour alone). */
export function StateBadge({ connected, testId }: { connected: boolean | null; testId?: string }) {
  const { t } = useTranslation();
  if (connected === true)
    return (
      <Badge color="teal" variant="light" style={{ flexShrink: 0 }} leftSection={<IconPlugConnected size="1em" aria-hidden />} data-testid={testId} data-state="connected">
        {t('devices.state.connected')}
      </Badge>
    );
  if (connected === false)
    return (
      <Badge color="red" variant="light" style={{ flexShrink: 0 }} leftSection={<IconPlugConnectedX size="1em" aria-hidden />} data-testid={testId} data-state="disconnected">
        {t('devices.state.disconnected')}
      </Badge>
    );
  return (
    <Badge color="gray" variant="outline" style={{ flexShrink: 0 }} leftSection={<IconQuestionMark size="1em" aria-hidden />} data-testid={testId} data-state="unknown">
      {t('devices.state.unknown')}
    </Badge>
  );
}

function Problem({ text }: { text: string }) {
  return (
    <Group gap={6} wrap="nowrap" align="flex-start">
      <IconAlertTriangle size="1.1em" color="var(--mantine-color-red-8)" aria-hidden style={{ flexShrink: 0, marginTop: 2 }} />
      <Text size="sm" c="red.9">
        {text}
      </Text>
    </Group>
  );
}

export function ScannersCard({ status }: { status: DevicesStatusValue }) {
  const { t, i18n } = useTranslation();
  return (
    <Card withBorder radius="md" p="lg" data-testid="devices-scanners">
      <Group gap="sm" mb="md">
        <ThemeIcon size="lg" radius="md" variant="light" aria-hidden>
          <IconBarcode size="1.3em" />
        </ThemeIcon>
        <Title order={2} fz="h4">
          {t('devices.scanners.title')}
        </Title>
      </Group>
      {status.scanners.length === 0 ? (
        <Text c="dimmed">{t('devices.scanners.none')}</Text>
      ) : (
        <Stack gap="md">
          {status.scanners.map((s) => (
            <Stack key={s.id} gap={4} data-testid="scanner-row" data-connected={s.connected ? 'true' : 'false'}>
              <Group justify="space-between" wrap="nowrap">
                <Text fw={700}>{s.name}</Text>
                <StateBadge connected={s.connected} testId="scanner-state" />
              </Group>
              <Text size="sm" c="dimmed">
                {t('devices.scanners.ids', { vendor: hex4(s.vendorId), product: hex4(s.productId) })} · {t('devices.scanners.scans', { count: s.scans })}
                {s.lastScanAt && ` · ${t('devices.scanners.lastScan', { at: formatDateTime(s.lastScanAt, i18n.language) })}`}
              </Text>
              {s.lastError && <Problem text={t('devices.scanners.lastError', { at: formatDateTime(s.lastError.at, i18n.language), message: s.lastError.message })} />}
            </Stack>
          ))}
        </Stack>
      )}
    </Card>
  );
}

export function PrintersCard({ status }: { status: DevicesStatusValue }) {
  const { t, i18n } = useTranslation();
  const kindName = (k: 'syringe' | 'carton') => t(k === 'syringe' ? 'devices.kinds.syringeShort' : 'devices.kinds.cartonShort');
  return (
    <Card withBorder radius="md" p="lg" data-testid="devices-printers">
      <Group gap="sm" mb="md">
        <ThemeIcon size="lg" radius="md" variant="light" aria-hidden>
          <IconPrinter size="1.3em" />
        </ThemeIcon>
        <Title order={2} fz="h4">
          {t('devices.printers.title')}
        </Title>
      </Group>
      {status.printers.length === 0 ? (
        <Text c="dimmed">{t('devices.printers.none')}</Text>
      ) : (
        <Stack gap="md">
          {status.printers.map((p) => (
            <Stack key={p.id} gap={4} data-testid="printer-row" data-printer={p.id}>
              <Group justify="space-between" wrap="nowrap">
                <Text fw={700}>{p.name}</Text>
                <StateBadge connected={p.connected} testId="printer-state" />
              </Group>
              <Text size="sm" c="dimmed">
                {t(`devices.printers.type.${p.type}`)} · {p.usedFor.length ? t('devices.printers.usedFor', { kinds: p.usedFor.map(kindName).join(', ') }) : t('devices.printers.notUsed')}
                {p.lastPrintedAt && ` · ${t('devices.printers.lastPrinted', { at: formatDateTime(p.lastPrintedAt, i18n.language) })}`}
              </Text>
              {p.lastError && <Problem text={t('devices.printers.lastError', { at: formatDateTime(p.lastError.at, i18n.language), message: p.lastError.message })} />}
            </Stack>
          ))}
        </Stack>
      )}
    </Card>
  );
}
