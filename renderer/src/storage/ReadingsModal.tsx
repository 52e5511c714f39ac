import { Button, FileInput, Group, Modal, NumberInput, SimpleGrid, Stack, Text, TextInput, Title } from '@mantine/core';
import { useForm } from '@mantine/form';
import { IconFileImport } from '@tabler/icons-react';
import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { contract } from '../../../shared/contract';
import { contractValidate, translatedError } from '../common/contractForm';
import { ErrorAlert } from '../common/ErrorAlert';
import { useVeilAction } from '../common/useVeilAction';
import { translateServerMessage } from '../i18n/serverMessages';
import { client } from '../transport/client';
import type { Location } from './types';

interface MinMaxValues {
  readAt: string;
  minCelsius: number | string;
  maxCelsius: number | string;
}

/** A datetime-local field's value ("2026-11-02T08:00") as an ISO time with the machine's offset. */
function isoOfLocal(value: string): string {
  const at = new Date(value);
  return Number.isNaN(at.getTime()) ? value : at.toISOString();
}

function localNow(): string {
  const now = new Date();
  now.setMinutes(now.getMinutes() - now.getTimezoneOffset());
  return now.toISOString().slice(0, 16);
}

const validateMinMax = contractValidate<MinMaxValues>(contract.coldChain.recordMinMax.input.omit({ locationId: true }), (v) => ({ readAt: isoOfLocal(v.readAt), minCelsius: v.minCelsius, maxCelsius: v.maxCelsius }));

export type ReadingsOutcome = { kind: 'imported'; readings: number; excursionIds: number[]; duplicate: boolean } | { kind: 'recorded'; excursionIds: number[] };

/**
 * A location's temperatures: its logger's export imported as a file (a bad file is refused by the core with its line,
 * shown by key), or a hand-read min/max check.
 */
export function ReadingsModal({ location, onClose, onDone }: { location: Location; onClose: () => void; onDone: (outcome: ReadingsOutcome) => void }) {
  const { t } = useTranslation();
  const [file, setFile] = useState<File | null>(null);
  const importing = useVeilAction();
  const recording = useVeilAction();
  const form = useForm<MinMaxValues>({ initialValues: { readAt: localNow(), minCelsius: '', maxCelsius: '' }, validate: validateMinMax });
  const fieldError = (field: keyof MinMaxValues) => translatedError(form.errors, field, translateServerMessage, t) ?? recording.fieldError(field);

  async function importFile() {
    if (!file) return;
    const content = await file.text();
    const result = await importing.run(() => client.coldChain.importLog({ locationId: location.id, fileName: file.name, content }));
    if (result.ok) onDone({ kind: 'imported', readings: result.value.readings, excursionIds: result.value.excursionIds, duplicate: result.value.duplicateOf !== null });
  }

  async function record(event: FormEvent) {
    event.preventDefault();
    recording.clear();
    if (form.validate().hasErrors) return;
    const v = form.values;
    const result = await recording.run(() => client.coldChain.recordMinMax({ locationId: location.id, readAt: isoOfLocal(v.readAt), minCelsius: Number(v.minCelsius), maxCelsius: Number(v.maxCelsius) }));
    if (result.ok) onDone({ kind: 'recorded', excursionIds: result.value.excursionIds });
  }

  return (
    <Modal opened onClose={onClose} title={t('storage.readings.title', { name: location.name })} size="lg">
      <Stack gap="lg">
        <Stack gap="sm" data-testid="import-log">
          <Title order={3} fz="h4">
            {t('storage.readings.importTitle')}
          </Title>
          <Text size="sm" c="dimmed">
            {t('storage.readings.importHint')}
          </Text>
          <FileInput label={t('storage.readings.file')} accept=".csv,.txt,text/csv,text/plain" value={file} onChange={setFile} clearable data-testid="import-log-file" />
          <ErrorAlert error={importing.error} />
          <Group justify="flex-end">
            <Button leftSection={<IconFileImport size="1.1em" aria-hidden />} disabled={!file} loading={importing.busy} onClick={() => void importFile()} data-testid="import-log-submit">
              {t('storage.readings.import')}
            </Button>
          </Group>
        </Stack>
        <form onSubmit={record} noValidate data-testid="minmax-form">
          <Stack gap="sm">
            <Title order={3} fz="h4">
              {t('storage.readings.minMaxTitle')}
            </Title>
            <TextInput type="datetime-local" label={t('storage.readings.readAt')} {...form.getInputProps('readAt')} error={fieldError('readAt')} maw={280} data-testid="minmax-at" />
            <SimpleGrid cols={{ base: 1, sm: 2 }} spacing="md">
              <NumberInput label={t('storage.readings.min')} decimalScale={1} step={0.1} {...form.getInputProps('minCelsius')} error={fieldError('minCelsius')} data-testid="minmax-min" />
              <NumberInput label={t('storage.readings.max')} decimalScale={1} step={0.1} {...form.getInputProps('maxCelsius')} error={fieldError('maxCelsius')} data-testid="minmax-max" />
            </SimpleGrid>
            <ErrorAlert error={recording.error} />
            <Group justify="flex-end">
              <Button type="submit" variant="light" loading={recording.busy} data-testid="minmax-submit">
                {t('storage.readings.record')}
              </Button>
            </Group>
          </Stack>
        </form>
      </Stack>
    </Modal>
  );
}
