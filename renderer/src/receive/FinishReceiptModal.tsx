import { Alert, Button, Group, Modal, Radio, Stack, Text, Textarea } from '@mantine/core';
import { IconAlertTriangle, IconTemperatureOff, IconTemperaturePlus, IconThermometer } from '@tabler/icons-react';
import { useForm } from '@mantine/form';
import type { FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { translatedError } from '../common/contractForm';
import { TranslatedErrorAlert } from '../common/TranslatedErrorAlert';
import { useVeilAction } from '../common/useVeilAction';
import { client } from '../transport/client';
import { receiptMessage, validateReceipt, type Receipt } from './receiveForms';
import { receiveMessage } from './receiveMessages';
import type { Shipment, Temperature } from './types';

const ICONS = { no_alarm: IconThermometer, alarm: IconTemperaturePlus, no_monitor: IconTemperatureOff } as const;

/**
 * Finishing a receipt: the temperature-monitor question. An alarm needs a description (what the monitor showed) and
 * sends every received kit of the shipment to quarantine until the unblinded pharmacist releases or rejects it.
 * Validated by shipments.close's schema before the call (receiveForms.ts).
 */
export function FinishReceiptModal({ shipment, onClose, onDone }: { shipment: Shipment; onClose: () => void; onDone: (s: Shipment) => void }) {
  const { t } = useTranslation();
  const form = useForm<Receipt>({ initialValues: { temperature: null, description: '' }, validate: validateReceipt });
  const { temperature, description } = form.values;
  const action = useVeilAction();
  // The form's refusal (shipments.close's schema, checked here) or the host's, in the user's language.
  const fieldError = (field: 'temperature' | 'reason') => translatedError(form.errors, field, receiptMessage, t) ?? action.fieldError(field);

  async function submit(event: FormEvent) {
    event.preventDefault();
    action.clear();
    if (form.validate().hasErrors || !temperature) return;
    const reason = description.trim();
    const result = await action.run(() => client.shipments.close({ shipmentId: shipment.id, temperature, ...(reason ? { reason } : {}) }));
    if (result.ok) onDone(result.value);
  }

  const option = (value: Temperature) => {
    const Icon = ICONS[value];
    return (
      <Radio.Card key={value} value={value} px="md" py="sm" radius="md" withBorder data-testid={`temperature-${value}`}>
        <Group wrap="nowrap" align="flex-start" gap="md">
          <Radio.Indicator mt={4} />
          <Icon size="1.6em" aria-hidden style={{ flexShrink: 0 }} />
          <Stack gap={0}>
            <Text fw={700} fz="lg">
              {t(`receive.temperature.${value}`)}
            </Text>
            <Text size="sm" c="dimmed">
              {t(`receive.finish.${value}Explanation`)}
            </Text>
          </Stack>
        </Group>
      </Radio.Card>
    );
  };

  return (
    <Modal opened onClose={onClose} title={t('receive.finish.title', { reference: shipment.reference })} size="xl" data-testid="finish-receipt-modal">
      <form onSubmit={submit} noValidate data-testid="finish-receipt-form">
        <Stack gap="md">
          <Text fz="lg" fw={600}>
            {t('receive.finish.question')}
          </Text>
          <Radio.Group
            value={temperature}
            onChange={(v) => {
              form.setFieldValue('temperature', v as Temperature);
              form.clearErrors();
              action.clear();
            }}
            error={fieldError('temperature')}
          >
            <Stack gap="sm">{(['no_alarm', 'alarm', 'no_monitor'] as const).map(option)}</Stack>
          </Radio.Group>
          {temperature === 'alarm' && (
            <>
              <Textarea
                label={t('receive.finish.alarmDescription')}
                description={t('receive.finish.alarmDescriptionHint')}
                value={description}
                onChange={(e) => {
                  form.setFieldValue('description', e.currentTarget.value);
                  if (fieldError('reason')) {
                    form.clearFieldError('reason');
                    action.clear();
                  }
                }}
                error={fieldError('reason')}
                autosize
                minRows={2}
                size="md"
                data-testid="temperature-alarm-description"
              />
              <Alert color="orange" variant="light" icon={<IconAlertTriangle aria-hidden />} title={t('receive.finish.quarantineTitle')} data-testid="quarantine-warning">
                {t('receive.finish.quarantineWarning', { count: shipment.counts.received })}
              </Alert>
            </>
          )}
          <Text size="sm" c="dimmed">
            {t('receive.finish.summary', {
              counts: [t('receive.counts.received', { count: shipment.counts.received }), t('receive.counts.damaged', { count: shipment.counts.damaged }), t('receive.counts.missing', { count: shipment.counts.missing })].join(', '),
            })}
          </Text>
          <TranslatedErrorAlert error={action.error} translate={receiveMessage} />
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>
              {t('common.cancel')}
            </Button>
            <Button type="submit" loading={action.busy} data-testid="finish-receipt-submit">
              {t('receive.finish.submit')}
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
