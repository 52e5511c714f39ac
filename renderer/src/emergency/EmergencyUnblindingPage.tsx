import { Alert, Button, Group, Loader, Modal, Paper, Radio, Select, Stack, Table, Text, Textarea, TextInput, Title } from '@mantine/core';
import { IconAlertOctagon, IconEyeOff, IconLockOpen, IconMailForward, IconUrgent } from '@tabler/icons-react';
import { useCallback, useEffect, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { useForm } from '@mantine/form';
import { contract, type ChannelOutput } from '../../../shared/contract';
import { VeilError } from '../../../shared/errors';
import { contractValidate, issuesOnFields, translatedError } from '../common/contractForm';
import { formatDateTime } from '../common/format';
import { useSignedAction } from '../common/SignatureDialog';
import { TranslatedErrorAlert } from '../common/TranslatedErrorAlert';
import { useVeilAction } from '../common/useVeilAction';
import { client } from '../transport/client';
import { EmergencyUnblindedBadge } from '../common/EmergencyUnblindedBadge';
import { emergencyMessage } from './emergencyMessages';
import { SponsorNoticeStep } from './SponsorNoticeStep';

type Patient = ChannelOutput<'patients.list'>[number];
type Unblinding = ChannelOutput<'emergency.list'>[number];
type Revealed = ChannelOutput<'emergency.unblind'>;
type Outcome = { ok: true; revealed: Revealed } | { ok: false; error: VeilError };
const FIELDS = ['patientId', 'reason', 'adverseEvent', 'passphrase'] as const;

/** What the investigator fills in; the signature is asked for by the signature dialog. */
interface EmergencyForm {
  patientId: string | null;
  reason: string;
  adverseEvent: 'yes' | 'no' | '';
  passphrase: string;
}

/** The form's values in emergency.unblind's shape (a choice not made yet is null: the contract says what is missing). */
function unblindInput(values: EmergencyForm) {
  return {
    patientId: values.patientId === null ? null : Number(values.patientId),
    reason: values.reason,
    adverseEvent: values.adverseEvent === '' ? null : values.adverseEvent === 'yes',
    passphrase: values.passphrase,
  };
}

const validateUnblind = contractValidate(contract.emergency.unblind.input.omit({ signature: true }), unblindInput);

/**
 * Emergency unblinding (investigator): one patient, a reason, the adverse-event answer, the passphrase from the sealed
 * envelope and the investigator's signature reveal that ONE patient's treatment, to this investigator, on this screen
 * only. The answer lives in this component's state: "Close" wipes it, and leaving the page drops it; nothing stores it.
 */
export function EmergencyUnblindingPage() {
  const { t, i18n } = useTranslation();
  const [patients, setPatients] = useState<Patient[] | null>(null);
  const [records, setRecords] = useState<Unblinding[] | null>(null);
  const form = useForm<EmergencyForm>({ initialValues: { patientId: null, reason: '', adverseEvent: '', passphrase: '' }, validate: validateUnblind });
  const fieldError = (field: (typeof FIELDS)[number]) => translatedError(form.errors, field, emergencyMessage, t);
  const [error, setError] = useState<VeilError | null>(null);
  const [revealed, setRevealed] = useState<Revealed | null>(null);
  // The next step of an unblinding, opened from the records: notify the sponsor (issue 11, item 9).
  const [noticeFor, setNoticeFor] = useState<number | null>(null);
  const load = useVeilAction();
  const { run } = load;
  const signer = useSignedAction();

  const reload = useCallback(async () => {
    const result = await run(() => Promise.all([client.patients.list({}), client.emergency.list({})]));
    if (result.ok) {
      setPatients(result.value[0]);
      setRecords(result.value[1]);
    }
  }, [run]);

  useEffect(() => {
    void reload();
  }, [reload]);

  const randomized = (patients ?? []).filter((p) => p.randomizationNumber !== null);
  const chosen = randomized.find((p) => String(p.id) === form.values.patientId) ?? null;

  async function submit(event: FormEvent) {
    event.preventDefault();
    setError(null);
    if (form.validate().hasErrors || !chosen) return;
    const { values } = form;
    const input = { patientId: chosen.id, reason: values.reason.trim(), adverseEvent: values.adverseEvent === 'yes', passphrase: values.passphrase };
    const outcome = await signer.sign<Outcome>(
      'emergency.unblind',
      async (signature) => {
        try {
          return { ok: true, revealed: await client.emergency.unblind({ ...input, signature }) };
        } catch (caught) {
          const failure = caught instanceof VeilError ? caught : new VeilError('internal', caught instanceof Error ? caught.message : String(caught));
          if (failure.issues?.some((i) => i.path[0] === 'signature') || failure.key === 'signatures.ownUsername') throw failure;
          return { ok: false, error: failure };
        }
      },
      {
        title: t('emergency.dialog.title'),
        submitLabel: t('emergency.dialog.submit'),
        summary: (
          <Stack gap={4} data-testid="emergency-summary">
            <Text fw={700}>{t('emergency.dialog.patient', { patient: chosen.screeningNumber, number: chosen.randomizationNumber ?? '' })}</Text>
            <Text size="sm">{t('emergency.dialog.reason', { reason: input.reason })}</Text>
            <Text size="sm">{input.adverseEvent ? t('emergency.dialog.adverseYes') : t('emergency.dialog.adverseNo')}</Text>
            <Text size="sm" fw={600}>
              {t('emergency.dialog.recorded')}
            </Text>
          </Stack>
        ),
      },
    );
    // The passphrase is typed again for every unblinding: it never stays in the form.
    form.setFieldValue('passphrase', '');
    if (outcome === null) return;
    if (outcome.ok) {
      setRevealed(outcome.revealed);
      form.reset();
      void reload();
      return;
    }
    form.setErrors(issuesOnFields(outcome.error.issues, FIELDS));
    setError(outcome.error);
  }

  if (revealed) {
    return (
      <Stack gap="lg" data-testid="emergency-page">
        <Paper p="xl" radius="md" data-testid="emergency-revealed" style={{ border: '6px solid var(--mantine-color-red-8)', background: 'var(--mantine-color-red-0)' }}>
          <Stack gap="lg">
            <Group gap="md" wrap="nowrap">
              <IconLockOpen size={56} color="var(--mantine-color-red-8)" aria-hidden />
              <Stack gap={0}>
                <Text fz={32} fw={900} c="red.9" lh={1.1}>
                  {t('emergency.revealed.headline')}
                </Text>
                <Text fz="lg" fw={600}>
                  {t('emergency.revealed.forPatient', { patient: revealed.screeningNumber, number: revealed.randomizationNumber })}
                </Text>
              </Stack>
            </Group>
            <Paper withBorder p="lg" radius="md" bg="white">
              <Text size="lg" c="dimmed">
                {t('emergency.revealed.treatment')}
              </Text>
              <Text fz={44} fw={900} lh={1.15} data-testid="emergency-arm-name">
                {revealed.armName}
              </Text>
              <Text fz="xl" ff="monospace" fw={700} data-testid="emergency-arm-code">
                {t('emergency.revealed.code', { code: revealed.armCode })}
              </Text>
            </Paper>
            <Text fz="lg">{t('emergency.revealed.onlyYou', { id: revealed.unblindingId })}</Text>
            <Group justify="flex-end">
              <Button size="xl" color="dark" leftSection={<IconEyeOff size="1.3em" aria-hidden />} onClick={() => setRevealed(null)} data-autofocus data-testid="emergency-close">
                {t('emergency.revealed.close')}
              </Button>
            </Group>
          </Stack>
        </Paper>
        {/* The next step, below the treatment and apart from it: the notice to the sponsor carries no arm. */}
        <SponsorNoticeStep unblindingId={revealed.unblindingId} onRecorded={() => void reload()} />
      </Stack>
    );
  }

  return (
    <Stack gap="lg" data-testid="emergency-page">
      <Title order={1} fz="h2">
        {t('workflows.emergency.title')}
      </Title>
      <Alert color="red" variant="light" icon={<IconAlertOctagon aria-hidden />} title={t('emergency.warning.title')} data-testid="emergency-warning">
        <Stack gap={4}>
          <Text>{t('emergency.warning.onePatient')}</Text>
          <Text fw={700}>{t('emergency.warning.recorded')}</Text>
          <Text>{t('emergency.warning.only')}</Text>
        </Stack>
      </Alert>
      <TranslatedErrorAlert error={load.error} translate={emergencyMessage} />
      {!patients ? (
        !load.error && <Loader />
      ) : (
        <Paper withBorder p="lg" radius="md">
          <form onSubmit={submit} noValidate data-testid="emergency-form">
            <Stack gap="md">
              <Select
                label={t('emergency.form.patient')}
                description={t('emergency.form.patientHint')}
                placeholder={t('emergency.form.patientPlaceholder')}
                data={randomized.map((p) => ({
                  value: String(p.id),
                  label: p.emergencyUnblinded
                    ? t('emergency.form.patientOptionUnblinded', { patient: p.screeningNumber, number: p.randomizationNumber ?? '', initials: p.initials })
                    : t('emergency.form.patientOption', { patient: p.screeningNumber, number: p.randomizationNumber ?? '', initials: p.initials }),
                }))}
                value={form.values.patientId}
                onChange={(v) => form.setFieldValue('patientId', v)}
                searchable
                nothingFoundMessage={t('emergency.form.noPatient')}
                error={fieldError('patientId')}
                withAsterisk
                size="md"
                data-testid="emergency-patient"
              />
              <Textarea
                label={t('emergency.form.reason')}
                description={t('emergency.form.reasonHint')}
                value={form.values.reason}
                onChange={(e) => form.setFieldValue('reason', e.currentTarget.value)}
                error={fieldError('reason')}
                withAsterisk
                autosize
                minRows={3}
                data-testid="emergency-reason"
              />
              <Radio.Group label={t('emergency.form.adverseEvent')} value={form.values.adverseEvent} onChange={(v) => form.setFieldValue('adverseEvent', v as 'yes' | 'no')} error={fieldError('adverseEvent')} withAsterisk data-testid="emergency-adverse-event">
                <Group gap="xl" mt={6}>
                  <Radio value="yes" label={t('emergency.form.adverseYes')} data-testid="emergency-adverse-yes" />
                  <Radio value="no" label={t('emergency.form.adverseNo')} data-testid="emergency-adverse-no" />
                </Group>
              </Radio.Group>
              <TextInput
                label={t('emergency.form.passphrase')}
                description={t('emergency.form.passphraseHint')}
                value={form.values.passphrase}
                onChange={(e) => form.setFieldValue('passphrase', e.currentTarget.value)}
                error={fieldError('passphrase')}
                withAsterisk
                autoComplete="off"
                autoCapitalize="characters"
                spellCheck={false}
                size="md"
                styles={{ input: { fontFamily: 'var(--mantine-font-family-monospace)', letterSpacing: '0.06em' } }}
                data-testid="emergency-passphrase"
              />
              <TranslatedErrorAlert error={error} translate={emergencyMessage} testId="emergency-error" />
              <Group justify="flex-end">
                <Button type="submit" size="lg" color="red.8" leftSection={<IconUrgent size="1.3em" aria-hidden />} data-testid="emergency-submit">
                  {t('emergency.form.submit')}
                </Button>
              </Group>
            </Stack>
          </form>
        </Paper>
      )}
      {records && (
        <Stack gap="sm" data-testid="emergency-records">
          <Title order={2} fz="h3">
            {t('emergency.records.title')}
          </Title>
          {records.length === 0 ? (
            <Text c="dimmed">{t('emergency.records.none')}</Text>
          ) : (
            <Table.ScrollContainer minWidth={720}>
              <Table striped verticalSpacing="xs">
                <Table.Thead>
                  <Table.Tr>
                    <Table.Th>{t('emergency.records.when')}</Table.Th>
                    <Table.Th>{t('emergency.records.patient')}</Table.Th>
                    <Table.Th>{t('emergency.records.by')}</Table.Th>
                    <Table.Th>{t('emergency.records.reason')}</Table.Th>
                    <Table.Th>{t('emergency.records.adverseEvent')}</Table.Th>
                    <Table.Th>{t('emergency.sponsor.column')}</Table.Th>
                  </Table.Tr>
                </Table.Thead>
                <Table.Tbody>
                  {records.map((r) => (
                    <Table.Tr key={r.id} data-testid={`emergency-record-${r.id}`}>
                      <Table.Td>{formatDateTime(r.unblindedAt, i18n.language)}</Table.Td>
                      <Table.Td>
                        <Group gap="xs">
                          {r.screeningNumber}
                          <EmergencyUnblindedBadge screeningNumber={r.screeningNumber} size="sm" />
                        </Group>
                      </Table.Td>
                      <Table.Td>{r.by}</Table.Td>
                      <Table.Td>{r.reason}</Table.Td>
                      <Table.Td>{r.adverseEvent ? t('emergency.form.adverseYes') : t('emergency.form.adverseNo')}</Table.Td>
                      <Table.Td data-testid={`emergency-record-sponsor-${r.id}`}>
                        {r.sponsorNotified ? (
                          <Text size="sm">
                            {t('emergency.sponsor.notified', { time: formatDateTime(r.sponsorNotified.at, i18n.language) })}
                            {r.sponsorNotified.reference ? ` · ${r.sponsorNotified.reference}` : ''}
                          </Text>
                        ) : (
                          <Button size="xs" variant="light" leftSection={<IconMailForward size="1em" aria-hidden />} onClick={() => setNoticeFor(r.id)} data-testid={`emergency-notify-${r.id}`}>
                            {t('emergency.sponsor.notify')}
                          </Button>
                        )}
                      </Table.Td>
                    </Table.Tr>
                  ))}
                </Table.Tbody>
              </Table>
            </Table.ScrollContainer>
          )}
        </Stack>
      )}
      {noticeFor !== null && (
        <Modal opened onClose={() => setNoticeFor(null)} title={t('emergency.sponsor.notify')} size="xl" data-testid="sponsor-modal">
          <SponsorNoticeStep unblindingId={noticeFor} onRecorded={() => void reload()} />
        </Modal>
      )}
      {signer.dialog}
    </Stack>
  );
}
