import { Button, Stack, Text, TextInput } from '@mantine/core';
import { IconUserShield } from '@tabler/icons-react';
import { useForm } from '@mantine/form';
import type { FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { translatedError } from '../common/contractForm';
import { ErrorAlert } from '../common/ErrorAlert';
import { NewPasswordFields } from '../common/NewPasswordFields';
import { useVeilAction } from '../common/useVeilAction';
import { client } from '../transport/client';
import { useReloadSystemInfo } from '../system/SystemInfoContext';
import { AuthFrame } from './AuthFrame';
import { useSession } from './SessionContext';
import { firstStartMessage, validateFirstStart, type FirstStart } from './sessionForms';

const EMPTY: FirstStart = { siteName: '', username: '', displayName: '', password: '', confirmation: '' };

/**
 * A new, empty database: the first person names the site (reports and certificates print it) and creates the
 * administrator account (refused once any user exists).
 */
export function FirstStartScreen() {
  const { t } = useTranslation();
  const { apply } = useSession();
  const reloadInfo = useReloadSystemInfo();
  const form = useForm<FirstStart>({ initialValues: EMPTY, validate: validateFirstStart });
  const { siteName, username, displayName, password, confirmation } = form.values;
  const action = useVeilAction();
  // The form's refusal (checked here) or the host's (checked again there), in the user's language.
  const fieldError = (field: keyof FirstStart) => translatedError(form.errors, field, firstStartMessage, t) ?? action.fieldError(field);

  async function submit(event: FormEvent) {
    event.preventDefault();
    action.clear();
    if (form.validate().hasErrors) return;
    const site = siteName.trim();
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
            onChange={(e) => form.setFieldValue('siteName', e.currentTarget.value)}
            error={fieldError('siteName')}
            autoFocus
            data-testid="first-start-site-name"
          />
          <TextInput
            label={t('users.field.username')}
            description={t('users.field.usernameHint')}
            value={username}
            onChange={(e) => form.setFieldValue('username', e.currentTarget.value)}
            error={fieldError('username')}
            autoComplete="username"
            autoCapitalize="none"
            spellCheck={false}
            data-testid="first-start-username"
          />
          <TextInput
            label={t('users.field.displayName')}
            description={t('users.field.displayNameHint')}
            value={displayName}
            onChange={(e) => form.setFieldValue('displayName', e.currentTarget.value)}
            error={fieldError('displayName')}
            autoComplete="name"
            data-testid="first-start-display-name"
          />
          <NewPasswordFields
            password={password}
            confirmation={confirmation}
            passwordError={fieldError('password')}
            confirmationError={fieldError('confirmation')}
            onPassword={(value) => form.setFieldValue('password', value)}
            onConfirmation={(value) => form.setFieldValue('confirmation', value)}
            testIds={{ password: 'first-start-password', confirmation: 'first-start-confirmation' }}
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
