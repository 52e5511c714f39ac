import { Alert, Button, Card, Group, NativeSelect, NumberInput, SimpleGrid, Stack, Text, TextInput, Title } from '@mantine/core';
import { IconCheck, IconDeviceFloppy, IconPrinter, IconTestPipe, IconX } from '@tabler/icons-react';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { ChannelInput, ChannelOutput } from '../../../shared/contract';
import { ErrorAlert } from '../common/ErrorAlert';
import { useVeilAction } from '../common/useVeilAction';
import { translateServerMessage } from '../i18n/serverMessages';
import { client } from '../transport/client';
import { LabelImage } from '../labels/LabelImage';
import type { LabelKind } from '../labels/labelTypes';
import type { DevicesStatusValue } from './types';

type Choice = DevicesStatusValue['settings']['syringe'];
type PrinterType = 'dymo' | 'zebra_tcp' | 'zebra_queue' | 'simulated_zebra';
type Size = ChannelInput<'devices.configurePrinter'>['choice'] extends infer C ? (C extends { labelSize: infer S } ? S : never) : never;

const TAPE_SIZES: Size[] = ['tape_12mm', 'tape_9mm', 'tape_6mm'];
const ZEBRA_SIZES: Size[] = ['zebra_102x51', 'zebra_102x76', 'zebra_57x32', 'zebra_51x25'];

interface Form {
  type: PrinterType | '';
  host: string;
  port: number;
  queue: string;
  labelSize: Size;
}

function formOf(choice: Choice): Form {
  const p = choice?.printer;
  return {
    type: p?.type ?? '',
    host: p?.type === 'zebra_tcp' ? p.host : '',
    port: p?.type === 'zebra_tcp' ? p.port : 9100,
    queue: p?.type === 'zebra_queue' ? p.queue : '',
    labelSize: choice?.labelSize ?? 'tape_12mm',
  };
}

function choiceOf(form: Form): ChannelInput<'devices.configurePrinter'>['choice'] {
  switch (form.type) {
    case '':
      return null;
    case 'dymo':
      return { printer: { type: 'dymo' }, labelSize: form.labelSize };
    case 'zebra_tcp':
      return { printer: { type: 'zebra_tcp', host: form.host, port: form.port }, labelSize: form.labelSize };
    case 'zebra_queue':
      return { printer: { type: 'zebra_queue', queue: form.queue }, labelSize: form.labelSize };
    case 'simulated_zebra':
      return { printer: { type: 'simulated_zebra' }, labelSize: form.labelSize };
  }
}

function KindSetup({ kind, status, canManage, onSaved }: { kind: LabelKind; status: DevicesStatusValue; canManage: boolean; onSaved: (s: DevicesStatusValue) => void }) {
  const { t } = useTranslation();
  const [form, setForm] = useState<Form>(() => formOf(status.settings[kind]));
  const [saved, setSaved] = useState(false);
  const [test, setTest] = useState<ChannelOutput<'devices.testPrint'> | null>(null);
  const save = useVeilAction();
  const testing = useVeilAction();
  const sizes = form.type === 'dymo' ? TAPE_SIZES : ZEBRA_SIZES;
  const types: PrinterType[] = ['dymo', 'zebra_tcp', 'zebra_queue', ...(status.simulator.active ? (['simulated_zebra'] as const) : [])];
  const current = JSON.stringify(status.settings[kind]);
  const dirty = JSON.stringify(choiceOf(form)) !== current;
  // Saved here or elsewhere: the form shows what is saved.
  useEffect(() => {
    setForm(formOf(JSON.parse(current) as Choice));
  }, [current]);

  const setType = (type: PrinterType | '') => {
    const nextSizes = type === 'dymo' ? TAPE_SIZES : ZEBRA_SIZES;
    setForm((f) => ({ ...f, type, labelSize: nextSizes.includes(f.labelSize) ? f.labelSize : nextSizes[0]! }));
    setSaved(false);
  };

  async function onSave() {
    setSaved(false);
    const result = await save.run(() => client.devices.configurePrinter({ kind, choice: choiceOf(form) }));
    if (result.ok) {
      setSaved(true);
      onSaved(result.value);
    }
  }

  async function onTest() {
    setTest(null);
    const result = await testing.run(() => client.devices.testPrint({ kind }));
    if (result.ok) setTest(result.value);
  }

  return (
    <Stack gap="sm" data-testid={`printer-setup-${kind}`}>
      <Title order={3} fz="h5">
        {t(kind === 'syringe' ? 'devices.kinds.syringe' : 'devices.kinds.carton')}
      </Title>
      <NativeSelect
        label={t('devices.setup.printer')}
        value={form.type}
        disabled={!canManage}
        onChange={(e) => setType(e.currentTarget.value as PrinterType | '')}
        data={[{ value: '', label: t('devices.setup.noPrinter') }, ...types.map((type) => ({ value: type, label: t(`devices.printers.type.${type}`) }))]}
        data-testid={`printer-type-${kind}`}
      />
      {form.type === 'zebra_tcp' && (
        <Group grow align="flex-start">
          <TextInput label={t('devices.setup.host')} value={form.host} onChange={(e) => setForm({ ...form, host: e.currentTarget.value })} disabled={!canManage} placeholder="192.0.2.10" />
          <NumberInput label={t('devices.setup.port')} value={form.port} onChange={(v) => setForm({ ...form, port: typeof v === 'number' ? v : 9100 })} min={1} max={65535} disabled={!canManage} maw={120} />
        </Group>
      )}
      {form.type === 'zebra_queue' && <TextInput label={t('devices.setup.queue')} value={form.queue} onChange={(e) => setForm({ ...form, queue: e.currentTarget.value })} disabled={!canManage} placeholder="Zebra_ZD421" />}
      {form.type !== '' && (
        <NativeSelect
          label={t('devices.setup.labelSize')}
          value={form.labelSize}
          disabled={!canManage}
          onChange={(e) => setForm({ ...form, labelSize: e.currentTarget.value as Size })}
          data={sizes.map((s) => ({ value: s, label: t(`devices.setup.sizes.${s}`) }))}
          data-testid={`printer-size-${kind}`}
        />
      )}
      <ErrorAlert error={save.error ?? testing.error} />
      {canManage && (
        <Group gap="sm">
          <Button leftSection={<IconDeviceFloppy size="1.1em" aria-hidden />} onClick={() => void onSave()} loading={save.busy} disabled={!dirty} data-testid={`printer-save-${kind}`}>
            {t('devices.setup.save')}
          </Button>
          <Button variant="default" leftSection={<IconTestPipe size="1.1em" aria-hidden />} onClick={() => void onTest()} loading={testing.busy} disabled={dirty || status.settings[kind] === null} data-testid={`printer-test-${kind}`}>
            {t('devices.setup.testPrint')}
          </Button>
          {saved && !dirty && (
            <Text size="sm" c="teal.8" fw={600}>
              <IconCheck size="1em" aria-hidden /> {t('devices.setup.saved')}
            </Text>
          )}
        </Group>
      )}
      {test && (
        <Alert
          variant="light"
          color={test.ok ? 'teal' : 'red'}
          icon={test.ok ? <IconPrinter aria-hidden /> : <IconX aria-hidden />}
          title={t(test.ok ? 'devices.setup.testPrinted' : 'devices.setup.testFailed')}
          data-testid={`printer-test-result-${kind}`}
          data-ok={test.ok ? 'true' : 'false'}
        >
          <Stack gap="xs">
            <Text size="sm">{test.ok ? t('devices.setup.testSentTo', { printer: test.printer }) : translateServerMessage(test.message, t)}</Text>
            <Text size="xs" c="dimmed">
              {t('devices.setup.testPreview')}
            </Text>
            <LabelImage pngBase64={test.pngBase64} alt={t('devices.setup.testPreview')} maxWidth={360} />
          </Stack>
        </Alert>
      )}
    </Stack>
  );
}

/** The printer and label stock for each label kind, with a test print. */
export function PrinterSetup({ status, canManage, onSaved }: { status: DevicesStatusValue; canManage: boolean; onSaved: (s: DevicesStatusValue) => void }) {
  const { t } = useTranslation();
  return (
    <Card withBorder radius="md" p="lg" data-testid="devices-setup">
      <Title order={2} fz="h4" mb="md">
        {t('devices.setup.title')}
      </Title>
      <SimpleGrid cols={{ base: 1, md: 2 }} spacing="xl">
        <KindSetup kind="syringe" status={status} canManage={canManage} onSaved={onSaved} />
        <KindSetup kind="carton" status={status} canManage={canManage} onSaved={onSaved} />
      </SimpleGrid>
    </Card>
  );
}
