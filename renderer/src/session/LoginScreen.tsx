import { Alert, Button, Stack, TextInput } from '@mantine/core';
import { IconInfoCircle, IconLogin } from '@tabler/icons-react';
import { useForm } from '@mantine/form';
import type { FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { translatedError } from '../common/contractForm';
import { ErrorAlert } from '../common/ErrorAlert';
import { useVeilAction } from '../common/useVeilAction';
import { PasswordField } from '../common/PasswordField';
import { client } from '../transport/client';
import { AuthFrame } from './AuthFrame';
import { useSession } from './SessionContext';
import { sessionFormMessage, validateLogin, type Credentials } from './sessionForms';

export function LoginScreen() {
  const { t } = useTranslation();
  const { apply, notice, clearNotice } = useSession();
  const form = useForm<Credentials>({ initialValues: { username: '', password: '' }, validate: validateLogin });
  const { username, password } = form.values;
  const action = useVeilAction();
  // The form's refusal (checked here) or the host's (checked again there), in the user's language.
  const fieldError = (field: keyof Credentials) => translatedError(form.errors, field, sessionFormMessage, t) ?? action.fieldError(field);

  async function submit(event: FormEvent) {
    event.preventDefault();
    clearNotice();
    action.clear();
    if (form.validate().hasErrors) return;
    const result = await action.run(() => client.session.login({ username, password }));
    if (result.ok) apply(result.value);
    else form.setFieldValue('password', '');
  }

  return (
    <AuthFrame title={t('login.title')} icon={<IconLogin size="1.8em" aria-hidden />} testId="login-screen">
      {notice && (
        <Alert variant="light" color="blue" icon={<IconInfoCircle aria-hidden />} data-testid="session-notice">
          {t(`login.notice.${notice}`)}
        </Alert>
      )}
      <form onSubmit={submit} noValidate>
        <Stack gap="md">
          <TextInput
            label={t('login.username')}
            value={username}
            onChange={(e) => form.setFieldValue('username', e.currentTarget.value)}
            error={fieldError('username')}
            autoComplete="username"
            autoCapitalize="none"
            spellCheck={false}
            autoFocus
            data-testid="login-username"
          />
          <PasswordField
            label={t('login.password')}
            value={password}
            onChange={(e) => form.setFieldValue('password', e.currentTarget.value)}
            error={fieldError('password')}
            autoComplete="current-password"
            data-testid="login-password"
          />
          <ErrorAlert error={action.error} testId="login-error" />
          <Button type="submit" size="lg" loading={action.busy} data-testid="login-submit">
            {t('login.submit')}
          </Button>
        </Stack>
      </form>
    </AuthFrame>
  );
}
