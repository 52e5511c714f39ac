import { Stack, Tabs, Title } from '@mantine/core';
import { IconBuildingHospital, IconDatabase, IconShieldLock, IconUserShare, IconUsers } from '@tabler/icons-react';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useActiveSession } from '../session/SessionContext';
import { DelegationsPanel } from '../delegations/DelegationsPanel';
import { DatabasePanel } from './DatabasePanel';
import { SecuritySettingsPanel } from './SecuritySettingsPanel';
import { SiteNamePanel } from './SiteNamePanel';
import { UsersPanel } from './UsersPanel';

/** Administration: user accounts and the study's delegation log (users.manage), the site's name, security settings and the workstation's database (settings.manage). */
export function AdminPage() {
  const { t } = useTranslation();
  const { permissions } = useActiveSession();
  const canManageUsers = permissions.includes('users.manage');
  const canManageSettings = permissions.includes('settings.manage');
  const [tab, setTab] = useState<string | null>(canManageUsers ? 'users' : 'security');
  return (
    <Stack gap="lg" data-testid="admin-page">
      <Title order={1} fz="h2">
        {t('workflows.admin.title')}
      </Title>
      <Tabs value={tab} onChange={setTab} keepMounted={false}>
        <Tabs.List>
          {canManageUsers && (
            <Tabs.Tab value="users" leftSection={<IconUsers size="1.2em" aria-hidden />} data-testid="admin-tab-users">
              {t('admin.tabs.users')}
            </Tabs.Tab>
          )}
          {canManageUsers && (
            <Tabs.Tab value="delegations" leftSection={<IconUserShare size="1.2em" aria-hidden />} data-testid="admin-tab-delegations">
              {t('admin.tabs.delegations')}
            </Tabs.Tab>
          )}
          {canManageSettings && (
            <Tabs.Tab value="site" leftSection={<IconBuildingHospital size="1.2em" aria-hidden />} data-testid="admin-tab-site">
              {t('admin.tabs.site')}
            </Tabs.Tab>
          )}
          {canManageSettings && (
            <Tabs.Tab value="security" leftSection={<IconShieldLock size="1.2em" aria-hidden />} data-testid="admin-tab-security">
              {t('admin.tabs.security')}
            </Tabs.Tab>
          )}
          {canManageSettings && (
            <Tabs.Tab value="database" leftSection={<IconDatabase size="1.2em" aria-hidden />} data-testid="admin-tab-database">
              {t('admin.tabs.database')}
            </Tabs.Tab>
          )}
        </Tabs.List>
        {canManageUsers && (
          <Tabs.Panel value="users" pt="lg">
            <UsersPanel />
          </Tabs.Panel>
        )}
        {canManageUsers && (
          <Tabs.Panel value="delegations" pt="lg">
            <DelegationsPanel />
          </Tabs.Panel>
        )}
        {canManageSettings && (
          <Tabs.Panel value="site" pt="lg">
            <SiteNamePanel />
          </Tabs.Panel>
        )}
        {canManageSettings && (
          <Tabs.Panel value="security" pt="lg">
            <SecuritySettingsPanel />
          </Tabs.Panel>
        )}
        {canManageSettings && (
          <Tabs.Panel value="database" pt="lg">
            <DatabasePanel />
          </Tabs.Panel>
        )}
      </Tabs>
    </Stack>
  );
}
