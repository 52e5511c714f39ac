import { Button, Stack, Text, TextInput } from '@mantine/core';
import { IconUserShield } from '@tabler/icons-react';
import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { ErrorAlert } from '../common/ErrorAlert';
import { useVeilAction } from '../common/useVeilAction';
import { PasswordField } from '../common/PasswordField';
import { client } from '../transport/client';
import { useReloadSystemInfo } from '../system/SystemInfoContext';
import { AuthFrame } from './AuthFrame';
import { useSession } from './SessionContext';

/**
 * A new, empty database: the first person names the site (reports and certificates print it) and creates the
 * administrator account (refused once any user exists).
 */
export function FirstStartScreen() {
  const { t } = useTranslation();
  const { apply } = useSession();
  const reloadInfo = useReloadSystemInfo();
  const [siteName, setSiteName] = useState('');
  const [username, setUsername] = useState('');
  const [displayName, setDisplayName] = useState('');
  const [password, setPassword] = useState('');
  const [confirmation, setConfirmation] = useState('');
  const action = useVeilAction();

  async function submit(event: FormEvent) {
    event.preventDefault();
    const site = siteName.trim();
    if (site.length < 2) return action.rejectField('siteName', t('firstStart.siteNameNeeded'));
    if (site.length > 100) return action.rejectField('siteName', t('serverMessages.siteNameTooLong'));
    if (password !== confirmation) return action.rejectField('confirmation', t('password.mismatch'));
    const created = await action.run(() => client.session.createAdministrator({ username, displayName, password }));
    if (!created.ok) return;
    // The administrator, now logged in, names the site (the setting is the administrator's). Should that fail, the
    // Administration page says the name is still missing.
    await client.system.updateSiteName({ name: site }).catch(() => undefined);
    await reloadInfo();
    apply(created.value);
  }

  return (
    <AuthFrame title={t('firstStart.title')} icon={<IconUserShield size="1.8em" aria-hidden />} testId="first-start-screen">
      <Text>{t('firstStart.intro')}</Text>
      <Text size="sm" c="dimmed">
        {t('firstStart.blinding')}
      </Text>
      <form onSubmit={submit} noValidate>
        <Stack gap="md">
          <TextInput
            label={t('firstStart.siteName')}
            description={t('firstStart.siteNameHint')}
            value={siteName}
            onChange={(e) => setSiteName(e.currentTarget.value)}
            error={action.fieldError('siteName')}
            autoFocus
            data-testid="first-start-site-name"
          />
          <TextInput
            label={t('users.field.username')}
            description={t('users.field.usernameHint')}
            value={username}
            onChange={(e) => setUsername(e.currentTarget.value)}
            error={action.fieldError('username')}
            autoComplete="username"
            autoCapitalize="none"
            spellCheck={false}
            data-testid="first-start-username"
          />
          <TextInput
            label={t('users.field.displayName')}
            description={t('users.field.displayNameHint')}
            value={displayName}
            onChange={(e) => setDisplayName(e.currentTarget.value)}
            error={action.fieldError('displayName')}
            autoComplete="name"
            data-testid="first-start-display-name"
          />
          <PasswordField
            label={t('password.new')}
            description={t('password.rule')}
            value={password}
            onChange={(e) => setPassword(e.currentTarget.value)}
            error={action.fieldError('password')}
            autoComplete="new-password"
            data-testid="first-start-password"
          />
          <PasswordField
            label={t('password.confirm')}
            value={confirmation}
            onChange={(e) => setConfirmation(e.currentTarget.value)}
            error={action.fieldError('confirmation')}
            autoComplete="new-password"
            data-testid="first-start-confirmation"
          />
          <ErrorAlert error={action.error} />
          <Button type="submit" size="lg" loading={action.busy} data-testid="first-start-submit">
            {t('firstStart.submit')}
          </Button>
        </Stack>
      </form>
    </AuthFrame>
  );
}
