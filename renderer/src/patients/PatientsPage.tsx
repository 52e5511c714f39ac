import { Anchor, Button, Group, Loader, Stack, Table, Text, TextInput, Title } from '@mantine/core';
import { IconRefresh, IconSearch, IconUserPlus, IconUsers } from '@tabler/icons-react';
import { useCallback, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { formatDate } from '../common/dates';
import { hashNumberParam } from '../common/hashParams';
import { WindowedTableRows } from '../common/WindowedTableBodies';
import { TranslatedErrorAlert } from '../common/TranslatedErrorAlert';
import { useVeilAction } from '../common/useVeilAction';
import { useActiveSession } from '../session/SessionContext';
import { client } from '../transport/client';
import { PatientDetail } from './PatientDetail';
import { patientMessage } from './patientMessages';
import { EmergencyUnblindedBadge } from '../common/EmergencyUnblindedBadge';
import { PatientStatusBadge } from './PatientStatusBadge';
import { RegisterPatientModal } from './RegisterPatientModal';
import { nextVisit, type Patient } from './types';
import { useVisitName } from '../common/visitNames';
import { useRecordsChanged } from '../common/useRecordsChanged';

/** The patients in screening-number order: status, randomization number, next visit. Never an arm. */
function PatientsList({ onOpen }: { onOpen: (id: number) => void }) {
  const { t, i18n } = useTranslation();
  const visitName = useVisitName();
  const { permissions } = useActiveSession();
  const [patients, setPatients] = useState<Patient[] | null>(null);
  const [registering, setRegistering] = useState(false);
  const [filter, setFilter] = useState('');
  const load = useVeilAction();
  const { run } = load;
  const canRegister = permissions.includes('patients.manage');

  const reload = useCallback(async () => {
    const result = await run(() => client.patients.list({}));
    if (result.ok) setPatients(result.value);
  }, [run]);

  // The list follows patients registered, randomized or dispensed here or at another workstation.
  useRecordsChanged(['patients'], reload);
  useEffect(() => {
    void reload();
  }, [reload]);

  const needle = filter.trim().toLowerCase();
  const shown = (patients ?? []).filter((p) => !needle || [p.screeningNumber, p.initials, p.randomizationNumber ?? '', p.investigator].some((s) => s.toLowerCase().includes(needle)));
  const strata = [...new Set((patients ?? []).map((p) => p.stratum))];
  const investigators = [...new Set((patients ?? []).map((p) => p.investigator))];

  return (
    <Stack gap="lg" data-testid="patients-page">
      <Group justify="space-between" align="flex-start">
        <Stack gap={2}>
          <Title order={1} fz="h2">
            <IconUsers size="1.1em" aria-hidden style={{ verticalAlign: '-0.15em', marginRight: '0.4em' }} />
            {t('patients.list.title')}
          </Title>
          <Text c="dimmed">{t('patients.list.intro')}</Text>
        </Stack>
        <Group gap="sm">
          <Button variant="default" leftSection={<IconRefresh size="1.1em" aria-hidden />} onClick={() => void reload()} loading={load.busy}>
            {t('patients.list.reload')}
          </Button>
          {canRegister && (
            <Button leftSection={<IconUserPlus size="1.1em" aria-hidden />} onClick={() => setRegistering(true)} data-testid="register-patient">
              {t('patients.list.register')}
            </Button>
          )}
        </Group>
      </Group>
      <TextInput
        leftSection={<IconSearch size="1.1em" aria-hidden />}
        placeholder={t('patients.list.filter')}
        aria-label={t('patients.list.filter')}
        value={filter}
        onChange={(e) => setFilter(e.currentTarget.value)}
        maw={420}
        data-testid="patients-filter"
      />
      <TranslatedErrorAlert error={load.error} translate={patientMessage} />
      {patients === null ? (
        !load.error && <Loader />
      ) : patients.length === 0 ? (
        <Text c="dimmed" data-testid="patients-empty">
          {t('patients.list.empty')}
        </Text>
      ) : (
        <Table.ScrollContainer minWidth={760}>
          <Table striped highlightOnHover verticalSpacing="sm" data-testid="patients-table">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>{t('patients.list.columns.screening')}</Table.Th>
                <Table.Th>{t('patients.list.columns.patient')}</Table.Th>
                <Table.Th>{t('patients.list.columns.status')}</Table.Th>
                <Table.Th>{t('patients.list.columns.randomization')}</Table.Th>
                <Table.Th>{t('patients.list.columns.nextVisit')}</Table.Th>
                <Table.Th>{t('patients.list.columns.investigator')}</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              <WindowedTableRows
                items={shown}
                itemKey={(p) => String(p.id)}
                columns={6}
                estimateHeight={66}
                renderRow={(p, measure, index) => {
                  const next = nextVisit(p);
                  const done = p.visits.filter((v) => v.dispensedAt !== null).length;
                  return (
                    <Table.Tr key={p.id} ref={measure} data-index={index} data-testid={`patient-row-${p.screeningNumber}`} style={{ cursor: 'pointer' }} onClick={() => onOpen(p.id)}>
                      <Table.Td>
                        <Anchor
                          component="button"
                          type="button"
                          fw={700}
                          fz="lg"
                          ff="monospace"
                          onClick={(e) => {
                            e.stopPropagation();
                            onOpen(p.id);
                          }}
                          aria-label={t('patients.list.openPatient', { screening: p.screeningNumber })}
                          data-testid={`open-patient-${p.screeningNumber}`}
                        >
                          {p.screeningNumber}
                        </Anchor>
                      </Table.Td>
                      <Table.Td>
                        <Text fw={600}>
                          {p.initials}{' '}
                          <Text span size="sm" c="dimmed" fw={400}>
                            · {p.yearOfBirth}
                          </Text>
                        </Text>
                      </Table.Td>
                      <Table.Td className="veil-badges">
                        <PatientStatusBadge status={p.status} testId={`patient-status-${p.screeningNumber}`} />
                        {p.emergencyUnblinded && <EmergencyUnblindedBadge screeningNumber={p.screeningNumber} />}
                      </Table.Td>
                      <Table.Td>
                        <Text ff="monospace" fw={700} fz="lg" data-testid={`patient-randomization-${p.screeningNumber}`}>
                          {p.randomizationNumber ?? '—'}
                        </Text>
                      </Table.Td>
                      <Table.Td>
                        {next ? (
                          <>
                            <Text fw={600}>{visitName(next)}</Text>
                            <Text size="sm" c="dimmed">
                              {t('patients.list.due', { date: formatDate(next.due, i18n.language) })}
                            </Text>
                          </>
                        ) : (
                          <Text size="sm" c="dimmed">
                            {p.status === 'randomized' ? t('patients.list.allVisitsDone') : p.status === 'registered' ? t('patients.list.notRandomized') : t('patients.list.visitsDone', { count: done })}
                          </Text>
                        )}
                      </Table.Td>
                      <Table.Td>
                        <Text size="sm">{p.investigator}</Text>
                      </Table.Td>
                    </Table.Tr>
                  );
                }}
              />
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
      {registering && (
        <RegisterPatientModal
          knownStrata={strata}
          investigators={investigators}
          onClose={() => setRegistering(false)}
          onRegistered={(p) => {
            setRegistering(false);
            onOpen(p.id);
          }}
        />
      )}
    </Stack>
  );
}

/** Patients: the list, or one patient's detail. */
export function PatientsPage() {
  const [patientId, setPatientId] = useState<number | null>(() => hashNumberParam('patient'));
  return patientId === null ? <PatientsList onOpen={setPatientId} /> : <PatientDetail key={patientId} patientId={patientId} onBack={() => setPatientId(null)} />;
}
