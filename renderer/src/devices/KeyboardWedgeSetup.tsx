import { ActionIcon, Alert, Button, Card, Checkbox, Group, NativeSelect, NumberInput, Stack, Table, Text, TextInput, Title, Tooltip, VisuallyHidden } from '@mantine/core';
import { IconCheck, IconDeviceFloppy, IconKeyboard, IconPlus, IconScan, IconTrash } from '@tabler/icons-react';
import { useEffect, useRef, useState, type KeyboardEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { ErrorAlert } from '../common/ErrorAlert';
import { adoptWedgeSettings } from '../common/scan/wedgeSettings';
import { burstShape, FieldBurst, gapsOf, suffixKeys, type KeystrokeClass, type WedgeScanner, type WedgeSettings, type WedgeSuffix } from '../common/scan/wedgeClassifier';
import { useVeilAction } from '../common/useVeilAction';
import { translateServerMessage } from '../i18n/serverMessages';
import { client } from '../transport/client';

type EndKey = 'Enter' | 'Tab' | 'both';

const endKeyOf = (s: WedgeScanner): EndKey => (s.suffixes.length === 2 ? 'both' : s.suffixes[0]!);
const suffixesOf = (key: EndKey): WedgeSuffix[] => (key === 'both' ? ['Enter', 'Tab'] : [key]);

/** The last burst checked on this card: how it was read, and its timing. */
interface Checked {
  verdict: KeystrokeClass;
  keys: number;
  typicalMs: number;
  medianMs: number;
  slowestMs: number;
}

/**
 * Keyboard-wedge scanners (Devices screen): how each scanner at the site frames its codes, as set up with its manual's
 * configuration barcodes: a prefix, the end key, AIM symbology identifiers. Veil tells a scan from typing with these and
 * the keys' timing (21 CFR 11.10(h): the input source is checked). The check box below reads any scan and says how it
 * was taken, so the set-up is verified at the bench.
 */
export function KeyboardWedgeSetup({ canManage }: { canManage: boolean }) {
  const { t } = useTranslation();
  const [saved, setSaved] = useState<WedgeSettings | null>(null);
  const [form, setForm] = useState<WedgeSettings | null>(null);
  const [done, setDone] = useState(false);
  const load = useVeilAction();
  const save = useVeilAction();

  useEffect(() => {
    void (async () => {
      const result = await load.run(() => client.devices.keyboardWedge({}));
      if (result.ok) {
        setSaved(result.value);
        setForm(result.value);
      }
    })();
  }, [load.run]);

  if (!form || !saved) return <ErrorAlert error={load.error} />;
  const dirty = JSON.stringify(form) !== JSON.stringify(saved);
  const setScanner = (index: number, change: Partial<WedgeScanner>) => {
    setDone(false);
    setForm({ ...form, scanners: form.scanners.map((s, i) => (i === index ? { ...s, ...change } : s)) });
  };
  const scannerIssue = (index: number, field: string) => {
    const issue = save.error?.issues?.find((i) => i.path.join('.') === `scanners.${index}.${field}`);
    return issue ? translateServerMessage(issue, t) : undefined;
  };

  async function onSave() {
    setDone(false);
    const result = await save.run(() => client.devices.configureKeyboardWedge(form!));
    if (result.ok) {
      adoptWedgeSettings(result.value);
      setSaved(result.value);
      setForm(result.value);
      setDone(true);
    }
  }

  return (
    <Card withBorder radius="md" p="lg" data-testid="wedge-setup">
      <Stack gap="md">
        <Stack gap={2}>
          <Title order={2} fz="h4">
            <IconKeyboard size="1em" aria-hidden style={{ verticalAlign: '-0.12em', marginRight: '0.35em' }} />
            {t('devices.wedge.title')}
          </Title>
          <Text c="dimmed">{t('devices.wedge.intro')}</Text>
        </Stack>
        <Table.ScrollContainer minWidth={720}>
          <Table verticalSpacing="xs" data-testid="wedge-scanners">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>{t('devices.wedge.name')}</Table.Th>
                <Table.Th w={120}>{t('devices.wedge.prefix')}</Table.Th>
                <Table.Th w={210}>{t('devices.wedge.endKey')}</Table.Th>
                <Table.Th w={130}>{t('devices.wedge.aim')}</Table.Th>
                <Table.Th w={48}>
                  <VisuallyHidden>{t('devices.wedge.actions')}</VisuallyHidden>
                </Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {form.scanners.map((s, i) => (
                <Table.Tr key={i} data-testid={`wedge-scanner-${i}`}>
                  <Table.Td>
                    <TextInput aria-label={t('devices.wedge.name')} value={s.name} disabled={!canManage} onChange={(e) => setScanner(i, { name: e.currentTarget.value })} error={scannerIssue(i, 'name')} data-testid={`wedge-name-${i}`} />
                  </Table.Td>
                  <Table.Td>
                    <TextInput
                      aria-label={t('devices.wedge.prefix')}
                      value={s.prefix}
                      placeholder={t('devices.wedge.noPrefix')}
                      disabled={!canManage}
                      onChange={(e) => setScanner(i, { prefix: e.currentTarget.value })}
                      error={scannerIssue(i, 'prefix')}
                      ff="monospace"
                      data-testid={`wedge-prefix-${i}`}
                    />
                  </Table.Td>
                  <Table.Td>
                    <NativeSelect
                      aria-label={t('devices.wedge.endKey')}
                      value={endKeyOf(s)}
                      disabled={!canManage}
                      onChange={(e) => setScanner(i, { suffixes: suffixesOf(e.currentTarget.value as EndKey) })}
                      data={(['Enter', 'Tab', 'both'] as const).map((key) => ({ value: key, label: t(`devices.wedge.endKeys.${key}`) }))}
                      data-testid={`wedge-end-${i}`}
                    />
                  </Table.Td>
                  <Table.Td>
                    <Checkbox label={t('devices.wedge.aimYes')} checked={s.aim} disabled={!canManage} onChange={(e) => setScanner(i, { aim: e.currentTarget.checked })} data-testid={`wedge-aim-${i}`} />
                  </Table.Td>
                  <Table.Td>
                    {canManage && form.scanners.length > 1 && (
                      <Tooltip label={t('devices.wedge.remove', { name: s.name })}>
                        <ActionIcon variant="subtle" color="gray" aria-label={t('devices.wedge.remove', { name: s.name })} onClick={() => setForm({ ...form, scanners: form.scanners.filter((_, j) => j !== i) })}>
                          <IconTrash size="1.1em" aria-hidden />
                        </ActionIcon>
                      </Tooltip>
                    )}
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
        <Group gap="md" align="flex-end" wrap="wrap">
          {canManage && form.scanners.length < 8 && (
            <Button
              variant="default"
              leftSection={<IconPlus size="1em" aria-hidden />}
              onClick={() => setForm({ ...form, scanners: [...form.scanners, { name: t('devices.wedge.newName', { number: form.scanners.length + 1 }), prefix: '', suffixes: ['Enter'], aim: false }] })}
              data-testid="wedge-add"
            >
              {t('devices.wedge.add')}
            </Button>
          )}
          <NumberInput label={t('devices.wedge.minLength')} value={form.minLength} min={4} max={30} disabled={!canManage} onChange={(v) => typeof v === 'number' && setForm({ ...form, minLength: v })} error={save.fieldError('minLength')} maw={200} />
          <NumberInput
            label={t('devices.wedge.fastKeyMs')}
            value={form.fastKeyMs}
            min={10}
            max={60}
            suffix=" ms"
            disabled={!canManage}
            onChange={(v) => typeof v === 'number' && setForm({ ...form, fastKeyMs: v })}
            error={save.fieldError('fastKeyMs')}
            maw={240}
          />
        </Group>
        <ErrorAlert error={save.error} testId="wedge-error" />
        {canManage && (
          <Group gap="sm">
            <Button leftSection={<IconDeviceFloppy size="1.1em" aria-hidden />} onClick={() => void onSave()} loading={save.busy} disabled={!dirty} data-testid="wedge-save">
              {t('devices.setup.save')}
            </Button>
            {done && !dirty && (
              <Text size="sm" c="teal.8" fw={600} data-testid="wedge-saved">
                <IconCheck size="1em" aria-hidden /> {t('devices.setup.saved')}
              </Text>
            )}
          </Group>
        )}
        <ScannerCheck settings={saved} />
      </Stack>
    </Card>
  );
}

/**
 * Scan anything here: the card says whether it was read as a scan (and from which scanner) or as typing, with the
 * timing it saw. The field is left alone by the scan listener (data-scan-off): nothing scanned here goes anywhere.
 */
function ScannerCheck({ settings }: { settings: WedgeSettings }) {
  const { t } = useTranslation();
  const burst = useRef(new FieldBurst());
  const times = useRef<number[]>([]);
  const [value, setValue] = useState('');
  const [checked, setChecked] = useState<Checked | null>(null);

  function onKeyDown(event: KeyboardEvent<HTMLInputElement>) {
    const stroke = { key: event.key, time: event.timeStamp, withModifier: event.ctrlKey || event.metaKey || (event.altKey && event.key.length !== 1), repeat: event.repeat };
    if (!suffixKeys(settings).has(event.key)) {
      burst.current.key(stroke);
      if (event.key.length === 1) times.current.push(event.timeStamp);
      else if (event.key !== 'Shift') times.current = [];
      return;
    }
    event.preventDefault();
    const { verdict } = burst.current.judge(event.key as WedgeSuffix, event.timeStamp, settings);
    const shape = burstShape(gapsOf([...times.current, event.timeStamp]), settings.fastKeyMs);
    times.current = [];
    setChecked({ verdict, keys: shape.keys, typicalMs: shape.typicalGapMs, medianMs: shape.medianGapMs, slowestMs: shape.slowestGapMs });
    setValue('');
  }

  const ms = (n: number) => (Number.isFinite(n) ? Math.round(n) : '—');
  return (
    <Stack gap="xs" data-scan-off data-testid="wedge-check">
      <TextInput
        label={t('devices.wedge.check')}
        description={t('devices.wedge.checkHint')}
        value={value}
        onChange={(e) => setValue(e.currentTarget.value)}
        onKeyDown={onKeyDown}
        leftSection={<IconScan size="1.1em" aria-hidden />}
        autoComplete="off"
        spellCheck={false}
        data-testid="wedge-check-field"
      />
      {checked && (
        <Alert
          variant="light"
          color={checked.verdict.kind === 'scan' ? 'teal' : 'orange'}
          title={checked.verdict.kind === 'scan' ? t('devices.wedge.readAsScan', { scanner: checked.verdict.scanner }) : t(`devices.wedge.readAsTyping.${checked.verdict.why}`)}
          data-testid="wedge-check-result"
          data-kind={checked.verdict.kind}
        >
          {t('devices.wedge.timing', { count: checked.keys, typical: ms(checked.typicalMs), median: ms(checked.medianMs), slowest: ms(checked.slowestMs) })}
        </Alert>
      )}
    </Stack>
  );
}
