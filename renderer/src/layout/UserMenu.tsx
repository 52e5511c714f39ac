import { Avatar, Button, Kbd, Menu, Modal, Stack, Text, VisuallyHidden } from '@mantine/core';
import { IconChevronDown, IconKey, IconLock, IconLogout, IconSwitchHorizontal } from '@tabler/icons-react';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ChangePasswordForm } from '../session/ChangePasswordForm';
import { useActiveSession, useSession } from '../session/SessionContext';

function initials(name: string): string {
  return name
    .replace(/\(.*\)/g, '')
    .split(/\s+/)
    .filter((word) => word && !/^(dr|pr|prof|mr|mrs|ms|mme|m)\.?$/i.test(word))
    .slice(0, 2)
    .map((w) => w[0]!.toUpperCase())
    .join('');
}

/** Who is logged in, and the ways out: lock now, switch user, log out (and change one's own password). */
export function UserMenu() {
  const { t } = useTranslation();
  const { user } = useActiveSession();
  const { apply, lockNow, logout } = useSession();
  const [changing, setChanging] = useState(false);
  return (
    <>
      <Menu position="bottom-end" width={340} shadow="md" withinPortal>
        <Menu.Target>
          <Button
            variant="default"
            size="md"
            leftSection={
              <Avatar size="sm" color="indigo" radius="xl" aria-hidden>
                {initials(user.displayName)}
              </Avatar>
            }
            rightSection={<IconChevronDown size="1em" aria-hidden />}
            data-testid="user-menu"
          >
            {/* The name read out starts with the text shown (WCAG 2.5.3), then says whose menu it is. */}
            <Text span fw={600} truncate maw={220}>
              {user.username}
            </Text>
            <VisuallyHidden>{t('menu.label', { name: user.displayName })}</VisuallyHidden>
          </Button>
        </Menu.Target>
        <Menu.Dropdown>
          <Menu.Label>
            <Stack gap={0}>
              <Text fw={700} c="var(--mantine-color-text)">
                {user.displayName}
              </Text>
              <Text size="sm">{t(`roles.${user.role}`)}</Text>
            </Stack>
          </Menu.Label>
          <Menu.Divider />
          <Menu.Item
            leftSection={<IconLock size="1.1em" aria-hidden />}
            rightSection={<Kbd size="xs">Ctrl+Shift+L</Kbd>}
            onClick={() => void lockNow()}
            data-testid="menu-lock"
          >
            {t('menu.lock')}
          </Menu.Item>
          <Menu.Item leftSection={<IconSwitchHorizontal size="1.1em" aria-hidden />} onClick={() => void logout('switch')} data-testid="menu-switch-user">
            {t('menu.switchUser')}
          </Menu.Item>
          <Menu.Item leftSection={<IconKey size="1.1em" aria-hidden />} onClick={() => setChanging(true)} data-testid="menu-change-password">
            {t('menu.changePassword')}
          </Menu.Item>
          <Menu.Divider />
          <Menu.Item leftSection={<IconLogout size="1.1em" aria-hidden />} onClick={() => void logout('logout')} data-testid="menu-logout">
            {t('menu.logout')}
          </Menu.Item>
        </Menu.Dropdown>
      </Menu>
      <Modal opened={changing} onClose={() => setChanging(false)} title={t('menu.changePassword')} size="lg">
        <ChangePasswordForm
          currentLabel={t('password.current')}
          onChanged={(state) => {
            setChanging(false);
            apply(state);
          }}
        />
      </Modal>
    </>
  );
}
