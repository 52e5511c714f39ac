import { Button, Group, Modal, Stack, Text, TextInput } from '@mantine/core';
import { useForm } from '@mantine/form';
import type { FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type { UserSummary } from '../../../shared/contract/users';
import { translatedError } from '../common/contractForm';
import { ErrorAlert } from '../common/ErrorAlert';
import { translateServerMessage } from '../i18n/serverMessages';
import { useVeilAction } from '../common/useVeilAction';
import { client } from '../transport/client';
import { validateSetActiveReason } from './adminForms';

/**
 * Deactivate (ends the user's open sessions) or reactivate an account, with the reason kept in the record, validated by
 * users.setActive's schema before the call.
 */
export function SetActiveModal({ user, onClose, onDone }: { user: UserSummary; onClose: () => void; onDone: (user: UserSummary) => void }) {
  const { t } = useTranslation();
  const form = useForm({ initialValues: { reason: '' }, validate: validateSetActiveReason });
  const { reason } = form.values;
  const action = useVeilAction();
  const activate = !user.active;

  async function submit(event: FormEvent) {
    event.preventDefault();
    action.clear();
    if (form.validate().hasErrors) return;
    const result = await action.run(() => client.users.setActive({ userId: user.id, active: activate, reason }));
    if (result.ok) onDone(result.value);
  }

  return (
    <Modal opened onClose={onClose} title={activate ? t('admin.users.reactivateTitle', { username: user.username }) : t('admin.users.deactivateTitle', { username: user.username })} size="lg">
      <form onSubmit={submit} noValidate data-testid="set-active-form">
        <Stack gap="md">
          <Text>{activate ? t('admin.users.reactivateExplanation', { name: user.displayName }) : t('admin.users.deactivateExplanation', { name: user.displayName })}</Text>
          <TextInput
            label={t('admin.users.reason')}
            value={reason}
            onChange={(e) => form.setFieldValue('reason', e.currentTarget.value)}
            error={translatedError(form.errors, 'reason', translateServerMessage, t) ?? action.fieldError('reason')}
            data-autofocus
            data-testid="set-active-reason"
          />
          <ErrorAlert error={action.error} />
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>
              {t('common.cancel')}
            </Button>
            <Button type="submit" color={activate ? undefined : 'red'} loading={action.busy} data-testid="set-active-submit">
              {activate ? t('admin.users.reactivate') : t('admin.users.deactivate')}
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
