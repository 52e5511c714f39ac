import { Alert, Badge, Button, Group, Loader, Stack, Table, Text } from '@mantine/core';
import { IconCheck, IconKey, IconKeyOff, IconLock, IconLockExclamation, IconRefresh, IconUserCheck, IconUserOff, IconUserPlus } from '@tabler/icons-react';
import { useCallback, useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { UserSummary } from '../../../shared/contract/users';
import { BlindingBadge } from '../common/BlindingBadge';
import { ErrorAlert } from '../common/ErrorAlert';
import { formatDateTime } from '../common/format';
import { useVeilAction } from '../common/useVeilAction';
import { useActiveSession } from '../session/SessionContext';
import { client } from '../transport/client';
import { CreateUserModal } from './CreateUserModal';
import { ResetPasswordModal } from './ResetPasswordModal';
import { SetActiveModal } from './SetActiveModal';

type Dialog = { kind: 'create' } | { kind: 'setActive'; user: UserSummary } | { kind: 'reset'; user: UserSummary } | null;

/**
 * The user accounts: list, create with a temporary password, deactivate/reactivate and reset with a reason. Accounts
 * locked out after too many wrong secrets are listed first, with how to unlock them (a password reset).
 */
export function UsersPanel() {
  const { t, i18n } = useTranslation();
  const { user: me } = useActiveSession();
  const [users, setUsers] = useState<UserSummary[] | null>(null);
  const [dialog, setDialog] = useState<Dialog>(null);
  const [done, setDone] = useState<string | null>(null);
  // After a reset that took an unblinded user's key access away: said apart, so the administrator passes it on.
  const [keyAccessRemovedFor, setKeyAccessRemovedFor] = useState<string | null>(null);
  const noticesRef = useRef<HTMLDivElement>(null);
  const load = useVeilAction();
  const { run } = load;
  const lockedOut = users?.filter((u) => u.lockedUntil !== null) ?? [];

  const reload = useCallback(async () => {
    const result = await run(() => client.users.list({}));
    if (result.ok) setUsers(result.value);
  }, [run]);

  useEffect(() => {
    void reload();
  }, [reload]);

  function finished(message: string, keyAccessRemovedUsername: string | null = null) {
    setDialog(null);
    setDone(message);
    setKeyAccessRemovedFor(keyAccessRemovedUsername);
    void reload();
  }

  // The outcome of an action started far down the list is brought into view.
  useEffect(() => {
    if (done) noticesRef.current?.scrollIntoView?.({ block: 'nearest' });
  }, [done]);

  return (
    <Stack gap="md" data-testid="admin-users">
      <Group justify="space-between">
        <Text c="dimmed">{t('admin.users.intro')}</Text>
        <Group gap="sm">
          <Button variant="default" leftSection={<IconRefresh size="1.1em" aria-hidden />} onClick={() => void reload()} loading={load.busy}>
            {t('admin.users.reload')}
          </Button>
          <Button
            leftSection={<IconUserPlus size="1.1em" aria-hidden />}
            onClick={() => {
              setDone(null);
              setKeyAccessRemovedFor(null);
              setDialog({ kind: 'create' });
            }}
            data-testid="create-user-button"
          >
            {t('admin.users.create')}
          </Button>
        </Group>
      </Group>
      <div ref={noticesRef} style={{ scrollMarginTop: 96 }}>
        <Stack gap="sm">
          {done && (
            <Alert variant="light" color="teal" icon={<IconCheck aria-hidden />} withCloseButton onClose={() => setDone(null)} data-testid="admin-done">
              {done}
            </Alert>
          )}
          {keyAccessRemovedFor && (
            <Alert
              variant="light"
              color="orange"
              icon={<IconKeyOff aria-hidden />}
              title={t('setup.adminNotice.title')}
              withCloseButton
              onClose={() => setKeyAccessRemovedFor(null)}
              data-testid="admin-key-access-removed"
            >
              {t('setup.adminNotice.body', { username: keyAccessRemovedFor })}
            </Alert>
          )}
        </Stack>
      </div>
      <ErrorAlert error={load.error} />
      {lockedOut.length > 0 && (
        <Alert
          variant="light"
          color="red"
          icon={<IconLockExclamation aria-hidden />}
          title={t('admin.users.lockedTitle', { count: lockedOut.length })}
          data-testid="admin-locked-accounts"
        >
          <Stack gap={6}>
            <Text>{t('admin.users.lockedExplanation')}</Text>
            {lockedOut.map((u) => (
              <Text key={u.id} fw={700} data-testid={`admin-locked-${u.username}`}>
                {u.username} ({u.displayName}): {t('admin.users.status.lockedUntil', { time: formatDateTime(u.lockedUntil!, i18n.language) })}
              </Text>
            ))}
          </Stack>
        </Alert>
      )}
      {users === null ? (
        !load.error && <Loader />
      ) : (
        <Table.ScrollContainer minWidth={760}>
          <Table striped highlightOnHover verticalSpacing="sm" data-testid="users-table">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>{t('admin.users.columns.user')}</Table.Th>
                <Table.Th>{t('admin.users.columns.role')}</Table.Th>
                <Table.Th>{t('admin.users.columns.status')}</Table.Th>
                <Table.Th>{t('admin.users.columns.actions')}</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {users.map((u) => (
                <Table.Tr key={u.id} data-testid={`user-row-${u.username}`}>
                  <Table.Td>
                    <Text fw={700}>
                      {u.username}
                      {u.id === me.id && (
                        <Text span c="dimmed" fw={400}>
                          {' '}
                          ({t('admin.users.you')})
                        </Text>
                      )}
                    </Text>
                    <Text size="sm">{u.displayName}</Text>
                    <Text size="sm" c="dimmed">
                      {t('admin.users.createdAt', { time: formatDateTime(u.createdAt, i18n.language) })}
                    </Text>
                  </Table.Td>
                  <Table.Td>
                    <Stack gap={4} align="flex-start" className="veil-badges">
                      <Text size="sm">{t(`roles.${u.role}`)}</Text>
                      <BlindingBadge blinded={u.blinded} size="sm" testId={`user-blinding-${u.username}`} />
                    </Stack>
                  </Table.Td>
                  <Table.Td>
                    <Stack gap={4} align="flex-start" className="veil-badges" data-testid={`user-status-${u.username}`}>
                      {u.active ? (
                        <Badge variant="light" color="teal" leftSection={<IconUserCheck size="1em" aria-hidden />}>
                          {t('admin.users.status.active')}
                        </Badge>
                      ) : (
                        <Badge variant="filled" color="gray.7" leftSection={<IconUserOff size="1em" aria-hidden />}>
                          {t('admin.users.status.inactive')}
                        </Badge>
                      )}
                      {u.mustChangePassword && (
                        <Badge variant="outline" color="orange.9" leftSection={<IconKey size="1em" aria-hidden />} data-testid={`user-must-change-${u.username}`}>
                          {t('admin.users.status.mustChangePassword')}
                        </Badge>
                      )}
                      {u.lockedUntil && (
                        <>
                          <Badge variant="light" color="red" leftSection={<IconLock size="1em" aria-hidden />} data-testid={`user-locked-${u.username}`}>
                            {t('admin.users.status.lockedUntil', { time: formatDateTime(u.lockedUntil, i18n.language) })}
                          </Badge>
                          <Text size="sm">{t('admin.users.status.unlockHint')}</Text>
                        </>
                      )}
                    </Stack>
                  </Table.Td>
                  <Table.Td>
                    <Stack gap="xs" align="stretch" maw={280}>
                      {u.id !== me.id && (
                        <Button
                          size="sm"
                          variant="default"
                          leftSection={u.active ? <IconUserOff size="1em" aria-hidden /> : <IconUserCheck size="1em" aria-hidden />}
                          onClick={() => {
                            setDone(null);
                            setDialog({ kind: 'setActive', user: u });
                          }}
                          data-testid={`user-set-active-${u.username}`}
                        >
                          {u.active ? t('admin.users.deactivate') : t('admin.users.reactivate')}
                        </Button>
                      )}
                      <Button
                        size="sm"
                        variant="default"
                        leftSection={<IconKey size="1em" aria-hidden />}
                        onClick={() => {
                          setDone(null);
                          setDialog({ kind: 'reset', user: u });
                        }}
                        data-testid={`user-reset-${u.username}`}
                      >
                        {t('admin.users.resetPassword')}
                      </Button>
                    </Stack>
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
      <CreateUserModal
        opened={dialog?.kind === 'create'}
        onClose={() => setDialog(null)}
        onCreated={(u) => finished(t('admin.users.created', { username: u.username, name: u.displayName }))}
      />
      {dialog?.kind === 'setActive' && (
        <SetActiveModal
          user={dialog.user}
          onClose={() => setDialog(null)}
          onDone={(u) => finished(u.active ? t('admin.users.reactivated', { username: u.username }) : t('admin.users.deactivated', { username: u.username }))}
        />
      )}
      {dialog?.kind === 'reset' && (
        <ResetPasswordModal
          user={dialog.user}
          onClose={() => setDialog(null)}
          onDone={(u, keyAccessRemoved) =>
            finished(
              keyAccessRemoved
                ? `${t('admin.users.wasReset', { username: u.username })} ${t('admin.users.keyAccessRemoved', { username: u.username })}`
                : t('admin.users.wasReset', { username: u.username }),
              keyAccessRemoved ? u.username : null,
            )
          }
        />
      )}
    </Stack>
  );
}
