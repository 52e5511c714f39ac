import { Button, Group, Modal, NativeSelect, NumberInput, SimpleGrid, Stack, TextInput } from '@mantine/core';
import { useForm } from '@mantine/form';
import type { FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { contract } from '../../../shared/contract';
import { contractValidate, translatedError } from '../common/contractForm';
import { ErrorAlert } from '../common/ErrorAlert';
import { useVeilAction } from '../common/useVeilAction';
import { translateServerMessage } from '../i18n/serverMessages';
import { client } from '../transport/client';
import type { Location } from './types';

export const LOCATION_KINDS = ['fridge', 'freezer', 'cabinet', 'quarantine_shelf'] as const;
type Kind = (typeof LOCATION_KINDS)[number];

interface LocationValues {
  name: string;
  kind: Kind;
  minCelsius: number | string;
  maxCelsius: number | string;
  calibrationDue: string;
  barcode: string;
}

/** The form's values in coldChain.saveLocation's shape: an empty number stays a string, which the contract refuses. */
const toInput = (v: LocationValues) => ({ name: v.name, kind: v.kind, minCelsius: v.minCelsius, maxCelsius: v.maxCelsius, calibrationDue: v.calibrationDue || null, barcode: v.barcode });
const validateLocation = contractValidate<LocationValues>(contract.coldChain.saveLocation.input, toInput);

/** Adds a storage location, or changes one (its range, calibration due date, barcode), validated by the contract. */
export function LocationModal({ editing, onClose, onSaved }: { editing: Location | 'new'; onClose: () => void; onSaved: () => void }) {
  const { t } = useTranslation();
  const initial: LocationValues =
    editing === 'new'
      ? { name: '', kind: 'fridge', minCelsius: 2, maxCelsius: 8, calibrationDue: '', barcode: '' }
      : { name: editing.name, kind: editing.kind, minCelsius: editing.minCelsius, maxCelsius: editing.maxCelsius, calibrationDue: editing.calibrationDue ?? '', barcode: editing.barcode };
  const form = useForm<LocationValues>({ initialValues: initial, validate: validateLocation });
  const action = useVeilAction();
  const fieldError = (field: keyof LocationValues) => translatedError(form.errors, field, translateServerMessage, t) ?? action.fieldError(field);

  async function submit(event: FormEvent) {
    event.preventDefault();
    action.clear();
    if (form.validate().hasErrors) return;
    const v = form.values;
    const input = { ...toInput(v), minCelsius: Number(v.minCelsius), maxCelsius: Number(v.maxCelsius) };
    const result = await action.run(() => client.coldChain.saveLocation(editing === 'new' ? input : { ...input, id: editing.id }));
    if (result.ok) onSaved();
  }

  return (
    <Modal opened onClose={onClose} title={editing === 'new' ? t('storage.location.addTitle') : t('storage.location.editTitle', { name: editing.name })} size="lg">
      <form onSubmit={submit} noValidate data-testid="location-form">
        <Stack gap="md">
          <SimpleGrid cols={{ base: 1, sm: 2 }} spacing="md">
            <TextInput label={t('storage.location.name')} {...form.getInputProps('name')} error={fieldError('name')} data-autofocus data-testid="location-name" />
            <NativeSelect
              label={t('storage.location.kind')}
              value={form.values.kind}
              onChange={(e) => form.setFieldValue('kind', e.currentTarget.value as Kind)}
              data={LOCATION_KINDS.map((k) => ({ value: k, label: t(`storage.kind.${k}`) }))}
              data-testid="location-kind"
            />
            <NumberInput label={t('storage.location.min')} decimalScale={1} step={0.5} {...form.getInputProps('minCelsius')} error={fieldError('minCelsius')} data-testid="location-min" />
            <NumberInput label={t('storage.location.max')} decimalScale={1} step={0.5} {...form.getInputProps('maxCelsius')} error={fieldError('maxCelsius')} data-testid="location-max" />
            <TextInput type="date" label={t('storage.location.calibrationDue')} {...form.getInputProps('calibrationDue')} error={fieldError('calibrationDue')} data-testid="location-calibration" />
            <TextInput label={t('storage.location.barcode')} description={t('storage.location.barcodeHint')} {...form.getInputProps('barcode')} error={fieldError('barcode')} spellCheck={false} data-testid="location-barcode" />
          </SimpleGrid>
          <ErrorAlert error={action.error} />
          <Group justify="flex-end">
            <Button type="submit" loading={action.busy} data-testid="location-save">
              {t('storage.location.save')}
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
