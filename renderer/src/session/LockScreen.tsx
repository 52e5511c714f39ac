import { Alert, Button, Stack, Text } from '@mantine/core';
import { IconLock, IconLockExclamation, IconSwitchHorizontal } from '@tabler/icons-react';
import { useForm } from '@mantine/form';
import type { FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type { SessionState } from '../../../shared/contract/session';
import { translatedError } from '../common/contractForm';
import { ErrorAlert } from '../common/ErrorAlert';
import { formatDateTime, formatTime } from '../common/format';
import { useVeilAction } from '../common/useVeilAction';
import { PasswordField } from '../common/PasswordField';
import { client } from '../transport/client';
import { AuthFrame } from './AuthFrame';
import { useSession } from './SessionContext';
import { sessionFormMessage, validateUnlock } from './sessionForms';

/**
 * The window is locked: only the same user unlocks it; anyone else logs that user out and logs in as themselves.
 * While the account is locked out after too many wrong secrets, it says so and until when (the host refuses any
 * unlock until then, even with the right password).
 */
export function LockScreen({ state }: { state: Extract<SessionState, { state: 'locked' }> }) {
  const { t, i18n } = useTranslation();
  const { apply, logout, refresh } = useSession();
  const form = useForm({ initialValues: { password: '' }, validate: validateUnlock });
  const action = useVeilAction();

  async function submit(event: FormEvent) {
    event.preventDefault();
    action.clear();
    if (form.validate().hasErrors) return;
    const { password } = form.values;
    const result = await action.run(() => client.session.unlock({ password }));
    if (result.ok) apply(result.value);
    else {
      form.setFieldValue('password', '');
      // A refusal may be the lockout starting now: the session says until when.
      await refresh();
    }
  }

  return (
    <AuthFrame title={t('lock.title')} icon={<IconLock size="1.8em" aria-hidden />} testId="lock-screen">
      <Stack gap={4}>
        <Text fz="xl" fw={700} data-testid="lock-greeting">
          {t('lock.greeting', { name: state.user.displayName })}
        </Text>
        <Text>{t('lock.explanation', { time: formatTime(state.lockedAt, i18n.language) })}</Text>
      </Stack>
      {state.accountLockedUntil && (
        <Alert variant="light" color="red" icon={<IconLockExclamation aria-hidden />} title={t('lock.accountLockedTitle')} data-testid="lock-account-locked">
          {t('lock.accountLocked', { time: formatDateTime(state.accountLockedUntil, i18n.language) })}
        </Alert>
      )}
      <form onSubmit={submit} noValidate>
        <Stack gap="md">
          <PasswordField
            label={t('lock.password', { username: state.user.username })}
            value={form.values.password}
            onChange={(e) => form.setFieldValue('password', e.currentTarget.value)}
            // The form's refusal (checked here) or the host's (checked again there), in the user's language.
            error={translatedError(form.errors, 'password', sessionFormMessage, t) ?? action.fieldError('password')}
            autoComplete="current-password"
            autoFocus
            data-testid="unlock-password"
          />
          <ErrorAlert error={action.error} testId="unlock-error" />
          <Button type="submit" size="lg" loading={action.busy} data-testid="unlock-submit">
            {t('lock.submit')}
          </Button>
        </Stack>
      </form>
      <Stack gap={6} align="flex-start">
        <Text fw={600}>{t('lock.notYou', { name: state.user.displayName })}</Text>
        <Button
          variant="default"
          leftSection={<IconSwitchHorizontal size="1.1em" aria-hidden />}
          onClick={() => void logout('switch')}
          data-testid="lock-switch-user"
        >
          {t('lock.switchUser')}
        </Button>
      </Stack>
    </AuthFrame>
  );
}
