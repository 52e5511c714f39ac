import { Button, Group, Modal, Stack, Text, TextInput } from '@mantine/core';
import { IconDice5 } from '@tabler/icons-react';
import { useForm } from '@mantine/form';
import type { FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { contract } from '../../../shared/contract';
import type { UserSummary } from '../../../shared/contract/users';
import { contractValidate, translatedError } from '../common/contractForm';
import { ErrorAlert } from '../common/ErrorAlert';
import { generateTemporaryPassword } from '../common/format';
import { useVeilAction } from '../common/useVeilAction';
import { translateServerMessage } from '../i18n/serverMessages';
import { client } from '../transport/client';

const validateReset = contractValidate<{ temporaryPassword: string; reason: string }>(contract.users.resetPassword.input.pick({ temporaryPassword: true, reason: true }));

/** A new temporary password (clears a login lockout, ends the user's sessions); the user must change it at next login. */
export function ResetPasswordModal({ user, onClose, onDone }: { user: UserSummary; onClose: () => void; onDone: (user: UserSummary, keyAccessRemoved: boolean) => void }) {
  const { t } = useTranslation();
  const form = useForm({ initialValues: { temporaryPassword: '', reason: '' }, validate: validateReset });
  const { temporaryPassword, reason } = form.values;
  const action = useVeilAction();
  // The contract's refusal (checked here) or the host's (checked again there), in the user's language.
  const fieldError = (field: 'temporaryPassword' | 'reason') => translatedError(form.errors, field, translateServerMessage, t) ?? action.fieldError(field);

  async function submit(event: FormEvent) {
    event.preventDefault();
    action.clear();
    if (form.validate().hasErrors) return;
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
            onChange={(e) => form.setFieldValue('temporaryPassword', e.currentTarget.value)}
            error={fieldError('temporaryPassword')}
            autoComplete="off"
            spellCheck={false}
            styles={{ input: { fontFamily: 'var(--mantine-font-family-monospace)' } }}
            data-autofocus
            rightSectionWidth={150}
            rightSection={
              <Button size="compact-sm" variant="light" leftSection={<IconDice5 size="1em" aria-hidden />} onClick={() => form.setFieldValue('temporaryPassword', generateTemporaryPassword())}>
                {t('users.field.generate')}
              </Button>
            }
            data-testid="reset-password-value"
          />
          <TextInput
            label={t('admin.users.reason')}
            value={reason}
            onChange={(e) => form.setFieldValue('reason', e.currentTarget.value)}
            error={fieldError('reason')}
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
