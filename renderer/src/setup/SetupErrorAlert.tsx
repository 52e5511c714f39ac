import { Alert } from '@mantine/core';
import { IconAlertTriangle } from '@tabler/icons-react';
import { useTranslation } from 'react-i18next';
import type { VeilError } from '../../../shared/errors';
import { saidText } from '../i18n/serverMessages';
import { translateSetupMessage } from './messages';

/** Like common/ErrorAlert, with the study set-up messages of the host translated too. */
export function SetupErrorAlert({ error, testId = 'error-alert' }: { error: VeilError | null; testId?: string }) {
  const { t } = useTranslation();
  if (!error) return null;
  return (
    <Alert variant="light" color="red" icon={<IconAlertTriangle aria-hidden />} title={t(`errorCodes.${error.code}`)} role="alert" data-testid={testId}>
      {saidText(error, t) ?? translateSetupMessage(error.message, t)}
    </Alert>
  );
}
