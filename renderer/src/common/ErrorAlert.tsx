import { Alert } from '@mantine/core';
import { IconAlertTriangle } from '@tabler/icons-react';
import { useTranslation } from 'react-i18next';
import type { VeilError } from '../../../shared/errors';
import { translateServerMessage } from '../i18n/serverMessages';
import { OtherStudyOffer } from './OtherStudyOffer';

/** A refused or failed call, in words: a title saying what kind of problem, then the host's message. */
export function ErrorAlert({ error, testId = 'error-alert' }: { error: VeilError | null; testId?: string }) {
  const { t } = useTranslation();
  if (!error) return null;
  return (
    <Alert variant="light" color="red" icon={<IconAlertTriangle aria-hidden />} title={t(`errorCodes.${error.code}`)} role="alert" data-testid={testId}>
      {translateServerMessage(error, t)}
      <OtherStudyOffer error={error} />
    </Alert>
  );
}
