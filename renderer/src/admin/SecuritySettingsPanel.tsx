import { Alert, Button, Group, Loader, NumberInput, Stack } from '@mantine/core';
import { IconCheck } from '@tabler/icons-react';
import { useEffect, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type { SecuritySettings } from '../../../shared/contract/system';
import { ErrorAlert } from '../common/ErrorAlert';
import { useVeilAction } from '../common/useVeilAction';
import { useSession } from '../session/SessionContext';
import { client } from '../transport/client';

type Draft = { [K in keyof SecuritySettings]: number | string };

/** Login lockout and inactivity lock. */
export function SecuritySettingsPanel() {
  const { t } = useTranslation();
  const { refresh } = useSession();
  const [draft, setDraft] = useState<Draft | null>(null);
  const [saved, setSaved] = useState(false);
  const load = useVeilAction();
  const save = useVeilAction();
  const { run: runLoad } = load;

  useEffect(() => {
    void runLoad(() => client.system.securitySettings({})).then((result) => {
      if (result.ok) setDraft(result.value);
    });
  }, [runLoad]);

  async function submit(event: FormEvent) {
    event.preventDefault();
    if (!draft) return;
    setSaved(false);
    const result = await save.run(() =>
      client.system.updateSecuritySettings({
        maxFailedLogins: Number(draft.maxFailedLogins),
        lockoutMinutes: Number(draft.lockoutMinutes),
        inactivityMinutes: Number(draft.inactivityMinutes),
      }),
    );
    if (result.ok) {
      setDraft(result.value);
      setSaved(true);
      await refresh(); // this window's inactivity lock follows the new setting at once
    }
  }

  if (!draft) return load.error ? <ErrorAlert error={load.error} /> : <Loader />;

  const field = (name: keyof SecuritySettings, min: number, max: number) => (
    <NumberInput
      label={t(`admin.security.${name}.label`)}
      description={t(`admin.security.${name}.hint`, { min, max })}
      value={draft[name]}
      onChange={(value) => {
        setSaved(false);
        setDraft({ ...draft, [name]: value });
      }}
      error={save.fieldError(name)}
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
