import { Alert, Stack, Text, Title } from '@mantine/core';
import { IconInfoCircle } from '@tabler/icons-react';
import { useTranslation } from 'react-i18next';
import { useSystemInfo } from '../system/SystemInfoContext';
import type { Workflow } from './workflows';

/** A workflow of the navigation that this version does not have yet: said plainly, no sample data. */
export function WorkflowUnavailable({ workflow }: { workflow: Workflow }) {
  const { t } = useTranslation();
  const info = useSystemInfo();
  const Icon = workflow.icon;
  return (
    <Stack gap="lg" maw={860} data-testid="workflow-unavailable" data-workflow={workflow.id}>
      <Title order={1} fz="h2">
        <Icon size="1.1em" aria-hidden style={{ verticalAlign: '-0.15em', marginRight: '0.4em' }} />
        {t(`workflows.${workflow.id}.title`)}
      </Title>
      <Alert variant="light" color="blue" icon={<IconInfoCircle aria-hidden />} title={t('unavailable.title')}>
        <Stack gap="xs">
          <Text>{t('unavailable.body', { version: info?.version ?? '' })}</Text>
          <Text>{t('unavailable.nothingRecorded')}</Text>
        </Stack>
      </Alert>
      <Stack gap={4}>
        <Text fw={700}>{t('unavailable.willDo')}</Text>
        <Text>{t(`workflows.${workflow.id}.purpose`)}</Text>
      </Stack>
    </Stack>
  );
}

/** A page the role of the logged-in user does not open (reached by typing its address). */
export function NotAllowed() {
  const { t } = useTranslation();
  return (
    <Alert variant="light" color="red" icon={<IconInfoCircle aria-hidden />} title={t('notAllowed.title')} data-testid="not-allowed" maw={860}>
      {t('notAllowed.body')}
    </Alert>
  );
}
