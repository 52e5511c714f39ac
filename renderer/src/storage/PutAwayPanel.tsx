import { Badge, Button, Group, Paper, Stack, Text, Title } from '@mantine/core';
import { IconBuildingWarehouse, IconX } from '@tabler/icons-react';
import { useCallback, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { kitCodeOf } from '../common/scan/kitCode';
import { ScanField, type ScanSourceValue } from '../common/scan/ScanField';
import { playScanSound } from '../common/scan/scanSounds';
import { ErrorAlert } from '../common/ErrorAlert';
import { useVeilAction } from '../common/useVeilAction';
import { client } from '../transport/client';
import type { Location } from './types';

/**
 * Putting kits away, or moving them: scan the location's barcode first, then the kits, then confirm. Every move is
 * audited by the core; a kit that cannot be stored there is refused by key with nothing changed.
 */
export function PutAwayPanel({ locations, onDone }: { locations: Location[]; onDone: () => void }) {
  const { t } = useTranslation();
  const [target, setTarget] = useState<Location | null>(null);
  const [kits, setKits] = useState<string[]>([]);
  const [source, setSource] = useState<ScanSourceValue>('scanner');
  const [notice, setNotice] = useState<{ tone: 'ok' | 'refused'; text: string } | null>(null);
  const action = useVeilAction();

  const onScan = useCallback(
    (raw: string, from: ScanSourceValue) => {
      const code = raw.trim();
      action.clear();
      const place = locations.find((l) => l.barcode === code);
      if (place) {
        setTarget(place);
        setKits([]);
        setNotice(null);
        playScanSound('success');
        return;
      }
      if (!target) {
        playScanSound('refusal');
        setNotice({ tone: 'refused', text: t('storage.putAway.scanLocationFirst') });
        return;
      }
      const parsed = kitCodeOf(code);
      const add = (kitNumber: string) => {
        setNotice(null);
        setSource(from);
        playScanSound('success');
        setKits((k) => (k.includes(kitNumber) ? k : [...k, kitNumber]));
      };
      if (parsed.ok) return add(parsed.kitNumber);
      if (parsed.kind === 'pack_code') {
        // A manufacturer's GS1 pack code: the core names its kit by the serial, as at receipt (the code as scanned).
        void action.run(() => client.coldChain.resolveKitScan({ code: raw })).then((result) => {
          if (result.ok) add(result.value.kitNumber);
          else playScanSound('refusal');
        });
        return;
      }
      playScanSound('refusal');
      setNotice({ tone: 'refused', text: t('storage.putAway.notAKit') });
    },
    [action, locations, target, t],
  );

  async function confirm() {
    if (!target || kits.length === 0) return;
    const result = await action.run(() => client.coldChain.putAway({ location: { barcode: target.barcode }, kitNumbers: kits, source }));
    if (result.ok) {
      setNotice({ tone: 'ok', text: t('storage.putAway.done', { count: result.value.kitNumbers.length, location: result.value.location.name }) });
      setKits([]);
      onDone();
    }
  }

  return (
    <Paper withBorder p="lg" radius="md" data-testid="put-away-panel">
      <Stack gap="sm">
        <Group gap="sm">
          <IconBuildingWarehouse size="1.5em" aria-hidden />
          <Title order={2} fz="h3">
            {t('storage.putAway.title')}
          </Title>
        </Group>
        <ScanField label={target ? t('storage.putAway.scanKits', { location: target.name }) : t('storage.putAway.scanLocation')} description={t('storage.putAway.hint')} placeholder={t('storage.putAway.placeholder')} onScan={onScan} busy={action.busy} keepFocus={false} testId="put-away-scan" />
        {target && (
          <Group gap="xs" data-testid="put-away-target" data-location={target.barcode}>
            <Text fw={600}>{t('storage.putAway.into', { location: target.name })}</Text>
            <Button size="compact-sm" variant="subtle" color="gray" leftSection={<IconX size="1em" aria-hidden />} onClick={() => { setTarget(null); setKits([]); }} data-testid="put-away-cancel">
              {t('storage.putAway.cancel')}
            </Button>
          </Group>
        )}
        {kits.length > 0 && (
          <Group gap="xs" data-testid="put-away-kits">
            {kits.map((k) => (
              <Badge key={k} size="lg" variant="light" color="gray" radius="sm" ff="monospace">
                {k}
              </Badge>
            ))}
          </Group>
        )}
        {notice && (
          <Text fw={600} c={notice.tone === 'ok' ? 'teal.9' : 'red.9'} role="status" data-testid="put-away-notice">
            {notice.text}
          </Text>
        )}
        <ErrorAlert error={action.error} testId="put-away-error" />
        <Group>
          <Button disabled={!target || kits.length === 0} loading={action.busy} onClick={() => void confirm()} data-testid="put-away-confirm">
            {t('storage.putAway.confirm', { count: kits.length })}
          </Button>
        </Group>
      </Stack>
    </Paper>
  );
}
