import { Alert, Badge, Button, Card, Group, Loader, SimpleGrid, Stack, Table, Text, Title } from '@mantine/core';
import { CompliancePanel } from './CompliancePanel';
import { IconArrowLeft, IconArrowsShuffle, IconCalendarEvent, IconCheck, IconClockExclamation, IconPill, IconUserMinus } from '@tabler/icons-react';
import { useCallback, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { formatDate, formatWindow } from '../common/dates';
import { formatDateTime } from '../common/format';
import { SignatureDialog } from '../common/SignatureDialog';
import { SignedBy, type SignatureShown } from '../common/SignedBy';
import { TranslatedErrorAlert } from '../common/TranslatedErrorAlert';
import { useVeilAction } from '../common/useVeilAction';
import { useActiveSession } from '../session/SessionContext';
import { client } from '../transport/client';
import { patientMessage } from './patientMessages';
import { EmergencyUnblindedBadge } from '../common/EmergencyUnblindedBadge';
import { PatientStatusBadge } from './PatientStatusBadge';
import { nextVisit, type Patient } from './types';
import { WithdrawModal } from './WithdrawModal';
import { useVisitName } from '../common/visitNames';

function Fact({ label, children, testId }: { label: string; children: React.ReactNode; testId?: string }) {
  return (
    <Stack gap={0} data-testid={testId}>
      <Text size="sm" c="dimmed" fw={600} tt="uppercase">
        {label}
      </Text>
      <Text fz="lg" component="div">
        {children}
      </Text>
    </Stack>
  );
}

/**
 * One patient: identity (initials and year of birth only), randomization number and status, the visit schedule with
 * what was dispensed at each visit (kit numbers, never an arm); randomize (e-signed) and withdraw (reason) from here.
 */
export function PatientDetail({ patientId, onBack }: { patientId: number; onBack: () => void }) {
  const { t, i18n } = useTranslation();
  const visitName = useVisitName();
  const { permissions } = useActiveSession();
  const [patient, setPatient] = useState<Patient | null>(null);
  const [randomizing, setRandomizing] = useState(false);
  const [withdrawing, setWithdrawing] = useState(false);
  const [randomized, setRandomized] = useState<{ number: string; signature: SignatureShown } | null>(null);
  const load = useVeilAction();
  const { run } = load;

  const reload = useCallback(async () => {
    const result = await run(() => client.patients.get({ patientId }));
    if (result.ok) setPatient(result.value);
  }, [run, patientId]);

  useEffect(() => {
    void reload();
  }, [reload]);

  if (!patient) {
    return (
      <Stack data-testid="patient-detail-loading">
        <TranslatedErrorAlert error={load.error} translate={patientMessage} />
        {!load.error && <Loader />}
      </Stack>
    );
  }

  const next = nextVisit(patient);
  const canRandomize = permissions.includes('patients.randomize') && patient.status === 'registered';
  const canWithdraw = permissions.includes('patients.manage') && patient.status !== 'withdrawn';
  const canDispense = permissions.includes('dispensing.perform') && next !== null;

  return (
    <Stack gap="lg" data-testid="patient-detail" data-screening={patient.screeningNumber} data-status={patient.status}>
      <Group justify="space-between" align="flex-start">
        <Group gap="md" align="center">
          <Title order={1} fz="h2">
            {t('patients.detail.title', { screening: patient.screeningNumber })}
          </Title>
          <PatientStatusBadge status={patient.status} size="xl" testId="patient-status" />
          {patient.emergencyUnblinded && <EmergencyUnblindedBadge screeningNumber={patient.screeningNumber} size="xl" />}
        </Group>
        <Group gap="sm">
          {canDispense && (
            <Button component="a" href={`#/dispense?patient=${patient.id}`} leftSection={<IconPill size="1.1em" aria-hidden />} data-testid="patient-dispense">
              {t('patients.detail.dispense', { visit: next.name })}
            </Button>
          )}
          {canRandomize && (
            <Button leftSection={<IconArrowsShuffle size="1.1em" aria-hidden />} onClick={() => setRandomizing(true)} data-testid="patient-randomize">
              {t('patients.detail.randomize')}
            </Button>
          )}
          {canWithdraw && (
            <Button variant="outline" color="red.8" leftSection={<IconUserMinus size="1.1em" aria-hidden />} onClick={() => setWithdrawing(true)} data-testid="patient-withdraw">
              {t('patients.detail.withdraw')}
            </Button>
          )}
          <Button variant="default" leftSection={<IconArrowLeft size="1.1em" aria-hidden />} onClick={onBack} data-testid="patient-back">
            {t('patients.detail.back')}
          </Button>
        </Group>
      </Group>

      {randomized && (
        <Alert variant="light" color="teal" icon={<IconCheck aria-hidden />} title={t('patients.randomize.doneTitle')} data-testid="randomized-alert" withCloseButton onClose={() => setRandomized(null)}>
          <Stack gap={6}>
            <Text fz="xl">
              {t('patients.randomize.done', { screening: patient.screeningNumber })}{' '}
              <Text span fz={32} fw={800} ff="monospace" data-testid="randomized-number">
                {randomized.number}
              </Text>
            </Text>
            <Text>{t('patients.randomize.noArm')}</Text>
            <SignedBy signature={randomized.signature} />
          </Stack>
        </Alert>
      )}
      <TranslatedErrorAlert error={load.error} translate={patientMessage} />

      <SimpleGrid cols={{ base: 1, md: 3 }} spacing="md">
        <Card withBorder radius="md" padding="lg">
          <Stack gap="sm">
            <Fact label={t('patients.field.initials')} testId="patient-initials">
              {patient.initials}
            </Fact>
            <Fact label={t('patients.field.yearOfBirth')}>{patient.yearOfBirth}</Fact>
            <Fact label={t('patients.field.investigator')}>{patient.investigator}</Fact>
          </Stack>
        </Card>
        <Card withBorder radius="md" padding="lg">
          <Stack gap="sm">
            <Fact label={t('patients.field.randomizationNumber')} testId="patient-randomization-number">
              {patient.randomizationNumber ? (
                <Text span fz={30} fw={800} ff="monospace">
                  {patient.randomizationNumber}
                </Text>
              ) : (
                <Text span c="dimmed">
                  {t('patients.detail.notRandomized')}
                </Text>
              )}
            </Fact>
            {patient.baselineDate && <Fact label={t('patients.field.baseline')}>{formatDate(patient.baselineDate, i18n.language)}</Fact>}
            <Fact label={t('patients.field.stratum')}>{patient.stratum}</Fact>
          </Stack>
        </Card>
        <Card withBorder radius="md" padding="lg">
          <Stack gap="sm">
            <Fact label={t('patients.field.registered')}>{formatDateTime(patient.registeredAt, i18n.language)}</Fact>
            {patient.status === 'withdrawn' ? (
              <>
                <Fact label={t('patients.field.withdrawn')}>{patient.withdrawnAt ? formatDateTime(patient.withdrawnAt, i18n.language) : '—'}</Fact>
                <Fact label={t('patients.field.withdrawalReason')} testId="patient-withdrawal-reason">
                  {patient.withdrawalReason}
                </Fact>
              </>
            ) : (
              <Fact label={t('patients.field.nextVisit')} testId="patient-next-visit">
                {next ? t('patients.detail.nextVisit', { visit: next.name, due: formatDate(next.due, i18n.language) }) : patient.status === 'registered' ? t('patients.detail.afterRandomization') : t('patients.detail.allDone')}
              </Fact>
            )}
          </Stack>
        </Card>
      </SimpleGrid>

      <Stack gap="xs">
        <Title order={2} fz="h3">
          <IconCalendarEvent size="1.1em" aria-hidden style={{ verticalAlign: '-0.15em', marginRight: '0.3em' }} />
          {t('patients.schedule.title')}
        </Title>
        {patient.visits.length === 0 ? (
          <Text c="dimmed" data-testid="schedule-empty">
            {t('patients.schedule.empty')}
          </Text>
        ) : (
          <Table.ScrollContainer minWidth={720}>
            <Table striped verticalSpacing="xs" data-testid="visit-schedule">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>{t('patients.schedule.visit')}</Table.Th>
                  <Table.Th>{t('patients.schedule.due')}</Table.Th>
                  <Table.Th>{t('patients.schedule.dispensed')}</Table.Th>
                  <Table.Th>{t('patients.schedule.kitNumbers')}</Table.Th>
                  <Table.Th>{t('patients.schedule.outOfWindow')}</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {patient.visits.map((v) => (
                  <Table.Tr key={v.code} data-testid={`visit-row-${v.code}`} data-dispensed={v.dispensedAt ? 'true' : 'false'} fw={next?.code === v.code ? 700 : undefined}>
                    <Table.Td>
                      <Text fw={700}>{visitName(v)}</Text>
                      <Text size="sm" c="dimmed">
                        {t('patients.schedule.kitCount', { count: v.kits })}
                      </Text>
                      {next?.code === v.code && (
                        <Badge size="sm" variant="light" color="indigo" leftSection={<IconCalendarEvent size="1em" aria-hidden />}>
                          {t('patients.schedule.next')}
                        </Badge>
                      )}
                    </Table.Td>
                    <Table.Td>
                      <Text style={{ whiteSpace: 'nowrap' }}>{formatDate(v.due, i18n.language)}</Text>
                      <Text size="sm" c="dimmed" style={{ whiteSpace: 'nowrap' }}>
                        {t('patients.schedule.windowOf', { window: formatWindow(v.opens, v.closes, i18n.language) })}
                      </Text>
                    </Table.Td>
                    <Table.Td>
                      {v.dispensedAt ? (
                        <Group gap={4} wrap="nowrap">
                          <IconCheck size="1em" aria-hidden />
                          <Text size="sm">{formatDateTime(v.dispensedAt, i18n.language)}</Text>
                        </Group>
                      ) : (
                        <Text size="sm" c="dimmed">
                          {t('patients.schedule.notYet')}
                        </Text>
                      )}
                    </Table.Td>
                    <Table.Td>
                      <Text ff="monospace" fw={600} data-testid={`visit-kits-${v.code}`}>
                        {v.dispensedKits.join(', ') || '—'}
                      </Text>
                    </Table.Td>
                    <Table.Td>
                      {v.outOfWindowReason ? (
                        <Group gap={4} wrap="nowrap" align="flex-start">
                          <IconClockExclamation size="1.1em" aria-hidden style={{ flexShrink: 0 }} />
                          <Text size="sm" miw={180} data-testid={`visit-reason-${v.code}`}>
                            {v.outOfWindowReason}
                          </Text>
                        </Group>
                      ) : (
                        <Text size="sm" c="dimmed">
                          —
                        </Text>
                      )}
                    </Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
        )}
      </Stack>

      <CompliancePanel patientId={patient.id} />

      {randomizing && (
        <SignatureDialog
          opened
          channel="patients.randomize"
          title={t('patients.randomize.title', { screening: patient.screeningNumber })}
          submitLabel={t('patients.randomize.submit')}
          onSign={(signature) => client.patients.randomize({ patientId: patient.id, signature })}
          onSigned={(answer) => {
            setRandomizing(false);
            setPatient(answer.patient);
            setRandomized({ number: answer.patient.randomizationNumber ?? '', signature: answer.signature });
          }}
          onClose={() => setRandomizing(false)}
        >
          <Stack gap={4} data-testid="randomize-summary">
            <Text fz="lg">{t('patients.randomize.what', { screening: patient.screeningNumber, initials: patient.initials, year: patient.yearOfBirth, stratum: patient.stratum })}</Text>
            <Text size="sm" c="dimmed">
              {t('patients.randomize.explanation')}
            </Text>
          </Stack>
        </SignatureDialog>
      )}
      {withdrawing && (
        <WithdrawModal
          patient={patient}
          onClose={() => setWithdrawing(false)}
          onDone={(p) => {
            setWithdrawing(false);
            setPatient(p);
          }}
        />
      )}
    </Stack>
  );
}
