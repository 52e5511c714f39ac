import { Button, Group, Stack } from '@mantine/core';
import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type { SessionState } from '../../../shared/contract/session';
import { ErrorAlert } from '../common/ErrorAlert';
import { useVeilAction } from '../common/useVeilAction';
import { PasswordField } from '../common/PasswordField';
import { client } from '../transport/client';

/** Current password, new password twice. Used by the forced change after a reset and from the user menu. */
export function ChangePasswordForm({ onChanged, currentLabel, secondary }: {
  onChanged: (state: SessionState) => void;
  currentLabel: string;
  secondary?: React.ReactNode;
}) {
  const { t } = useTranslation();
  const [currentPassword, setCurrentPassword] = useState('');
  const [newPassword, setNewPassword] = useState('');
  const [confirmation, setConfirmation] = useState('');
  const action = useVeilAction();

  async function submit(event: FormEvent) {
    event.preventDefault();
    if (newPassword !== confirmation) return action.rejectField('confirmation', t('password.mismatch'));
    const result = await action.run(() => client.session.changePassword({ currentPassword, newPassword }));
    if (result.ok) onChanged(result.value);
  }

  return (
    <form onSubmit={submit} noValidate>
      <Stack gap="md">
        <PasswordField
          label={currentLabel}
          value={currentPassword}
          onChange={(e) => setCurrentPassword(e.currentTarget.value)}
          error={action.fieldError('currentPassword')}
          autoComplete="current-password"
          autoFocus
          data-testid="change-password-current"
        />
        <PasswordField
          label={t('password.new')}
          description={t('password.rule')}
          value={newPassword}
          onChange={(e) => setNewPassword(e.currentTarget.value)}
          error={action.fieldError('newPassword')}
          autoComplete="new-password"
          data-testid="change-password-new"
        />
        <PasswordField
          label={t('password.confirm')}
          value={confirmation}
          onChange={(e) => setConfirmation(e.currentTarget.value)}
          error={action.fieldError('confirmation')}
          autoComplete="new-password"
          data-testid="change-password-confirmation"
        />
        <ErrorAlert error={action.error} />
        <Group justify="space-between">
          {secondary ?? <span />}
          <Button type="submit" size="lg" loading={action.busy} data-testid="change-password-submit">
            {t('password.submit')}
          </Button>
        </Group>
      </Stack>
    </form>
  );
}
