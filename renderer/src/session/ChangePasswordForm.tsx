import { Button, Group, Stack } from '@mantine/core';
import { useForm } from '@mantine/form';
import type { FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type { SessionState } from '../../../shared/contract/session';
import { translatedError } from '../common/contractForm';
import { ErrorAlert } from '../common/ErrorAlert';
import { NewPasswordFields } from '../common/NewPasswordFields';
import { useVeilAction } from '../common/useVeilAction';
import { PasswordField } from '../common/PasswordField';
import { client } from '../transport/client';
import { sessionFormMessage, validatePasswordChange, type PasswordChange } from './sessionForms';

/** Current password, new password twice. Used by the forced change after a reset and from the user menu. */
export function ChangePasswordForm({ onChanged, currentLabel, secondary }: {
  onChanged: (state: SessionState) => void;
  currentLabel: string;
  secondary?: React.ReactNode;
}) {
  const { t } = useTranslation();
  const form = useForm<PasswordChange>({ initialValues: { currentPassword: '', newPassword: '', confirmation: '' }, validate: validatePasswordChange });
  const action = useVeilAction();
  // The form's refusal (checked here) or the host's (checked again there), in the user's language.
  const fieldError = (field: keyof PasswordChange) => translatedError(form.errors, field, sessionFormMessage, t) ?? action.fieldError(field);

  async function submit(event: FormEvent) {
    event.preventDefault();
    action.clear();
    if (form.validate().hasErrors) return;
    const { currentPassword, newPassword } = form.values;
    const result = await action.run(() => client.session.changePassword({ currentPassword, newPassword }));
    if (result.ok) onChanged(result.value);
  }

  return (
    <form onSubmit={submit} noValidate>
      <Stack gap="md">
        <PasswordField
          label={currentLabel}
          value={form.values.currentPassword}
          onChange={(e) => form.setFieldValue('currentPassword', e.currentTarget.value)}
          error={fieldError('currentPassword')}
          autoComplete="current-password"
          autoFocus
          data-testid="change-password-current"
        />
        <NewPasswordFields
          password={form.values.newPassword}
          confirmation={form.values.confirmation}
          passwordError={fieldError('newPassword')}
          confirmationError={fieldError('confirmation')}
          onPassword={(value) => form.setFieldValue('newPassword', value)}
          onConfirmation={(value) => form.setFieldValue('confirmation', value)}
          testIds={{ password: 'change-password-new', confirmation: 'change-password-confirmation' }}
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
