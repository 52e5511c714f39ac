import { Alert, List, Stack, Text } from '@mantine/core';
import { IconAlertTriangle } from '@tabler/icons-react';
import type { TFunction } from 'i18next';
import { useTranslation } from 'react-i18next';
import type { VeilError } from '../../../shared/errors';
import { saidText } from '../i18n/serverMessages';
import { OtherStudyOffer } from './OtherStudyOffer';

/**
 * Like ErrorAlert, with a workflow's own message table, and the host's detailed issues listed under the message when
 * there are several (e.g. every kit a new shipment cannot take), so nothing is summarised away.
 */
export function TranslatedErrorAlert({ error, translate, testId = 'error-alert' }: { error: VeilError | null; translate: (message: string, t: TFunction) => string; testId?: string }) {
  const { t } = useTranslation();
  if (!error) return null;
  // A message said by key is the catalogue's; English prose goes through the workflow's own table.
  const details = (error.issues ?? []).map((i) => saidText(i, t) ?? translate(i.message, t)).filter((m, i, all) => all.indexOf(m) === i);
  return (
    <Alert variant="light" color="red" icon={<IconAlertTriangle aria-hidden />} title={t(`errorCodes.${error.code}`)} role="alert" data-testid={testId}>
      <Stack gap={4}>
        <Text>{saidText(error, t) ?? translate(error.message, t)}</Text>
        <OtherStudyOffer error={error} />
        {details.length > 1 && (
          <List size="sm" spacing={2}>
            {details.slice(0, 20).map((d) => (
              <List.Item key={d}>{d}</List.Item>
            ))}
          </List>
        )}
      </Stack>
    </Alert>
  );
}
