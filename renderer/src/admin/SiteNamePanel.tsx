import { Alert, Button, Group, Stack, Text, TextInput } from '@mantine/core';
import { IconBuildingHospital, IconCheck } from '@tabler/icons-react';
import { useForm } from '@mantine/form';
import { useEffect, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { translatedError } from '../common/contractForm';
import { ErrorAlert } from '../common/ErrorAlert';
import { useVeilAction } from '../common/useVeilAction';
import { useReloadSystemInfo, useSystemInfo } from '../system/SystemInfoContext';
import { translateServerMessage } from '../i18n/serverMessages';
import { client } from '../transport/client';
import { validateSiteName } from './adminForms';

/** The site's name as reports and certificates print it (administrator; each change is audited). */
export function SiteNamePanel() {
  const { t } = useTranslation();
  const info = useSystemInfo();
  const reload = useReloadSystemInfo();
  const form = useForm({ initialValues: { name: info?.site ?? '' }, validate: validateSiteName });
  const { name } = form.values;
  const { setValues } = form;
  const [saved, setSaved] = useState(false);
  const save = useVeilAction();
  const current = info?.site ?? null;

  useEffect(() => setValues({ name: current ?? '' }), [current, setValues]);

  async function submit(event: FormEvent) {
    event.preventDefault();
    setSaved(false);
    save.clear();
    if (form.validate().hasErrors) return;
    const result = await save.run(() => client.system.updateSiteName({ name }));
    if (result.ok) {
      await reload();
      setSaved(true);
    }
  }

  return (
    <form onSubmit={submit} noValidate data-testid="site-name-form">
      <Stack gap="md" maw={640}>
        <Group gap="sm" wrap="nowrap">
          <IconBuildingHospital size="1.6em" aria-hidden />
          <Text>{t('admin.site.intro')}</Text>
        </Group>
        {current === null && (
          <Alert variant="light" color="orange" data-testid="site-name-missing">
            {t('admin.site.missing')}
          </Alert>
        )}
        <TextInput
          label={t('admin.site.name')}
          description={t('admin.site.nameHint')}
          value={name}
          onChange={(e) => {
            form.setFieldValue('name', e.currentTarget.value);
            setSaved(false);
          }}
          // The contract's refusal (checked here) or the host's (checked again there), in the user's language.
          error={translatedError(form.errors, 'name', translateServerMessage, t) ?? save.fieldError('name')}
          data-testid="site-name"
        />
        {!save.error?.issues?.length && <ErrorAlert error={save.error} />}
        <Group gap="sm">
          <Button type="submit" loading={save.busy} disabled={name.trim() === (current ?? '')} data-testid="site-name-save">
            {t('common.save')}
          </Button>
          {saved && (
            <Text size="sm" c="teal.8" fw={600} data-testid="site-name-saved">
              <IconCheck size="1em" aria-hidden /> {t('admin.site.saved')}
            </Text>
          )}
        </Group>
      </Stack>
    </form>
  );
}
