import { Button, Group, Modal, SegmentedControl, Stack, Text, Textarea } from '@mantine/core';
import { IconAlertTriangle, IconQuestionMark } from '@tabler/icons-react';
import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { TranslatedErrorAlert } from '../common/TranslatedErrorAlert';
import { useVeilAction } from '../common/useVeilAction';
import { client } from '../transport/client';
import { receiveMessage } from './receiveMessages';
import type { Shipment } from './types';

export type MarkOutcome = 'damaged' | 'missing';

/** Marks one kit of an open shipment damaged or missing, with the reason kept in the record. */
export function MarkKitModal({ shipment, kitNumber, initialOutcome, onClose, onDone }: { shipment: Shipment; kitNumber: string; initialOutcome: MarkOutcome; onClose: () => void; onDone: (s: Shipment) => void }) {
  const { t } = useTranslation();
  const [outcome, setOutcome] = useState<MarkOutcome>(initialOutcome);
  const [reason, setReason] = useState('');
  const action = useVeilAction();

  async function submit(event: FormEvent) {
    event.preventDefault();
    if (reason.trim().length < 3) {
      action.rejectField('reason', t('receive.mark.reasonNeeded'));
      return;
    }
    const result = await action.run(() => client.shipments.markKit({ shipmentId: shipment.id, kitNumber, outcome, reason }));
    if (result.ok) onDone(result.value);
  }

  return (
    <Modal opened onClose={onClose} title={t('receive.mark.title', { kit: kitNumber })} size="lg" data-testid="mark-kit-modal">
      <form onSubmit={submit} noValidate data-testid="mark-kit-form">
        <Stack gap="md">
          <SegmentedControl
            fullWidth
            size="md"
            value={outcome}
            onChange={(v) => setOutcome(v as MarkOutcome)}
            data={[
              { value: 'damaged', label: <Group gap={6} justify="center" wrap="nowrap"><IconAlertTriangle size="1.1em" aria-hidden />{t('receive.outcome.damaged')}</Group> },
              { value: 'missing', label: <Group gap={6} justify="center" wrap="nowrap"><IconQuestionMark size="1.1em" aria-hidden />{t('receive.outcome.missing')}</Group> },
            ]}
            data-testid="mark-kit-outcome"
          />
          <Text>{outcome === 'damaged' ? t('receive.mark.damagedExplanation') : t('receive.mark.missingExplanation')}</Text>
          <Textarea
            label={t('receive.mark.reason')}
            placeholder={outcome === 'damaged' ? t('receive.mark.damagedPlaceholder') : t('receive.mark.missingPlaceholder')}
            value={reason}
            onChange={(e) => {
              setReason(e.currentTarget.value);
              action.clear();
            }}
            error={action.fieldError('reason')}
            autosize
            minRows={2}
            size="md"
            data-autofocus
            data-testid="mark-kit-reason"
          />
          <TranslatedErrorAlert error={action.error} translate={receiveMessage} />
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>
              {t('common.cancel')}
            </Button>
            <Button type="submit" color={outcome === 'damaged' ? 'orange.9' : 'red.8'} loading={action.busy} data-testid="mark-kit-submit">
              {outcome === 'damaged' ? t('receive.mark.submitDamaged') : t('receive.mark.submitMissing')}
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
