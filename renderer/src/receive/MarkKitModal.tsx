import { Group, SegmentedControl, Text } from '@mantine/core';
import { IconAlertTriangle, IconQuestionMark } from '@tabler/icons-react';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { contract } from '../../../shared/contract';
import { ReasonDialog } from '../common/ReasonDialog';
import { useVeilAction } from '../common/useVeilAction';
import { client } from '../transport/client';
import { receiveMessage } from './receiveMessages';
import type { Shipment } from './types';

export type MarkOutcome = 'damaged' | 'missing';

const MARK_REASON = contract.shipments.markKit.input.pick({ reason: true });

/** Marks one kit of an open shipment damaged or missing, with the reason kept in the record. */
export function MarkKitModal({ shipment, kitNumber, initialOutcome, onClose, onDone }: { shipment: Shipment; kitNumber: string; initialOutcome: MarkOutcome; onClose: () => void; onDone: (s: Shipment) => void }) {
  const { t } = useTranslation();
  const [outcome, setOutcome] = useState<MarkOutcome>(initialOutcome);
  const action = useVeilAction();

  async function mark(reason: string) {
    const result = await action.run(() => client.shipments.markKit({ shipmentId: shipment.id, kitNumber, outcome, reason }));
    if (result.ok) onDone(result.value);
  }

  return (
    <ReasonDialog
      title={t('receive.mark.title', { kit: kitNumber })}
      modalTestId="mark-kit-modal"
      formTestId="mark-kit-form"
      schema={MARK_REASON}
      reasonNeeded={(tr) => tr('receive.mark.reasonNeeded')}
      translate={receiveMessage}
      label={t('receive.mark.reason')}
      placeholder={outcome === 'damaged' ? t('receive.mark.damagedPlaceholder') : t('receive.mark.missingPlaceholder')}
      reasonTestId="mark-kit-reason"
      submitLabel={outcome === 'damaged' ? t('receive.mark.submitDamaged') : t('receive.mark.submitMissing')}
      submitColor={outcome === 'damaged' ? 'orange.9' : 'red.8'}
      submitTestId="mark-kit-submit"
      busy={action.busy}
      error={action.error}
      hostFieldError={action.fieldError('reason')}
      onEdited={action.clear}
      onSubmit={(reason) => void mark(reason)}
      onClose={onClose}
    >
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
    </ReasonDialog>
  );
}
