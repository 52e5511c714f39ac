import { Badge, Group, Stack, Tabs, Title } from '@mantine/core';
import { IconEye, IconKey, IconLock, IconUserShare, IconUserShield } from '@tabler/icons-react';
import { useCallback, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { ChannelOutput } from '../../../shared/contract';
import { useVeilAction } from '../common/useVeilAction';
import { useActiveSession } from '../session/SessionContext';
import { useSystemInfo } from '../system/SystemInfoContext';
import { client } from '../transport/client';
import { CloseOutPanel } from '../closeOut/CloseOutPanel';
import { DelegationsPanel } from '../delegations/DelegationsPanel';
import { AccessPanel } from './AccessPanel';
import { AllocationRegisterPanel } from './AllocationRegisterPanel';
import type { CodeBreakShown } from './CodeBreakSheet';
import { SetupPanel } from './SetupPanel';
import { UseBeforePanel } from './UseBeforePanel';
import './print.css';

export type AllocationStatus = ChannelOutput<'allocation.status'>;

/**
 * Study set-up, for unblinded staff: the allocation key and the sponsor's lists (allocation.setup), who may open the
 * allocation (allocation.grant), the unblinded allocation register (allocation.reveal), and the study's close-out
 * (allocation.setup). Each tab shows only to the
 * roles that hold its permission.
 */
export function StudySetupPage() {
  const { t } = useTranslation();
  const { permissions } = useActiveSession();
  const info = useSystemInfo();
  const canSetUp = permissions.includes('allocation.setup');
  const canGrant = permissions.includes('allocation.grant');
  const canReveal = permissions.includes('allocation.reveal');
  const [tab, setTab] = useState<string | null>(canSetUp ? 'setup' : canGrant ? 'access' : 'register');
  const [status, setStatus] = useState<AllocationStatus | null>(null);
  // The code-break passphrase, shown once after the key is created: kept here (not in the tab) so that changing tabs
  // does not lose it before it is printed; it is gone when the page is left or the user says it is printed.
  const [codeBreak, setCodeBreak] = useState<CodeBreakShown | null>(null);
  const load = useVeilAction();
  const { run } = load;

  const reload = useCallback(async () => {
    if (!canSetUp) return;
    const result = await run(() => client.allocation.status({}));
    if (result.ok) setStatus(result.value);
  }, [run, canSetUp]);

  useEffect(() => {
    void reload();
  }, [reload]);

  return (
    <Stack gap="lg" data-testid="study-setup-page">
      <Group gap="sm">
        <Title order={1} fz="h2">
          {t('workflows.study.title')}
        </Title>
        {info?.study && (
          <Badge variant="outline" size="lg">
            {info.study.code}
          </Badge>
        )}
      </Group>
      <Tabs value={tab} onChange={setTab} keepMounted={false}>
        <Tabs.List>
          {canSetUp && (
            <Tabs.Tab value="setup" leftSection={<IconKey size="1.2em" aria-hidden />} data-testid="study-tab-setup">
              {t('setup.tabs.setup')}
            </Tabs.Tab>
          )}
          {canGrant && (
            <Tabs.Tab value="access" leftSection={<IconUserShield size="1.2em" aria-hidden />} data-testid="study-tab-access">
              {t('setup.tabs.access')}
            </Tabs.Tab>
          )}
          {canGrant && (
            <Tabs.Tab value="delegations" leftSection={<IconUserShare size="1.2em" aria-hidden />} data-testid="study-tab-delegations">
              {t('delegations.tab')}
            </Tabs.Tab>
          )}
          {canReveal && (
            <Tabs.Tab value="register" leftSection={<IconEye size="1.2em" aria-hidden />} data-testid="study-tab-register">
              {t('setup.tabs.register')}
            </Tabs.Tab>
          )}
          {canSetUp && (
            <Tabs.Tab value="closeOut" leftSection={<IconLock size="1.2em" aria-hidden />} data-testid="study-tab-close-out">
              {t('setup.tabs.closeOut')}
            </Tabs.Tab>
          )}
        </Tabs.List>
        {canSetUp && (
          <Tabs.Panel value="setup" pt="lg">
            <Stack gap="xl">
              <SetupPanel status={status} loadError={load.error} loading={load.busy} onChanged={reload} codeBreak={codeBreak} onCodeBreak={setCodeBreak} />
              {status?.sessionHoldsKey && status.kits > 0 && <UseBeforePanel />}
            </Stack>
          </Tabs.Panel>
        )}
        {canGrant && (
          <Tabs.Panel value="access" pt="lg">
            <AccessPanel status={canSetUp ? status : null} statusError={load.error} onChanged={reload} />
          </Tabs.Panel>
        )}
        {canGrant && (
          <Tabs.Panel value="delegations" pt="lg">
            <DelegationsPanel />
          </Tabs.Panel>
        )}
        {canReveal && (
          <Tabs.Panel value="register" pt="lg">
            <AllocationRegisterPanel />
          </Tabs.Panel>
        )}
        {canSetUp && (
          <Tabs.Panel value="closeOut" pt="lg">
            <CloseOutPanel />
          </Tabs.Panel>
        )}
      </Tabs>
    </Stack>
  );
}
