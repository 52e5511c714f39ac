import { Alert } from '@mantine/core';
import { IconAlertTriangle } from '@tabler/icons-react';
import { useTranslation } from 'react-i18next';
import { contract } from '../../../shared/contract';
import { ReasonDialog } from '../common/ReasonDialog';
import { useVeilAction } from '../common/useVeilAction';
import { client } from '../transport/client';
import { patientMessage } from './patientMessages';
import type { Patient } from './types';

const WITHDRAW_REASON = contract.patients.withdraw.input.pick({ reason: true });

/** Withdraws a patient from the study, with the reason; nothing more is dispensed to them afterwards. */
export function WithdrawModal({ patient, onClose, onDone }: { patient: Patient; onClose: () => void; onDone: (p: Patient) => void }) {
  const { t } = useTranslation();
  const action = useVeilAction();

  async function withdraw(reason: string) {
    const result = await action.run(() => client.patients.withdraw({ patientId: patient.id, reason: reason.trim() }));
    if (result.ok) onDone(result.value);
  }

  return (
    <ReasonDialog
      title={t('patients.withdraw.title', { screening: patient.screeningNumber })}
      modalTestId="withdraw-modal"
      formTestId="withdraw-form"
      schema={WITHDRAW_REASON}
      reasonNeeded={(tr) => tr('patients.withdraw.reasonNeeded')}
      translate={patientMessage}
      label={t('patients.withdraw.reason')}
      placeholder={t('patients.withdraw.reasonPlaceholder')}
      reasonTestId="withdraw-reason"
      submitLabel={t('patients.withdraw.submit')}
      submitColor="red.8"
      submitTestId="withdraw-submit"
      busy={action.busy}
      error={action.error}
      hostFieldError={action.fieldError('reason')}
      onEdited={action.clear}
      onSubmit={(reason) => void withdraw(reason)}
      onClose={onClose}
    >
      <Alert variant="light" color="orange" icon={<IconAlertTriangle aria-hidden />}>
        {t('patients.withdraw.explanation')}
      </Alert>
    </ReasonDialog>
  );
}
