import { Button, Checkbox, Group, List, Paper, SimpleGrid, Stack, Table, Text, TextInput, Title } from '@mantine/core';
import { IconFlame, IconUserCheck } from '@tabler/icons-react';
import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { VeilError } from '../../../shared/errors';
import { PasswordField } from '../common/PasswordField';
import { useSignedAction } from '../common/SignatureDialog';
import { TranslatedErrorAlert } from '../common/TranslatedErrorAlert';
import { client } from '../transport/client';
import { reconciliationMessage } from './reconciliationMessages';
import type { Destruction, DestructionCandidate } from './types';
import { kitStatusWord } from './words';

function localToday(): string {
  const d = new Date();
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
}

type FieldName = 'kitNumbers' | 'method' | 'place' | 'destroyedOn' | 'witness.username' | 'witness.password';

/** Errors of the destruction itself (not of the signature): shown on the form, the signature dialog closes. */
type Outcome = { ok: true; destruction: Destruction } | { ok: false; error: VeilError };

/**
 * Destruction of returned, expired or damaged kits: choose the kits, say how, where and when; the witness types their
 * own username and password; you sign. One transaction on the host records both signatures.
 */
export function DestructionForm({ candidates, onDestroyed }: { candidates: DestructionCandidate[]; onDestroyed: (destruction: Destruction) => void }) {
  const { t } = useTranslation();
  const [selected, setSelected] = useState<Set<string>>(new Set());
  const [method, setMethod] = useState('');
  const [place, setPlace] = useState('');
  const [destroyedOn, setDestroyedOn] = useState(localToday());
  const [witnessUsername, setWitnessUsername] = useState('');
  const [witnessPassword, setWitnessPassword] = useState('');
  const [fieldErrors, setFieldErrors] = useState<Partial<Record<FieldName, string>>>({});
  const [error, setError] = useState<VeilError | null>(null);
  const signer = useSignedAction();

  const chosen = candidates.filter((c) => selected.has(c.kitNumber)).map((c) => c.kitNumber);

  function toggle(kitNumber: string, on: boolean) {
    setSelected((s) => {
      const next = new Set(s);
      if (on) next.add(kitNumber);
      else next.delete(kitNumber);
      return next;
    });
  }

  async function submit(event: FormEvent) {
    event.preventDefault();
    const local: Partial<Record<FieldName, string>> = {};
    if (chosen.length === 0) local.kitNumbers = t('reconciliation.destruction.chooseKits');
    if (method.trim().length < 3) local.method = t('reconciliation.destruction.methodNeeded');
    if (place.trim().length < 2) local.place = t('reconciliation.destruction.placeNeeded');
    if (!/^\d{4}-\d{2}-\d{2}$/.test(destroyedOn)) local.destroyedOn = t('reconciliation.destruction.dateNeeded');
    else if (destroyedOn > localToday()) local.destroyedOn = t('reconciliation.destruction.dateFuture');
    if (!witnessUsername.trim()) local['witness.username'] = t('reconciliation.destruction.witnessUsernameNeeded');
    if (!witnessPassword) local['witness.password'] = t('reconciliation.destruction.witnessPasswordNeeded');
    setError(null);
    setFieldErrors(local);
    if (Object.values(local).some(Boolean)) return;

    const input = { kitNumbers: chosen, method: method.trim(), place: place.trim(), destroyedOn, witness: { username: witnessUsername.trim(), password: witnessPassword } };
    const outcome = await signer.sign<Outcome>(
      'destruction.record',
      async (signature) => {
        try {
          return { ok: true, destruction: await client.destruction.record({ ...input, signature }) };
        } catch (caught) {
          const failure = caught instanceof VeilError ? caught : new VeilError('internal', caught instanceof Error ? caught.message : String(caught));
          // The signature's own problems stay in the dialog; the destruction's (witness, date, kits) go to the form.
          if (failure.issues?.some((i) => i.path[0] === 'signature') || failure.message.startsWith('A signature can only be made')) throw failure;
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
    setWitnessPassword('');
    if (outcome.ok) {
      setSelected(new Set());
      setWitnessUsername('');
      onDestroyed(outcome.destruction);
      return;
    }
    const issues: Partial<Record<FieldName, string>> = {};
    for (const issue of outcome.error.issues ?? []) {
      const key = issue.path.join('.') as FieldName;
      if (['kitNumbers', 'method', 'place', 'destroyedOn', 'witness.username', 'witness.password'].includes(key)) issues[key] = reconciliationMessage(issue.message, t);
    }
    setFieldErrors(issues);
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
                  <Button size="compact-md" variant="default" onClick={() => setSelected(new Set(candidates.map((c) => c.kitNumber)))} data-testid="destruction-select-all">
                    {t('reconciliation.destruction.selectAll')}
                  </Button>
                  <Button size="compact-md" variant="default" onClick={() => setSelected(new Set())} data-testid="destruction-select-none">
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
                            checked={selected.has(c.kitNumber)}
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
              {fieldErrors.kitNumbers && (
                <Text c="red.8" size="sm" role="alert">
                  {fieldErrors.kitNumbers}
                </Text>
              )}
            </Stack>
          )}
          <TextInput
            label={t('reconciliation.destruction.method')}
            placeholder={t('reconciliation.destruction.methodPlaceholder')}
            value={method}
            onChange={(e) => setMethod(e.currentTarget.value)}
            error={fieldErrors.method}
            withAsterisk
            data-testid="destruction-method"
          />
          <SimpleGrid cols={{ base: 1, md: 2 }}>
            <TextInput
              label={t('reconciliation.destruction.place')}
              placeholder={t('reconciliation.destruction.placePlaceholder')}
              value={place}
              onChange={(e) => setPlace(e.currentTarget.value)}
              error={fieldErrors.place}
              withAsterisk
              data-testid="destruction-place"
            />
            <TextInput
              type="date"
              label={t('reconciliation.destruction.date')}
              value={destroyedOn}
              max={localToday()}
              onChange={(e) => setDestroyedOn(e.currentTarget.value)}
              error={fieldErrors.destroyedOn}
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
                  value={witnessUsername}
                  onChange={(e) => setWitnessUsername(e.currentTarget.value)}
                  error={fieldErrors['witness.username']}
                  autoComplete="off"
                  autoCapitalize="none"
                  spellCheck={false}
                  withAsterisk
                  data-testid="destruction-witness-username"
                />
                <PasswordField
                  label={t('reconciliation.destruction.witnessPassword')}
                  value={witnessPassword}
                  onChange={(e) => setWitnessPassword(e.currentTarget.value)}
                  error={fieldErrors['witness.password']}
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
