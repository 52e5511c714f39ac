import { Alert, Button, Stack, TextInput } from '@mantine/core';
import { IconInfoCircle, IconLogin } from '@tabler/icons-react';
import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { ErrorAlert } from '../common/ErrorAlert';
import { useVeilAction } from '../common/useVeilAction';
import { PasswordField } from '../common/PasswordField';
import { client } from '../transport/client';
import { AuthFrame } from './AuthFrame';
import { useSession } from './SessionContext';

export function LoginScreen() {
  const { t } = useTranslation();
  const { apply, notice, clearNotice } = useSession();
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const action = useVeilAction();

  async function submit(event: FormEvent) {
    event.preventDefault();
    clearNotice();
    const result = await action.run(() => client.session.login({ username, password }));
    if (result.ok) apply(result.value);
    else setPassword('');
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
            onChange={(e) => setUsername(e.currentTarget.value)}
            error={action.fieldError('username')}
            autoComplete="username"
            autoCapitalize="none"
            spellCheck={false}
            autoFocus
            data-testid="login-username"
          />
          <PasswordField
            label={t('login.password')}
            value={password}
            onChange={(e) => setPassword(e.currentTarget.value)}
            error={action.fieldError('password')}
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
