import { Alert, Button, Group, Loader, NativeSelect, Paper, Select, SimpleGrid, Stack, Table, Tabs, Text, Title, VisuallyHidden } from '@mantine/core';
import { IconArrowBackUp, IconArrowLeft, IconCalendarPlus, IconCheck, IconChevronRight, IconPill, IconRefresh, IconSearch, IconTags } from '@tabler/icons-react';
import { useDebouncedValue } from '@mantine/hooks';
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
import { ExtraDispensingModal } from './ExtraDispensingModal';
import { VisitDispensing } from './VisitDispensing';
import { useVisitName } from '../common/visitNames';
import { useRecordsChanged } from '../common/useRecordsChanged';
import { ListPagination } from '../common/ListPagination';

/**
 * Dispense (unblinded pharmacist): pick the patient and the visit (the next visit due is chosen for you), then
 * dispense it by scanning. The patients offered are those randomized and still in the study, soonest visit first.
 * The Labels tab is the label queue of every dispensed kit (print, reprint).
 */
/**
 * How many patients a page of the due list shows, soonest due first; the pages after it and a search find any other
 * (issue 12). About a screenful at 1440x900 (a row is two lines): more rows only delay the first ones. At 20,000
 * patients the list's first rows took 1.3 times the demo's with 20 rows a page, 0.94 to 1.23 times with 10.
 */
const DUE_PAGE = 10;

export function DispensePage() {
  const { t, i18n } = useTranslation();
  const visitName = useVisitName();
  // One page of the patients due, built on the server, and the chosen patient read on their own: the screen holds
  // the same few rows with 20,000 patients as with 20.
  const [due, setDue] = useState<{ patients: Patient[]; total: number; page: number } | null>(null);
  // The page chosen, for the search it was chosen under: a new search starts from its first page (one request, not
  // one for the old page and one for the first).
  const [pageChosen, setPageChosen] = useState({ search: '', page: 1 });
  const [patient, setPatient] = useState<Patient | null>(null);
  const [patientId, setPatientId] = useState<number | null>(() => hashNumberParam('patient'));
  const [visitCode, setVisitCode] = useState<string | null>(null);
  const [round, setRound] = useState(0);
  // After a signature the result stays on screen; the choosers come back with the next visit or patient.
  const [dispensedShown, setDispensedShown] = useState(false);
  const [tab, setTab] = useState<'dispense' | 'labels'>('dispense');
  // What the last replacement, unscheduled dispensing or undo did, until the next choice.
  const [notice, setNotice] = useState<{ tone: 'done' | 'undone'; text: string } | null>(null);
  const [unscheduled, setUnscheduled] = useState(false);
  const [searchText, setSearchText] = useState('');
  const [searched] = useDebouncedValue(searchText.trim(), 150);
  const duePage = pageChosen.search === searched ? pageChosen.page : 1;
  const setDuePage = useCallback((page: number) => setPageChosen({ search: searched, page }), [searched]);
  const load = useVeilAction();
  const { run } = load;
  const search = useRef<HTMLInputElement>(null);

  // Only the answer to the latest search is shown: an earlier, slower one arriving after it is dropped.
  const asked = useRef(0);
  const reloadDue = useCallback(async () => {
    const ask = ++asked.current;
    const result = await run(() => client.patients.due({ limit: DUE_PAGE, page: duePage, ...(searched ? { search: searched } : {}) }));
    if (!result.ok || ask !== asked.current) return;
    // Patients dispensed meanwhile (here or at another workstation) can leave this page past the end: the last one.
    const last = Math.max(1, Math.ceil(result.value.total / DUE_PAGE));
    if (duePage > last) setDuePage(last);
    else setDue(result.value);
  }, [run, searched, duePage, setDuePage]);

  const reloadPatient = useCallback(async () => {
    if (patientId === null) return setPatient(null);
    const result = await run(() => client.patients.get({ patientId }));
    setPatient(result.ok ? result.value : null);
  }, [run, patientId]);

  const reload = useCallback(async () => {
    await Promise.all([reloadDue(), reloadPatient()]);
  }, [reloadDue, reloadPatient]);

  useEffect(() => {
    void reloadDue();
  }, [reloadDue]);
  // The list of patients due follows changes made here or at another workstation. Only the list: the chosen patient
  // and the visit being scanned are left as they are (a kit taken meanwhile is refused, clearly, at the signature).
  useRecordsChanged(['patients', 'kits'], reloadDue);
  useEffect(() => {
    void reloadPatient();
  }, [reloadPatient]);

  // Keyboard first: with no patient chosen, the patient search has the focus (type, arrow down, Enter).
  const loaded = due !== null;
  useEffect(() => {
    if (loaded && patientId === null && tab === 'dispense' && !dispensedShown) search.current?.focus();
  }, [loaded, patientId, tab, dispensedShown]);

  // Each row is the patient as read now: one whose last visit was dispensed since the list was built (at another
  // workstation, say) has no next visit, and is left out rather than shown without one.
  const candidates = (due?.patients ?? []).filter((p) => nextVisit(p) !== null);
  const shownPatient = patient !== null && patient.id === patientId ? patient : null;
  const open = shownPatient ? shownPatient.visits.filter((v) => v.dispensedAt === null) : [];
  const chosenVisit = visitCode ?? (shownPatient ? nextVisit(shownPatient)?.code ?? null : null);
  const optionOf = (p: Patient) => ({ value: String(p.id), label: t('dispense.page.patientOption', { screening: p.screeningNumber, number: p.randomizationNumber, initials: p.initials }) });
  // The chosen patient stays among the options when a search or a reload leaves them off the page.
  const options = [...candidates.map(optionOf), ...(shownPatient && nextVisit(shownPatient) && !candidates.some((p) => p.id === shownPatient.id) ? [optionOf(shownPatient)] : [])];
  const chosenOption = shownPatient ? optionOf(shownPatient) : null;

  function choosePatient(id: number | null) {
    setNotice(null);
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
        {tab === 'dispense' && shownPatient && !dispensedShown && (
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
          {notice && (
            <Alert color={notice.tone === 'done' ? 'teal' : 'orange'} icon={notice.tone === 'done' ? <IconCheck aria-hidden /> : <IconArrowBackUp aria-hidden />} withCloseButton onClose={() => setNotice(null)} data-testid={`dispense-notice-${notice.tone}`}>
              {notice.text}
            </Alert>
          )}

          {due === null ? (
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
                  data={options}
                  // The options on hand are narrowed as the user types (so Enter never takes a patient the search
                  // left out); the server's answer for the search then replaces them.
                  searchValue={searchText}
                  onSearchChange={(value) => setSearchText(chosenOption && value === chosenOption.label ? '' : value)}
                  value={chosenOption && options.some((o) => o.value === chosenOption.value) ? chosenOption.value : null}
                  onChange={(v) => choosePatient(v ? Number(v) : null)}
                  data-testid="dispense-patient"
                />
                {shownPatient && open.length > 0 && (
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
              {shownPatient?.emergencyUnblinded && (
                <Group mt="sm">
                  <EmergencyUnblindedBadge screeningNumber={shownPatient.screeningNumber} />
                </Group>
              )}
            </Paper>
          )}

          {shownPatient && chosenVisit && (
            <VisitDispensing
              key={`${shownPatient.id}/${chosenVisit}/${round}`}
              patientId={shownPatient.id}
              visitCode={chosenVisit}
              onDispensed={() => setDispensedShown(true)}
              onNextVisit={() => void nextVisitOfSamePatient()}
              onOtherPatient={() => choosePatient(null)}
              onUndone={(kits) => {
                setNotice({ tone: 'undone', text: t('dispense.extra.undone', { visit: chosenVisit, kits: kits.join(', ') }) });
                void nextVisitOfSamePatient();
              }}
            />
          )}
          {shownPatient?.status === 'randomized' && !dispensedShown && (
            <Group>
              <Button variant="light" leftSection={<IconCalendarPlus size="1.1em" aria-hidden />} onClick={() => setUnscheduled(true)} data-testid="dispense-unscheduled">
                {t('dispense.extra.unscheduledButton')}
              </Button>
            </Group>
          )}
          {unscheduled && shownPatient && (
            <ExtraDispensingModal
              request={{ patientId: shownPatient.id, kind: 'unscheduled', count: 1 }}
              onDone={(answer) => {
                setUnscheduled(false);
                setNotice({ tone: 'done', text: t('dispense.extra.done', { kits: answer.kits.join(', '), code: answer.visitCode }) });
                void reload();
              }}
              onClose={() => setUnscheduled(false)}
            />
          )}
          {shownPatient && !chosenVisit && (
            <Text c="dimmed" data-testid="dispense-nothing-due">
              {shownPatient.status === 'withdrawn' ? t('dispense.page.withdrawn', { screening: shownPatient.screeningNumber }) : t('dispense.page.allDone', { screening: shownPatient.screeningNumber })}
            </Text>
          )}

          {patientId === null && due !== null && (
            <Stack gap="xs">
              <Group justify="space-between">
                <Title order={2} fz="h3">
                  {t('dispense.due.title')}
                </Title>
                <Button variant="default" size="sm" leftSection={<IconRefresh size="1em" aria-hidden />} onClick={() => void reload()} loading={load.busy}>
                  {t('dispense.due.reload')}
                </Button>
              </Group>
              {due.total > DUE_PAGE && (
                <Text size="sm" c="dimmed" data-testid="dispense-due-showing" data-total={due.total}>
                  {t('dispense.due.showing', { count: due.total })} · {t('common.pageRange', { from: (due.page - 1) * DUE_PAGE + 1, to: (due.page - 1) * DUE_PAGE + candidates.length })}
                </Text>
              )}
              {candidates.length === 0 ? (
                <Text c="dimmed" data-testid="dispense-due-empty">
                  {searched ? t('dispense.due.noMatchSearch', { search: searched }) : t('dispense.due.empty')}
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
                              <Text fw={700} ff="monospace" style={{ whiteSpace: 'nowrap' }}>
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
              <ListPagination pages={Math.ceil(due.total / DUE_PAGE)} page={due.page} onChange={setDuePage} testId="dispense-due-pagination" />
            </Stack>
          )}
        </>
      )}
    </Stack>
  );
}
