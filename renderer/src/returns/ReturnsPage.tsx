import { Anchor, Button, Group, Loader, Stack, Text, Title } from '@mantine/core';
import { IconRefresh } from '@tabler/icons-react';
import { useCallback, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { TranslatedErrorAlert } from '../common/TranslatedErrorAlert';
import { useVeilAction } from '../common/useVeilAction';
import { useActiveSession } from '../session/SessionContext';
import { client } from '../transport/client';
import { RecordReturnPanel } from './RecordReturnPanel';
import { ReturnsTable } from './ReturnsTable';
import { returnsMessage } from './returnsMessages';
import type { ReturnRow } from './types';
import { useRecordsChanged } from '../common/useRecordsChanged';

/**
 * Returns: the pharmacy takes back kits from patients (scan, condition, units, note); the monitor verifies them
 * against the physical kits. Compliance per patient is in the reconciliation. Nothing here knows an arm.
 */
export function ReturnsPage() {
  const { t } = useTranslation();
  const { permissions } = useActiveSession();
  const canRecord = permissions.includes('returns.record');
  const canVerify = permissions.includes('returns.verify');
  const canReconcile = permissions.includes('reconciliation.read');
  const [returns, setReturns] = useState<ReturnRow[] | null>(null);
  const load = useVeilAction();
  const { run } = load;

  const reload = useCallback(async () => {
    const result = await run(() => client.returns.list({}));
    if (result.ok) setReturns(result.value);
  }, [run]);

  useEffect(() => {
    void reload();
  }, [reload]);
  // The list follows returns recorded or verified here or at another workstation; the return being recorded stays.
  useRecordsChanged(['returns'], reload);

  return (
    <Stack gap="lg" data-testid="returns-page">
      <Group justify="space-between" align="flex-start">
        <Stack gap={4}>
          <Title order={1} fz="h2">
            {t('workflows.returns.title')}
          </Title>
          <Text c="dimmed" maw={820}>
            {canRecord ? t('returns.intro.record') : canVerify ? t('returns.intro.verify') : t('returns.intro.read')}{' '}
            {canReconcile && (
              <Anchor href="#/reconciliation" data-testid="returns-to-reconciliation">
                {t('returns.intro.compliance')}
              </Anchor>
            )}
          </Text>
        </Stack>
        <Button variant="default" leftSection={<IconRefresh size="1.1em" aria-hidden />} onClick={() => void reload()} data-testid="returns-reload">
          {t('returns.list.reload')}
        </Button>
      </Group>
      {canRecord && <RecordReturnPanel existing={returns} onRecorded={() => void reload()} />}
      <TranslatedErrorAlert error={load.error} translate={returnsMessage} />
      {returns ? <ReturnsTable returns={returns} canVerify={canVerify} canCorrect={canRecord} onChanged={() => void reload()} /> : !load.error && <Loader />}
    </Stack>
  );
}
