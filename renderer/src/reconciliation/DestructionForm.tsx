import { Button, Checkbox, Group, List, Paper, SimpleGrid, Stack, Table, Text, TextInput, Title } from '@mantine/core';
import { IconFlame, IconUserCheck } from '@tabler/icons-react';
import { useForm } from '@mantine/form';
import { useEffect, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { contract } from '../../../shared/contract';
import { VeilError } from '../../../shared/errors';
import { contractValidate, issuesOnFields, translatedError } from '../common/contractForm';
import { PasswordField } from '../common/PasswordField';
import { useSignedAction } from '../common/SignatureDialog';
import { TranslatedErrorAlert } from '../common/TranslatedErrorAlert';
import { useSiteToday } from '../system/useSiteToday';
import { client } from '../transport/client';
import { DATE_IN_FUTURE, reconciliationMessage } from './reconciliationMessages';
import type { Destruction, DestructionCandidate } from './types';
import { kitStatusWord } from './words';

const FIELDS = ['kitNumbers', 'method', 'place', 'destroyedOn', 'witness.username', 'witness.password'] as const;
type FieldName = (typeof FIELDS)[number];

/** What the pharmacist and the witness fill in (the kits are chosen in the table); the signature comes from the dialog. */
interface DestructionFormValues {
  kitNumbers: string[];
  method: string;
  place: string;
  destroyedOn: string;
  witness: { username: string; password: string };
}

const contractErrors = contractValidate<DestructionFormValues>(contract.destruction.record.input.omit({ signature: true }));

/**
 * destruction.record's rules, plus the one the contract cannot make: a destruction is not dated after the site's today
 * (the core's, null until it is read: the core checks it again).
 */
function validateDestruction(values: DestructionFormValues, siteToday: string | null) {
  const errors = contractErrors(values);
  if (!errors.destroyedOn && siteToday !== null && values.destroyedOn > siteToday) errors.destroyedOn = DATE_IN_FUTURE;
  return errors;
}

/** Errors of the destruction itself (not of the signature): shown on the form, the signature dialog closes. */
type Outcome = { ok: true; destruction: Destruction } | { ok: false; error: VeilError };

/**
 * Destruction of returned, expired or damaged kits: choose the kits, say how, where and when; the witness types their
 * own username and password; you sign. One transaction on the host records both signatures.
 */
export function DestructionForm({ candidates, onDestroyed }: { candidates: DestructionCandidate[]; onDestroyed: (destruction: Destruction) => void }) {
  const { t } = useTranslation();
  const siteToday = useSiteToday();
  const form = useForm<DestructionFormValues>({
    initialValues: { kitNumbers: [], method: '', place: '', destroyedOn: '', witness: { username: '', password: '' } },
    validate: (values) => validateDestruction(values, siteToday),
  });
  const { values } = form;
  const { setFieldValue } = form;
  // Dated today by default, once the site's today is known; a day the pharmacist typed stays. (The form object is new
  // each render; its getter reads the current values, so it is not a dependency.)
  useEffect(() => {
    if (siteToday && form.getValues().destroyedOn === '') setFieldValue('destroyedOn', siteToday);
  }, [siteToday, setFieldValue]);
  const fieldError = (field: FieldName) => translatedError(form.errors, field, reconciliationMessage, t);
  const [error, setError] = useState<VeilError | null>(null);
  const signer = useSignedAction();

  const chosen = candidates.filter((c) => values.kitNumbers.includes(c.kitNumber)).map((c) => c.kitNumber);
  const select = (kitNumbers: string[]) => form.setFieldValue('kitNumbers', kitNumbers);

  function toggle(kitNumber: string, on: boolean) {
    select(on ? [...values.kitNumbers.filter((k) => k !== kitNumber), kitNumber] : values.kitNumbers.filter((k) => k !== kitNumber));
  }

  async function submit(event: FormEvent) {
    event.preventDefault();
    setError(null);
    if (form.validate().hasErrors) return;

    const { destroyedOn } = values;
    const input = { kitNumbers: chosen, method: values.method.trim(), place: values.place.trim(), destroyedOn, witness: { username: values.witness.username.trim(), password: values.witness.password } };
    const outcome = await signer.sign<Outcome>(
      'destruction.record',
      async (signature) => {
        try {
          return { ok: true, destruction: await client.destruction.record({ ...input, signature }) };
        } catch (caught) {
          const failure = caught instanceof VeilError ? caught : new VeilError('internal', caught instanceof Error ? caught.message : String(caught));
          // The signature's own problems stay in the dialog; the destruction's (witness, date, kits) go to the form.
          if (failure.issues?.some((i) => i.path[0] === 'signature') || failure.key === 'signatures.ownUsername') throw failure;
          return { ok: false, error: failure };
        }
      },
      {
        title: t('reconciliation.destruction.dialogTitle'),
        submitLabel: t('reconciliation.destruction.dialogSubmit'),
        summary: (
          <Stack gap={4} data-testid="destruction-summary">
            <Text fw={600}>{t('reconciliation.destruction.summaryKits', { count: chosen.length })}</Text>
            <Text ff="monospace" size="sm">
              {chosen.join(', ')}
            </Text>
            <Text size="sm">{t('reconciliation.destruction.summaryHow', { method: input.method, place: input.place, date: destroyedOn })}</Text>
            <Text size="sm">{t('reconciliation.destruction.summaryWitness', { username: input.witness.username })}</Text>
          </Stack>
        ),
      },
    );
    if (outcome === null) return;
    form.setFieldValue('witness.password', '');
    if (outcome.ok) {
      form.setFieldValue('kitNumbers', []);
      form.setFieldValue('witness.username', '');
      onDestroyed(outcome.destruction);
      return;
    }
    form.setErrors(issuesOnFields(outcome.error.issues, FIELDS));
    setError(outcome.error);
  }

  return (
    <Paper withBorder p="lg" radius="md" data-testid="destruction-form-panel">
      <form onSubmit={submit} noValidate data-testid="destruction-form">
        <Stack gap="md">
          <Title order={2} fz="h3">
            {t('reconciliation.destruction.formTitle')}
          </Title>
          <Text c="dimmed">{t('reconciliation.destruction.formIntro')}</Text>
          {candidates.length === 0 ? (
            <Text data-testid="destruction-no-candidates">{t('reconciliation.destruction.noCandidates')}</Text>
          ) : (
            <Stack gap={4}>
              <Group justify="space-between">
                <Text fw={600}>{t('reconciliation.destruction.candidates', { count: candidates.length })} · {t('reconciliation.destruction.selectedCount', { count: chosen.length })}</Text>
                <Group gap="xs">
                  <Button size="compact-md" variant="default" onClick={() => select(candidates.map((c) => c.kitNumber))} data-testid="destruction-select-all">
                    {t('reconciliation.destruction.selectAll')}
                  </Button>
                  <Button size="compact-md" variant="default" onClick={() => select([])} data-testid="destruction-select-none">
                    {t('reconciliation.destruction.selectNone')}
                  </Button>
                </Group>
              </Group>
              <Table.ScrollContainer minWidth={520} maxHeight={320} type="native">
                <Table striped verticalSpacing={4} stickyHeader data-testid="destruction-candidates">
                  <Table.Thead>
                    <Table.Tr>
                      <Table.Th w={48}>{t('reconciliation.destruction.columns.select')}</Table.Th>
                      <Table.Th>{t('reconciliation.destruction.columns.kit')}</Table.Th>
                      <Table.Th>{t('reconciliation.destruction.columns.status')}</Table.Th>
                      <Table.Th>{t('reconciliation.destruction.columns.lot')}</Table.Th>
                    </Table.Tr>
                  </Table.Thead>
                  <Table.Tbody>
                    {candidates.map((c) => (
                      <Table.Tr key={c.kitNumber} data-testid={`destruction-candidate-${c.kitNumber}`}>
                        <Table.Td>
                          <Checkbox
                            aria-label={t('reconciliation.destruction.selectOne', { kit: c.kitNumber })}
                            checked={values.kitNumbers.includes(c.kitNumber)}
                            onChange={(e) => toggle(c.kitNumber, e.currentTarget.checked)}
                            data-testid={`destruction-select-${c.kitNumber}`}
                          />
                        </Table.Td>
                        <Table.Td>
                          <Text ff="monospace" fw={700}>
                            {c.kitNumber}
                          </Text>
                        </Table.Td>
                        <Table.Td>{kitStatusWord(c.status, t)}</Table.Td>
                        <Table.Td>
                          <Text ff="monospace" size="sm">
                            {c.blindedLot}
                          </Text>
                        </Table.Td>
                      </Table.Tr>
                    ))}
                  </Table.Tbody>
                </Table>
              </Table.ScrollContainer>
              {fieldError('kitNumbers') && (
                <Text c="red.8" size="sm" role="alert">
                  {fieldError('kitNumbers')}
                </Text>
              )}
            </Stack>
          )}
          <TextInput
            label={t('reconciliation.destruction.method')}
            placeholder={t('reconciliation.destruction.methodPlaceholder')}
            value={values.method}
            onChange={(e) => form.setFieldValue('method', e.currentTarget.value)}
            error={fieldError('method')}
            withAsterisk
            data-testid="destruction-method"
          />
          <SimpleGrid cols={{ base: 1, md: 2 }}>
            <TextInput
              label={t('reconciliation.destruction.place')}
              placeholder={t('reconciliation.destruction.placePlaceholder')}
              value={values.place}
              onChange={(e) => form.setFieldValue('place', e.currentTarget.value)}
              error={fieldError('place')}
              withAsterisk
              data-testid="destruction-place"
            />
            <TextInput
              type="date"
              label={t('reconciliation.destruction.date')}
              value={values.destroyedOn}
              max={siteToday ?? undefined}
              onChange={(e) => form.setFieldValue('destroyedOn', e.currentTarget.value)}
              error={fieldError('destroyedOn')}
              withAsterisk
              data-testid="destruction-date"
            />
          </SimpleGrid>
          <Paper withBorder p="md" radius="md" bg="gray.0" data-testid="destruction-witness">
            <Stack gap="sm">
              <Group gap="xs">
                <IconUserCheck size="1.3em" aria-hidden />
                <Text fw={700}>{t('reconciliation.destruction.witnessTitle')}</Text>
              </Group>
              <Text size="sm">{t('reconciliation.destruction.witnessIntro')}</Text>
              <SimpleGrid cols={{ base: 1, md: 2 }}>
                <TextInput
                  label={t('reconciliation.destruction.witnessUsername')}
                  value={values.witness.username}
                  onChange={(e) => form.setFieldValue('witness.username', e.currentTarget.value)}
                  error={fieldError('witness.username')}
                  autoComplete="off"
                  autoCapitalize="none"
                  spellCheck={false}
                  withAsterisk
                  data-testid="destruction-witness-username"
                />
                <PasswordField
                  label={t('reconciliation.destruction.witnessPassword')}
                  value={values.witness.password}
                  onChange={(e) => form.setFieldValue('witness.password', e.currentTarget.value)}
                  error={fieldError('witness.password')}
                  autoComplete="off"
                  withAsterisk
                  data-testid="destruction-witness-password"
                />
              </SimpleGrid>
            </Stack>
          </Paper>
          <TranslatedErrorAlert error={error} translate={reconciliationMessage} testId="destruction-error" />
          {chosen.length > 0 && (
            <List size="sm" c="dimmed">
              <List.Item>{t('reconciliation.destruction.irreversible')}</List.Item>
            </List>
          )}
          <Group justify="flex-end">
            <Button type="submit" size="md" color="red.8" leftSection={<IconFlame size="1.2em" aria-hidden />} disabled={candidates.length === 0} data-testid="destruction-submit">
              {chosen.length === 0 ? t('reconciliation.destruction.submitNone') : t('reconciliation.destruction.submit', { count: chosen.length })}
            </Button>
          </Group>
        </Stack>
      </form>
      {signer.dialog}
    </Paper>
  );
}
