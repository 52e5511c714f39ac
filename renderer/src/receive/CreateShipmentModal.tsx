import { Button, FileInput, Group, Modal, SegmentedControl, Stack, Text, TextInput, Textarea } from '@mantine/core';
import { useForm } from '@mantine/form';
import { IconFileTypeCsv, IconListNumbers, IconPackages } from '@tabler/icons-react';
import type { FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { translatedError } from '../common/contractForm';
import { TranslatedErrorAlert } from '../common/TranslatedErrorAlert';
import { useVeilAction } from '../common/useVeilAction';
import { client } from '../transport/client';
import { kitNumbersOf, newShipmentMessage, validateNewShipment, type NewShipment, type ShipmentSource } from './receiveForms';
import { receiveMessage } from './receiveMessages';
import type { Shipment } from './types';

function defaultReference(): string {
  const d = new Date();
  const pad = (n: number) => String(n).padStart(2, '0');
  return `SHP-${d.getFullYear()}${pad(d.getMonth() + 1)}${pad(d.getDate())}-${pad(d.getHours())}${pad(d.getMinutes())}`;
}

/**
 * A new shipment to receive: from the sponsor's manifest (CSV with a kit_number column), a list of kit numbers, or every
 * kit not shipped yet. Validated by shipments.create's schema before the call (receiveForms.ts).
 */
export function CreateShipmentModal({ onClose, onCreated }: { onClose: () => void; onCreated: (s: Shipment) => void }) {
  const { t } = useTranslation();
  const form = useForm<NewShipment>({ initialValues: { reference: defaultReference(), from: 'manifest', file: null, kitText: '' }, validate: validateNewShipment });
  const { reference, from, file, kitText } = form.values;
  const action = useVeilAction();
  const kitNumbers = kitNumbersOf(kitText);
  // The form's refusal (checked here) or the host's (checked again there), in the user's language.
  const fieldError = (field: 'reference' | 'manifest' | 'kits') => translatedError(form.errors, field, newShipmentMessage, t) ?? action.fieldError(field);

  // What was refused (here or by the host) goes when the person changes something.
  function edited(change: Partial<NewShipment>) {
    form.setValues(change);
    form.clearErrors();
    action.clear();
  }

  async function submit(event: FormEvent) {
    event.preventDefault();
    action.clear();
    if (form.validate().hasErrors) return;
    const result = await action.run(async () => {
      if (from === 'manifest' && file) {
        const content = await file.text();
        return client.shipments.create({ reference, from: { kind: 'manifest', fileName: file.name, content } });
      }
      if (from === 'kits') return client.shipments.create({ reference, from: { kind: 'kits', kitNumbers } });
      return client.shipments.create({ reference, from: { kind: 'all_unshipped' } });
    });
    if (result.ok) onCreated(result.value);
  }

  const sourceLabel = (icon: React.ReactNode, label: string) => (
    <Group gap={6} justify="center" wrap="nowrap">
      {icon}
      {label}
    </Group>
  );

  return (
    <Modal opened onClose={onClose} title={t('receive.create.title')} size="xl" data-testid="create-shipment-modal">
      <form onSubmit={submit} noValidate data-testid="create-shipment-form">
        <Stack gap="md">
          <TextInput
            label={t('receive.create.reference')}
            description={t('receive.create.referenceHint')}
            value={reference}
            onChange={(e) => edited({ reference: e.currentTarget.value })}
            error={fieldError('reference')}
            autoComplete="off"
            data-testid="shipment-reference"
          />
          <Stack gap={6}>
            <Text fw={600}>{t('receive.create.from')}</Text>
            <SegmentedControl
              fullWidth
              size="md"
              value={from}
              onChange={(v) => edited({ from: v as ShipmentSource })}
              data={[
                { value: 'manifest', label: sourceLabel(<IconFileTypeCsv size="1.1em" aria-hidden />, t('receive.create.fromManifest')) },
                { value: 'kits', label: sourceLabel(<IconListNumbers size="1.1em" aria-hidden />, t('receive.create.fromKits')) },
                { value: 'all_unshipped', label: sourceLabel(<IconPackages size="1.1em" aria-hidden />, t('receive.create.fromAll')) },
              ]}
              data-testid="shipment-from"
            />
          </Stack>
          {from === 'manifest' && (
            <FileInput
              label={t('receive.create.manifest')}
              description={t('receive.create.manifestHint')}
              placeholder={t('receive.create.manifestPlaceholder')}
              accept=".csv,text/csv,text/plain"
              value={file}
              onChange={(f) => edited({ file: f })}
              error={fieldError('manifest')}
              clearable
              size="md"
              leftSection={<IconFileTypeCsv size="1.2em" aria-hidden />}
              data-testid="shipment-manifest"
            />
          )}
          {from === 'kits' && (
            <Textarea
              label={t('receive.create.kits')}
              description={t('receive.create.kitsHint', { count: kitNumbers.length })}
              value={kitText}
              onChange={(e) => edited({ kitText: e.currentTarget.value })}
              error={fieldError('kits')}
              autosize
              minRows={4}
              maxRows={10}
              size="md"
              styles={{ input: { fontFamily: 'var(--mantine-font-family-monospace)' } }}
              data-testid="shipment-kits"
            />
          )}
          {from === 'all_unshipped' && <Text data-testid="shipment-all-explanation">{t('receive.create.allExplanation')}</Text>}
          <TranslatedErrorAlert error={action.error} translate={receiveMessage} />
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>
              {t('common.cancel')}
            </Button>
            <Button type="submit" loading={action.busy} data-testid="create-shipment-submit">
              {t('receive.create.submit')}
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
