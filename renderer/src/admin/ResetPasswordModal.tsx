import { Button, Group, Modal, Stack, Text, TextInput } from '@mantine/core';
import { IconDice5 } from '@tabler/icons-react';
import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type { UserSummary } from '../../../shared/contract/users';
import { ErrorAlert } from '../common/ErrorAlert';
import { generateTemporaryPassword } from '../common/format';
import { useVeilAction } from '../common/useVeilAction';
import { client } from '../transport/client';

/** A new temporary password (clears a login lockout, ends the user's sessions); the user must change it at next login. */
export function ResetPasswordModal({ user, onClose, onDone }: { user: UserSummary; onClose: () => void; onDone: (user: UserSummary, keyAccessRemoved: boolean) => void }) {
  const { t } = useTranslation();
  const [temporaryPassword, setTemporaryPassword] = useState('');
  const [reason, setReason] = useState('');
  const action = useVeilAction();

  async function submit(event: FormEvent) {
    event.preventDefault();
    const result = await action.run(() => client.users.resetPassword({ userId: user.id, temporaryPassword, reason }));
    if (result.ok) onDone(result.value, result.value.keyAccessRemoved);
  }

  return (
    <Modal opened onClose={onClose} title={t('admin.users.resetTitle', { username: user.username })} size="lg">
      <form onSubmit={submit} noValidate data-testid="reset-password-form">
        <Stack gap="md">
          <Text>{t('admin.users.resetExplanation', { name: user.displayName })}</Text>
          <TextInput
            label={t('users.field.temporaryPassword')}
            description={t('users.field.temporaryPasswordHint')}
            value={temporaryPassword}
            onChange={(e) => setTemporaryPassword(e.currentTarget.value)}
            error={action.fieldError('temporaryPassword')}
            autoComplete="off"
            spellCheck={false}
            styles={{ input: { fontFamily: 'var(--mantine-font-family-monospace)' } }}
            data-autofocus
            rightSectionWidth={150}
            rightSection={
              <Button size="compact-sm" variant="light" leftSection={<IconDice5 size="1em" aria-hidden />} onClick={() => setTemporaryPassword(generateTemporaryPassword())}>
                {t('users.field.generate')}
              </Button>
            }
            data-testid="reset-password-value"
          />
          <TextInput
            label={t('admin.users.reason')}
            value={reason}
            onChange={(e) => setReason(e.currentTarget.value)}
            error={action.fieldError('reason')}
            data-testid="reset-password-reason"
          />
          <ErrorAlert error={action.error} />
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>
              {t('common.cancel')}
            </Button>
            <Button type="submit" loading={action.busy} data-testid="reset-password-submit">
              {t('admin.users.resetSubmit')}
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
