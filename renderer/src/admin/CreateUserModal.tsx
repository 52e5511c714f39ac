import { Button, Group, Modal, NativeSelect, SimpleGrid, Stack, TextInput } from '@mantine/core';
import { IconDice5 } from '@tabler/icons-react';
import { useForm } from '@mantine/form';
import type { FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { contract } from '../../../shared/contract';
import type { UserSummary } from '../../../shared/contract/users';
import { ROLES, ROLE_IS_BLINDED, type Role } from '../../../shared/roles';
import { contractValidate, translatedError } from '../common/contractForm';
import { ErrorAlert } from '../common/ErrorAlert';
import { generateTemporaryPassword } from '../common/format';
import { useVeilAction } from '../common/useVeilAction';
import { translateServerMessage } from '../i18n/serverMessages';
import { client } from '../transport/client';

interface NewUser {
  username: string;
  displayName: string;
  role: Role;
  temporaryPassword: string;
}

const EMPTY: NewUser = { username: '', displayName: '', role: 'pharmacy_technician', temporaryPassword: '' };
const validateNewUser = contractValidate<NewUser>(contract.users.create.input);

export function CreateUserModal({ opened, onClose, onCreated }: { opened: boolean; onClose: () => void; onCreated: (user: UserSummary) => void }) {
  const { t } = useTranslation();
  const form = useForm<NewUser>({ initialValues: EMPTY, validate: validateNewUser });
  const { username, displayName, role, temporaryPassword } = form.values;
  const action = useVeilAction();
  // The contract's refusal (checked here) or the host's (checked again there), in the user's language.
  const fieldError = (field: keyof NewUser) => translatedError(form.errors, field, translateServerMessage, t) ?? action.fieldError(field);

  function reset() {
    form.reset();
    action.clear();
  }

  async function submit(event: FormEvent) {
    event.preventDefault();
    action.clear();
    if (form.validate().hasErrors) return;
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
              onChange={(e) => form.setFieldValue('username', e.currentTarget.value)}
              error={fieldError('username')}
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
              onChange={(e) => form.setFieldValue('displayName', e.currentTarget.value)}
              error={fieldError('displayName')}
              autoComplete="off"
              data-testid="new-user-display-name"
            />
            <NativeSelect
              label={t('users.field.role')}
              description={ROLE_IS_BLINDED[role] ? t('users.field.roleBlinded') : t('users.field.roleUnblinded')}
              value={role}
              onChange={(e) => form.setFieldValue('role', e.currentTarget.value as Role)}
              error={fieldError('role')}
              data={ROLES.map((r) => ({ value: r, label: t(`roles.${r}`) }))}
              data-testid="new-user-role"
            />
            <TextInput
              label={t('users.field.temporaryPassword')}
              description={t('users.field.temporaryPasswordHint')}
              value={temporaryPassword}
              onChange={(e) => form.setFieldValue('temporaryPassword', e.currentTarget.value)}
              error={fieldError('temporaryPassword')}
              autoComplete="off"
              spellCheck={false}
              styles={{ input: { fontFamily: 'var(--mantine-font-family-monospace)' } }}
              rightSectionWidth={150}
              rightSection={
                <Button size="compact-sm" variant="light" leftSection={<IconDice5 size="1em" aria-hidden />} onClick={() => form.setFieldValue('temporaryPassword', generateTemporaryPassword())} data-testid="new-user-generate">
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
