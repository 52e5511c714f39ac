import { Button, Group, Modal, NativeSelect, SimpleGrid, Stack, TextInput } from '@mantine/core';
import { IconDice5 } from '@tabler/icons-react';
import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type { UserSummary } from '../../../shared/contract/users';
import { ROLES, ROLE_IS_BLINDED, type Role } from '../../../shared/roles';
import { ErrorAlert } from '../common/ErrorAlert';
import { generateTemporaryPassword } from '../common/format';
import { useVeilAction } from '../common/useVeilAction';
import { client } from '../transport/client';

export function CreateUserModal({ opened, onClose, onCreated }: { opened: boolean; onClose: () => void; onCreated: (user: UserSummary) => void }) {
  const { t } = useTranslation();
  const [username, setUsername] = useState('');
  const [displayName, setDisplayName] = useState('');
  const [role, setRole] = useState<Role>('pharmacy_technician');
  const [temporaryPassword, setTemporaryPassword] = useState('');
  const action = useVeilAction();

  function reset() {
    setUsername('');
    setDisplayName('');
    setRole('pharmacy_technician');
    setTemporaryPassword('');
    action.clear();
  }

  async function submit(event: FormEvent) {
    event.preventDefault();
    const result = await action.run(() => client.users.create({ username, displayName, role, temporaryPassword }));
    if (result.ok) {
      reset();
      onCreated(result.value);
    }
  }

  return (
    <Modal
      opened={opened}
      onClose={() => {
        reset();
        onClose();
      }}
      title={t('admin.users.create')}
      size="xl"
    >
      <form onSubmit={submit} noValidate data-testid="create-user-form">
        <Stack gap="md">
          <SimpleGrid cols={{ base: 1, sm: 2 }} spacing="md" verticalSpacing="md">
            <TextInput
              label={t('users.field.username')}
              description={t('users.field.usernameHint')}
              value={username}
              onChange={(e) => setUsername(e.currentTarget.value)}
              error={action.fieldError('username')}
              autoCapitalize="none"
              spellCheck={false}
              autoComplete="off"
              data-autofocus
              data-testid="new-user-username"
            />
            <TextInput
              label={t('users.field.displayName')}
              description={t('users.field.displayNameHint')}
              value={displayName}
              onChange={(e) => setDisplayName(e.currentTarget.value)}
              error={action.fieldError('displayName')}
              autoComplete="off"
              data-testid="new-user-display-name"
            />
            <NativeSelect
              label={t('users.field.role')}
              description={ROLE_IS_BLINDED[role] ? t('users.field.roleBlinded') : t('users.field.roleUnblinded')}
              value={role}
              onChange={(e) => setRole(e.currentTarget.value as Role)}
              error={action.fieldError('role')}
              data={ROLES.map((r) => ({ value: r, label: t(`roles.${r}`) }))}
              data-testid="new-user-role"
            />
            <TextInput
              label={t('users.field.temporaryPassword')}
              description={t('users.field.temporaryPasswordHint')}
              value={temporaryPassword}
              onChange={(e) => setTemporaryPassword(e.currentTarget.value)}
              error={action.fieldError('temporaryPassword')}
              autoComplete="off"
              spellCheck={false}
              styles={{ input: { fontFamily: 'var(--mantine-font-family-monospace)' } }}
              rightSectionWidth={150}
              rightSection={
                <Button size="compact-sm" variant="light" leftSection={<IconDice5 size="1em" aria-hidden />} onClick={() => setTemporaryPassword(generateTemporaryPassword())} data-testid="new-user-generate">
                  {t('users.field.generate')}
                </Button>
              }
              data-testid="new-user-password"
            />
          </SimpleGrid>
          <ErrorAlert error={action.error} />
          <Group justify="flex-end">
            <Button type="submit" loading={action.busy} data-testid="new-user-submit">
              {t('admin.users.createSubmit')}
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
