import { Alert, Button, Group, Modal, Stack, Textarea } from '@mantine/core';
import { IconAlertTriangle } from '@tabler/icons-react';
import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { TranslatedErrorAlert } from '../common/TranslatedErrorAlert';
import { useVeilAction } from '../common/useVeilAction';
import { client } from '../transport/client';
import { patientMessage } from './patientMessages';
import type { Patient } from './types';

/** Withdraws a patient from the study, with the reason; nothing more is dispensed to them afterwards. */
export function WithdrawModal({ patient, onClose, onDone }: { patient: Patient; onClose: () => void; onDone: (p: Patient) => void }) {
  const { t } = useTranslation();
  const [reason, setReason] = useState('');
  const action = useVeilAction();

  async function submit(event: FormEvent) {
    event.preventDefault();
    if (reason.trim().length < 3) {
      action.rejectField('reason', t('patients.withdraw.reasonNeeded'));
      return;
    }
    const result = await action.run(() => client.patients.withdraw({ patientId: patient.id, reason: reason.trim() }));
    if (result.ok) onDone(result.value);
  }

  return (
    <Modal opened onClose={onClose} title={t('patients.withdraw.title', { screening: patient.screeningNumber })} size="lg" data-testid="withdraw-modal">
      <form onSubmit={submit} noValidate data-testid="withdraw-form">
        <Stack gap="md">
          <Alert variant="light" color="orange" icon={<IconAlertTriangle aria-hidden />}>
            {t('patients.withdraw.explanation')}
          </Alert>
          <Textarea
            label={t('patients.withdraw.reason')}
            placeholder={t('patients.withdraw.reasonPlaceholder')}
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
            data-testid="withdraw-reason"
          />
          <TranslatedErrorAlert error={action.error} translate={patientMessage} />
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>
              {t('common.cancel')}
            </Button>
            <Button type="submit" color="red.8" loading={action.busy} data-testid="withdraw-submit">
              {t('patients.withdraw.submit')}
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
