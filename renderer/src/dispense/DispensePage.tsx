import { Button, Group, Loader, NativeSelect, Paper, Select, SimpleGrid, Stack, Table, Tabs, Text, Title, VisuallyHidden } from '@mantine/core';
import { IconArrowLeft, IconChevronRight, IconPill, IconRefresh, IconSearch, IconTags } from '@tabler/icons-react';
import { useCallback, useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { formatDate, formatWindow } from '../common/dates';
import { hashNumberParam } from '../common/hashParams';
import { EmergencyUnblindedBadge } from '../common/EmergencyUnblindedBadge';
import { TranslatedErrorAlert } from '../common/TranslatedErrorAlert';
import { useVeilAction } from '../common/useVeilAction';
import { nextVisit, type Patient } from '../patients/types';
import { client } from '../transport/client';
import { translateServerMessage } from '../i18n/serverMessages';
import { LabelQueue } from '../labels/LabelQueue';
import { VisitDispensing } from './VisitDispensing';
import { useVisitName } from '../common/visitNames';

/**
 * Dispense (unblinded pharmacist): pick the patient and the visit (the next visit due is chosen for you), then
 * dispense it by scanning. The patients offered are those randomized and still in the study, soonest visit first.
 * The Labels tab is the label queue of every dispensed kit (print, reprint).
 */
export function DispensePage() {
  const { t, i18n } = useTranslation();
  const visitName = useVisitName();
  const [patients, setPatients] = useState<Patient[] | null>(null);
  const [patientId, setPatientId] = useState<number | null>(() => hashNumberParam('patient'));
  const [visitCode, setVisitCode] = useState<string | null>(null);
  const [round, setRound] = useState(0);
  // After a signature the result stays on screen; the choosers come back with the next visit or patient.
  const [dispensedShown, setDispensedShown] = useState(false);
  const [tab, setTab] = useState<'dispense' | 'labels'>('dispense');
  const load = useVeilAction();
  const { run } = load;
  const search = useRef<HTMLInputElement>(null);

  const reload = useCallback(async () => {
    const result = await run(() => client.patients.list({}));
    if (result.ok) setPatients(result.value);
    return result.ok ? result.value : null;
  }, [run]);

  useEffect(() => {
    void reload();
  }, [reload]);

  // Keyboard first: with no patient chosen, the patient search has the focus (type, arrow down, Enter).
  const loaded = patients !== null;
  useEffect(() => {
    if (loaded && patientId === null && tab === 'dispense' && !dispensedShown) search.current?.focus();
  }, [loaded, patientId, tab, dispensedShown]);

  const candidates = (patients ?? [])
    .filter((p) => nextVisit(p) !== null)
    .sort((a, b) => (nextVisit(a)!.due < nextVisit(b)!.due ? -1 : nextVisit(a)!.due > nextVisit(b)!.due ? 1 : a.screeningNumber.localeCompare(b.screeningNumber)));
  const patient = patients?.find((p) => p.id === patientId) ?? null;
  const open = patient ? patient.visits.filter((v) => v.dispensedAt === null) : [];
  const chosenVisit = visitCode ?? (patient ? nextVisit(patient)?.code ?? null : null);

  function choosePatient(id: number | null) {
    setDispensedShown(false);
    setPatientId(id);
    setVisitCode(null);
    setRound((r) => r + 1);
  }

  async function nextVisitOfSamePatient() {
    await reload();
    setDispensedShown(false);
    setVisitCode(null);
    setRound((r) => r + 1);
  }

  // The scanning screen is not kept behind the Labels tab (its scanner listener would take scans meant for nobody):
  // coming back starts the patient's next visit afresh; kits scanned but not signed are scanned again.
  function chooseTab(value: string | null) {
    const next = value === 'labels' ? 'labels' : 'dispense';
    if (next === tab) return;
    setTab(next);
    if (next === 'dispense') void nextVisitOfSamePatient();
  }

  return (
    <Stack gap="lg" data-testid="dispense-page">
      <Group justify="space-between" align="flex-start">
        <Stack gap={2}>
          <Title order={1} fz="h2">
            <IconPill size="1.1em" aria-hidden style={{ verticalAlign: '-0.15em', marginRight: '0.4em' }} />
            {t('dispense.page.title')}
          </Title>
          <Text c="dimmed">{t('dispense.page.intro')}</Text>
        </Stack>
        {tab === 'dispense' && patient && !dispensedShown && (
          <Button variant="default" leftSection={<IconArrowLeft size="1.1em" aria-hidden />} onClick={() => choosePatient(null)} data-testid="dispense-change-patient">
            {t('dispense.page.otherPatient')}
          </Button>
        )}
      </Group>
      <Tabs value={tab} onChange={chooseTab}>
        <Tabs.List>
          <Tabs.Tab value="dispense" leftSection={<IconPill size="1.2em" aria-hidden />} data-testid="dispense-tab-dispense">
            {t('dispense.tabs.dispense')}
          </Tabs.Tab>
          <Tabs.Tab value="labels" leftSection={<IconTags size="1.2em" aria-hidden />} data-testid="dispense-tab-labels">
            {t('dispense.tabs.labels')}
          </Tabs.Tab>
        </Tabs.List>
      </Tabs>

      {tab === 'labels' ? (
        <LabelQueue />
      ) : (
        <>
          <TranslatedErrorAlert error={load.error} translate={translateServerMessage} />

          {patients === null ? (
            !load.error && <Loader />
          ) : dispensedShown ? null : (
            <Paper withBorder p="md" radius="md">
              <SimpleGrid cols={{ base: 1, md: 2 }} spacing="md">
                <Select
                  ref={search}
                  label={t('dispense.page.patient')}
                  placeholder={t('dispense.page.patientPlaceholder')}
                  searchable
                  clearable
                  size="md"
                  leftSection={<IconSearch size="1.1em" aria-hidden />}
                  nothingFoundMessage={t('dispense.page.noMatch')}
                  data={candidates.map((p) => ({ value: String(p.id), label: t('dispense.page.patientOption', { screening: p.screeningNumber, number: p.randomizationNumber, initials: p.initials }) }))}
                  value={patientId !== null && candidates.some((p) => p.id === patientId) ? String(patientId) : null}
                  onChange={(v) => choosePatient(v ? Number(v) : null)}
                  data-testid="dispense-patient"
                />
                {patient && open.length > 0 && (
                  <NativeSelect
                    label={t('dispense.page.visit')}
                    description={t('dispense.page.visitHint')}
                    value={chosenVisit ?? ''}
                    onChange={(e) => {
                      setVisitCode(e.currentTarget.value);
                      setRound((r) => r + 1);
                    }}
                    data={open.map((v) => ({ value: v.code, label: t('dispense.page.visitOption', { visit: visitName(v), due: formatDate(v.due, i18n.language) }) }))}
                    data-testid="dispense-visit"
                  />
                )}
              </SimpleGrid>
              {patient?.emergencyUnblinded && (
                <Group mt="sm">
                  <EmergencyUnblindedBadge screeningNumber={patient.screeningNumber} />
                </Group>
              )}
            </Paper>
          )}

          {patient && chosenVisit && (
            <VisitDispensing key={`${patient.id}/${chosenVisit}/${round}`} patientId={patient.id} visitCode={chosenVisit} onDispensed={() => setDispensedShown(true)} onNextVisit={() => void nextVisitOfSamePatient()} onOtherPatient={() => choosePatient(null)} />
          )}
          {patient && !chosenVisit && (
            <Text c="dimmed" data-testid="dispense-nothing-due">
              {patient.status === 'withdrawn' ? t('dispense.page.withdrawn', { screening: patient.screeningNumber }) : t('dispense.page.allDone', { screening: patient.screeningNumber })}
            </Text>
          )}

          {!patient && patients !== null && (
            <Stack gap="xs">
              <Group justify="space-between">
                <Title order={2} fz="h3">
                  {t('dispense.due.title')}
                </Title>
                <Button variant="default" size="sm" leftSection={<IconRefresh size="1em" aria-hidden />} onClick={() => void reload()} loading={load.busy}>
                  {t('dispense.due.reload')}
                </Button>
              </Group>
              {candidates.length === 0 ? (
                <Text c="dimmed" data-testid="dispense-due-empty">
                  {t('dispense.due.empty')}
                </Text>
              ) : (
                <Table.ScrollContainer minWidth={760}>
                  <Table striped highlightOnHover verticalSpacing="sm" data-testid="dispense-due-table">
                    <Table.Thead>
                      <Table.Tr>
                        <Table.Th>{t('dispense.due.patient')}</Table.Th>
                        <Table.Th>{t('dispense.due.randomization')}</Table.Th>
                        <Table.Th>{t('dispense.due.visit')}</Table.Th>
                        <Table.Th>{t('dispense.due.due')}</Table.Th>
                        <Table.Th>{t('dispense.due.window')}</Table.Th>
                        <Table.Th>
                          <VisuallyHidden>{t('dispense.due.choose')}</VisuallyHidden>
                        </Table.Th>
                      </Table.Tr>
                    </Table.Thead>
                    <Table.Tbody>
                      {candidates.map((p) => {
                        const v = nextVisit(p)!;
                        return (
                          <Table.Tr key={p.id} style={{ cursor: 'pointer' }} onClick={() => choosePatient(p.id)} data-testid={`due-row-${p.screeningNumber}`}>
                            <Table.Td>
                              <Text fw={700} ff="monospace">
                                {p.screeningNumber}
                              </Text>
                              <Text size="sm" c="dimmed">
                                {p.initials}
                              </Text>
                              {p.emergencyUnblinded && <EmergencyUnblindedBadge screeningNumber={p.screeningNumber} size="sm" />}
                            </Table.Td>
                            <Table.Td>
                              <Text ff="monospace" fw={700}>
                                {p.randomizationNumber}
                              </Text>
                            </Table.Td>
                            <Table.Td>
                              {visitName(v)}
                              <Text size="sm" c="dimmed">
                                {t('dispense.due.kits', { count: v.kits })}
                              </Text>
                            </Table.Td>
                            <Table.Td>{formatDate(v.due, i18n.language)}</Table.Td>
                            <Table.Td>{formatWindow(v.opens, v.closes, i18n.language)}</Table.Td>
                            <Table.Td>
                              <Button
                                size="compact-md"
                                rightSection={<IconChevronRight size="1em" aria-hidden />}
                                onClick={(e) => {
                                  e.stopPropagation();
                                  choosePatient(p.id);
                                }}
                                data-testid={`dispense-choose-${p.screeningNumber}`}
                              >
                                {t('dispense.due.choose')}
                              </Button>
                            </Table.Td>
                          </Table.Tr>
                        );
                      })}
                    </Table.Tbody>
                  </Table>
                </Table.ScrollContainer>
              )}
            </Stack>
          )}
        </>
      )}
    </Stack>
  );
}
