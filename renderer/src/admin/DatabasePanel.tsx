import { Alert, Button, Group, Loader, PasswordInput, SegmentedControl, Stack, Table, Text, TextInput } from '@mantine/core';
import { IconCheck, IconDatabase, IconPlugConnected } from '@tabler/icons-react';
import { useForm } from '@mantine/form';
import { useEffect, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { DatabaseChoice, type DatabaseConnection, type DatabaseProbe } from '../../../shared/contract/system';
import { contractValidate, translatedError } from '../common/contractForm';
import { ErrorAlert } from '../common/ErrorAlert';
import { useVeilAction } from '../common/useVeilAction';
import { translateServerMessage } from '../i18n/serverMessages';
import { client } from '../transport/client';

interface Draft {
  engine: 'sqlite' | 'postgres';
  url: string;
  /** Typed in a field of its own, masked, so that the address on screen never shows it. */
  password: string;
  caFile: string;
}

/** The address with the password put in it (an address that does not parse goes as typed: the host says why). */
function addressOf(url: string, password: string): string {
  if (password === '') return url;
  try {
    const parsed = new URL(url);
    parsed.password = password;
    return parsed.href;
  } catch {
    return url;
  }
}

const choiceOf = (draft: Draft): DatabaseChoice =>
  draft.engine === 'sqlite' ? { engine: 'sqlite' } : { engine: 'postgres', url: addressOf(draft.url.trim(), draft.password), caFile: draft.caFile.trim() === '' ? null : draft.caFile.trim() };

/**
 * The database this desktop workstation opens (issue 13, item 4): its own file (one bench) or the pharmacy's
 * PostgreSQL server (several workstations). The administrator tries a server first (nothing is written there), then
 * saves; the choice applies at the next start and is audited. The server's password is typed in a masked field of its
 * own, never shown back.
 */
export function DatabasePanel() {
  const { t } = useTranslation();
  const [connection, setConnection] = useState<DatabaseConnection | null>(null);
  const [probe, setProbe] = useState<DatabaseProbe | null>(null);
  const [saved, setSaved] = useState(false);
  const form = useForm<Draft>({
    initialValues: { engine: 'sqlite', url: '', password: '', caFile: '' },
    // The contract's own schema, in the user's language (an address is required for a server).
    validate: contractValidate<Draft>(DatabaseChoice, choiceOf),
  });
  const load = useVeilAction();
  const trial = useVeilAction();
  const save = useVeilAction();
  const { run: runLoad } = load;
  const { setFieldValue, setValues } = form;

  // Once: setValues is stable across renders (setFieldValue is not, and would reload on every keystroke).
  useEffect(() => {
    void runLoad(() => client.system.databaseConnection({})).then((result) => {
      if (!result.ok) return;
      setConnection(result.value);
      setValues({ engine: (result.value.next ?? result.value.current).engine });
    });
  }, [runLoad, setValues]);

  const edited = () => {
    setProbe(null);
    setSaved(false);
    trial.clear();
    save.clear();
  };

  async function tryServer() {
    edited();
    if (form.validate().hasErrors) return;
    const choice = choiceOf(form.values);
    if (choice.engine !== 'postgres') return;
    const result = await trial.run(() => client.system.testDatabaseConnection(choice));
    if (result.ok) setProbe(result.value);
  }

  async function submit(event: FormEvent) {
    event.preventDefault();
    setSaved(false);
    save.clear();
    if (form.validate().hasErrors) return;
    const result = await save.run(() => client.system.saveDatabaseConnection(choiceOf(form.values)));
    if (result.ok) {
      setConnection(result.value);
      setSaved(true);
    }
  }

  if (!connection) return load.error ? <ErrorAlert error={load.error} /> : <Loader />;

  const row = (label: string, view: DatabaseConnection['current'], testId: string) => (
    <Table.Tr data-testid={testId}>
      <Table.Th scope="row">{label}</Table.Th>
      <Table.Td>{t(`admin.database.engine.${view.engine}`)}</Table.Td>
      <Table.Td style={{ wordBreak: 'break-all' }}>{view.where}</Table.Td>
      <Table.Td>{view.caFile ?? '—'}</Table.Td>
    </Table.Tr>
  );
  const postgres = form.values.engine === 'postgres';

  return (
    <Stack gap="md" maw={820} data-testid="database-panel">
      <Group gap="sm" wrap="nowrap">
        <IconDatabase size="1.6em" aria-hidden style={{ flexShrink: 0 }} />
        <Text>{t('admin.database.intro')}</Text>
      </Group>
      <Table withTableBorder>
        <Table.Thead>
          <Table.Tr>
            <Table.Th>{t('admin.database.columns.when')}</Table.Th>
            <Table.Th>{t('admin.database.columns.engine')}</Table.Th>
            <Table.Th>{t('admin.database.columns.where')}</Table.Th>
            <Table.Th>{t('admin.database.columns.caFile')}</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {row(t('admin.database.current'), connection.current, 'database-current')}
          {connection.next && row(t('admin.database.next'), connection.next, 'database-next')}
        </Table.Tbody>
      </Table>
      {connection.fixedBy !== null ? (
        <Alert variant="light" color="blue" data-testid="database-fixed">
          {t(`admin.database.fixedBy.${connection.fixedBy}`)}
        </Alert>
      ) : (
        <form onSubmit={submit} noValidate data-testid="database-form">
          <Stack gap="md">
            <SegmentedControl
              value={form.values.engine}
              onChange={(value) => {
                edited();
                setFieldValue('engine', value as Draft['engine']);
              }}
              data={[
                { value: 'sqlite', label: t('admin.database.engine.sqlite') },
                { value: 'postgres', label: t('admin.database.engine.postgres') },
              ]}
              aria-label={t('admin.database.columns.engine')}
              data-testid="database-engine"
            />
            {postgres && (
              <>
                <TextInput
                  label={t('admin.database.url')}
                  description={t('admin.database.urlHint')}
                  placeholder="postgres://veil@db.pharmacy.local:5432/veil?sslmode=verify-full"
                  value={form.values.url}
                  onChange={(e) => {
                    edited();
                    setFieldValue('url', e.currentTarget.value);
                  }}
                  error={translatedError(form.errors, 'url', translateServerMessage, t) ?? trial.fieldError('url') ?? save.fieldError('url')}
                  autoComplete="off"
                  spellCheck={false}
                  data-testid="database-url"
                />
                <PasswordInput
                  label={t('admin.database.password')}
                  value={form.values.password}
                  onChange={(e) => {
                    edited();
                    setFieldValue('password', e.currentTarget.value);
                  }}
                  autoComplete="new-password"
                  data-testid="database-password"
                />
                <TextInput
                  label={t('admin.database.caFile')}
                  description={t('admin.database.caFileHint')}
                  value={form.values.caFile}
                  onChange={(e) => {
                    edited();
                    setFieldValue('caFile', e.currentTarget.value);
                  }}
                  spellCheck={false}
                  data-testid="database-ca-file"
                />
              </>
            )}
            <ErrorAlert error={trial.error ?? save.error} />
            {probe && (
              <Alert variant="light" color="teal" icon={<IconPlugConnected aria-hidden />} data-testid="database-probe">
                {t(`admin.database.probe.${probe.state}`, { where: probe.where, version: probe.schemaVersion, known: probe.knownVersion })}
              </Alert>
            )}
            <Group gap="sm">
              {postgres && (
                <Button variant="outline" onClick={() => void tryServer()} loading={trial.busy} data-testid="database-test">
                  {t('admin.database.test')}
                </Button>
              )}
              <Button type="submit" loading={save.busy} data-testid="database-save">
                {t('admin.database.save')}
              </Button>
              {saved && (
                <Text size="sm" c="teal.8" fw={600} data-testid="database-saved">
                  <IconCheck size="1em" aria-hidden /> {t('admin.database.saved')}
                </Text>
              )}
            </Group>
          </Stack>
        </form>
      )}
    </Stack>
  );
}
