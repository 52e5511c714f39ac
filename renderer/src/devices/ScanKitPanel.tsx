import { Autocomplete, Button, Card, Code, Group, Stack, Text, ThemeIcon, Title } from '@mantine/core';
import { IconBarcode, IconCode, IconScan } from '@tabler/icons-react';
import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type { EventPayload } from '../../../shared/contract';
import { ErrorAlert } from '../common/ErrorAlert';
import { formatDateTime } from '../common/format';
import { useVeilAction } from '../common/useVeilAction';
import { client } from '../transport/client';
import { LabelImage } from '../labels/LabelImage';
import type { DevicesStatusValue } from './types';

export type DeviceScan = EventPayload<'devices.scan'>;

/**
 * Browser-mode developer panel (simulator only): "scan" a kit with the virtual HID POS scanner. The code goes out as
 * the scanner's real HID reports and comes back through Veil's production driver as a devices.scan event. Beside it,
 * what the virtual printers received.
 */
export function ScanKitPanel({ status, kits, lastScan }: { status: DevicesStatusValue; kits: string[]; lastScan: DeviceScan | null }) {
  const { t, i18n } = useTranslation();
  const [code, setCode] = useState('');
  const [sent, setSent] = useState<{ reports: number; scanner: string; firstReport: string } | null>(null);
  const { run, busy, error } = useVeilAction();
  const sim = status.simulator;

  async function onSubmit(event: FormEvent) {
    event.preventDefault();
    const value = code.trim();
    if (!value) return;
    const result = await run(() => client.devices.simulateScan({ code: value }));
    if (result.ok) setSent(result.value);
  }

  return (
    <Card withBorder radius="md" p="lg" data-testid="scan-kit-panel" style={{ borderStyle: 'dashed', borderWidth: 2, borderColor: 'var(--mantine-color-grape-5)' }}>
      <Group gap="sm" mb="xs">
        <ThemeIcon size="lg" radius="md" variant="light" color="grape" aria-hidden>
          <IconCode size="1.3em" />
        </ThemeIcon>
        <Title order={2} fz="h4">
          {t('devices.scanKit.title')}
        </Title>
      </Group>
      <Text size="sm" c="dimmed" mb="md">
        {t('devices.scanKit.description')}
      </Text>
      <Stack gap="md">
        <form onSubmit={(e) => void onSubmit(e)}>
          <Group align="flex-end" gap="sm">
            <Autocomplete
              label={t('devices.scanKit.code')}
              placeholder={t('devices.scanKit.placeholder')}
              value={code}
              onChange={setCode}
              data={kits}
              limit={12}
              miw={260}
              leftSection={<IconBarcode size="1.1em" aria-hidden />}
              styles={{ input: { fontFamily: 'var(--mantine-font-family-monospace)' } }}
              data-testid="scan-kit-code"
              data-scan-keep-focus="false"
            />
            <Button type="submit" color="grape" leftSection={<IconScan size="1.1em" aria-hidden />} loading={busy} disabled={!code.trim()} data-testid="scan-kit-submit">
              {t('devices.scanKit.scan')}
            </Button>
          </Group>
        </form>
        <ErrorAlert error={error} />
        {sent && (
          <Text size="sm" data-testid="scan-kit-sent">
            {t('devices.scanKit.sent', { count: sent.reports, scanner: sent.scanner })} <Code>{sent.firstReport}</Code>
          </Text>
        )}
        <Stack gap={4} data-testid="scan-kit-last">
          <Text fw={600}>{t('devices.scanKit.lastScan')}</Text>
          {lastScan ? (
            <Group gap="sm">
              <Code fz="lg" data-testid="scan-kit-last-code">
                {lastScan.code.split(String.fromCharCode(0x1d)).join('<GS>')}
              </Code>
              <Text size="sm" c="dimmed">
                {lastScan.symbology} · {lastScan.scanner} · {formatDateTime(lastScan.at, i18n.language)}
              </Text>
            </Group>
          ) : (
            <Text size="sm" c="dimmed">
              {t('devices.scanKit.none')}
            </Text>
          )}
        </Stack>
        <Stack gap={4} data-testid="sim-dymo-output">
          <Text fw={600}>{t('devices.scanKit.dymoOutput', { count: sim.dymoLabels })}</Text>
          {sim.lastDymoLabel ? (
            <div style={{ padding: 8, background: 'var(--mantine-color-gray-1)', borderRadius: 6 }}>
              <LabelImage pngBase64={sim.lastDymoLabel.pngBase64} alt={t('devices.scanKit.dymoAlt')} maxWidth={760} />
            </div>
          ) : (
            <Text size="sm" c="dimmed">
              {t('devices.scanKit.dymoNone')}
            </Text>
          )}
        </Stack>
        <Stack gap={4} data-testid="sim-zpl-output">
          <Text fw={600}>{t('devices.scanKit.zplOutput', { count: sim.zplJobs })}</Text>
          {sim.lastZpl ? (
            <Code block mah={180} style={{ overflow: 'auto', fontSize: 11 }}>
              {sim.lastZpl}
            </Code>
          ) : (
            <Text size="sm" c="dimmed">
              {t('devices.scanKit.zplNone')}
            </Text>
          )}
        </Stack>
      </Stack>
    </Card>
  );
}
