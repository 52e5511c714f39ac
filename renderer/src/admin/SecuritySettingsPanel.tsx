import { Alert, Button, Group, Loader, NumberInput, Stack } from '@mantine/core';
import { IconCheck } from '@tabler/icons-react';
import { useForm } from '@mantine/form';
import { useEffect, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type { SecuritySettings } from '../../../shared/contract/system';
import { translatedError } from '../common/contractForm';
import { ErrorAlert } from '../common/ErrorAlert';
import { useVeilAction } from '../common/useVeilAction';
import { useSession } from '../session/SessionContext';
import { translateServerMessage } from '../i18n/serverMessages';
import { client } from '../transport/client';
import { securityInput, validateSecuritySettings, type SecurityDraft } from './adminForms';

/** Login lockout and inactivity lock. */
export function SecuritySettingsPanel() {
  const { t } = useTranslation();
  const { refresh } = useSession();
  const form = useForm<SecurityDraft>({ initialValues: { maxFailedLogins: '', lockoutMinutes: '', inactivityMinutes: '' }, validate: validateSecuritySettings });
  const { setValues } = form;
  const [loaded, setLoaded] = useState(false);
  const [saved, setSaved] = useState(false);
  const load = useVeilAction();
  const save = useVeilAction();
  const { run: runLoad } = load;

  useEffect(() => {
    void runLoad(() => client.system.securitySettings({})).then((result) => {
      if (!result.ok) return;
      setValues(result.value);
      setLoaded(true);
    });
  }, [runLoad, setValues]);

  async function submit(event: FormEvent) {
    event.preventDefault();
    if (!loaded) return;
    setSaved(false);
    save.clear();
    if (form.validate().hasErrors) return;
    const result = await save.run(() => client.system.updateSecuritySettings(securityInput(form.values)));
    if (result.ok) {
      setValues(result.value);
      setSaved(true);
      await refresh(); // this window's inactivity lock follows the new setting at once
    }
  }

  if (!loaded) return load.error ? <ErrorAlert error={load.error} /> : <Loader />;

  const field = (name: keyof SecuritySettings, min: number, max: number) => (
    <NumberInput
      label={t(`admin.security.${name}.label`)}
      description={t(`admin.security.${name}.hint`, { min, max })}
      value={form.values[name]}
      onChange={(value) => {
        setSaved(false);
        form.setFieldValue(name, value);
      }}
      // The contract's refusal (checked here) or the host's (checked again there), in the user's language.
      error={translatedError(form.errors, name, translateServerMessage, t) ?? save.fieldError(name)}
      min={min}
      max={max}
      allowDecimal={false}
      allowNegative={false}
      maw={420}
      data-testid={`security-${name}`}
    />
  );

  return (
    <form onSubmit={submit} noValidate data-testid="security-settings-form">
      <Stack gap="md" maw={720}>
        {field('maxFailedLogins', 3, 10)}
        {field('lockoutMinutes', 1, 1440)}
        {field('inactivityMinutes', 1, 60)}
        <ErrorAlert error={save.error} />
        {saved && (
          <Alert variant="light" color="teal" icon={<IconCheck aria-hidden />} data-testid="security-saved">
            {t('admin.security.saved')}
          </Alert>
        )}
        <Group>
          <Button type="submit" loading={save.busy} data-testid="security-submit">
            {t('common.save')}
          </Button>
        </Group>
      </Stack>
    </form>
  );
}
