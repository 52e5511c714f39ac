import { Alert, Badge, Button, Group, Loader, Paper, SimpleGrid, Stack, Table, Text, Title, UnstyledButton, VisuallyHidden } from '@mantine/core';
import { IconAlertTriangle, IconBuildingWarehouse, IconEdit, IconPlus, IconRefresh, IconTemperature } from '@tabler/icons-react';
import { useCallback, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { formatDateTime } from '../common/format';
import { formatDate } from '../common/dates';
import { TranslatedErrorAlert } from '../common/TranslatedErrorAlert';
import { useVeilAction } from '../common/useVeilAction';
import { translateServerMessage } from '../i18n/serverMessages';
import { useActiveSession } from '../session/SessionContext';
import { client } from '../transport/client';
import { ExcursionCasePanel } from './ExcursionCasePanel';
import { LocationModal } from './LocationModal';
import { PutAwayPanel } from './PutAwayPanel';
import { ReadingsChart } from './ReadingsChart';
import { ReadingsModal, type ReadingsOutcome } from './ReadingsModal';
import { celsius, duration, type CaseSummary, type CaseView, type KitPlace, type Location, type Reading } from './types';
import { useRecordsChanged } from '../common/useRecordsChanged';

/** A calibration certificate due within this many days is flagged. */
const CALIBRATION_SOON_DAYS = 30;

/** A date as YYYY-MM-DD in the machine's time zone. */
function dayOf(date: Date): string {
  return `${date.getFullYear()}-${String(date.getMonth() + 1).padStart(2, '0')}-${String(date.getDate()).padStart(2, '0')}`;
}

function calibrationState(due: string | null, now: Date): 'none' | 'overdue' | 'soon' | 'ok' {
  if (!due) return 'none';
  if (due < dayOf(now)) return 'overdue';
  return due <= dayOf(new Date(now.getTime() + CALIBRATION_SOON_DAYS * 86_400_000)) ? 'soon' : 'ok';
}

/**
 * Storage (issue 15): the pharmacy's fridges, freezers, cabinets and quarantine shelf, each with its range, last
 * reading, calibration due date, kits and chart; putting kits away by scanning; logger imports and min/max checks;
 * excursion cases with the sponsor's disposition per kit, e-signed. Kit numbers only: nothing here knows an arm.
 */
export function StoragePage() {
  const { t, i18n } = useTranslation();
  const { permissions } = useActiveSession();
  const canManage = permissions.includes('storage.manage');
  const canDecide = permissions.includes('quarantine.decide');
  const [locations, setLocations] = useState<Location[] | null>(null);
  const [kits, setKits] = useState<KitPlace[]>([]);
  const [cases, setCases] = useState<CaseSummary[]>([]);
  const [selectedId, setSelectedId] = useState<number | null>(null);
  const [chart, setChart] = useState<{ locationId: number; readings: Reading[]; range: { minCelsius: number; maxCelsius: number } } | null>(null);
  const [editing, setEditing] = useState<Location | 'new' | null>(null);
  const [readingsFor, setReadingsFor] = useState<Location | null>(null);
  const [outcome, setOutcome] = useState<ReadingsOutcome | null>(null);
  const [openCase, setOpenCase] = useState<CaseView | null>(null);
  const [puttingAway, setPuttingAway] = useState(false);
  const load = useVeilAction();
  const { run } = load;

  const reload = useCallback(async () => {
    const result = await run(() => Promise.all([client.coldChain.locations({}), client.coldChain.kitLocations({}), client.coldChain.excursions({})]));
    if (!result.ok) return;
    const [l, k, c] = result.value;
    setLocations(l);
    setKits(k);
    setCases(c);
    setSelectedId((id) => id ?? l[0]?.id ?? null);
  }, [run]);

  useEffect(() => {
    void reload();
  }, [reload]);
  // Locations, kits on the shelves and excursion cases follow changes made here or at another workstation; an open
  // put-away or excursion case keeps what the user entered.
  useRecordsChanged(['storage', 'kits'], reload);

  useEffect(() => {
    if (selectedId === null) return;
    let current = true;
    void run(() => client.coldChain.readings({ locationId: selectedId })).then((r) => {
      if (current && r.ok) setChart({ locationId: selectedId, ...r.value });
    });
    return () => {
      current = false;
    };
  }, [selectedId, locations, run]);

  const showCase = useCallback(
    async (excursionId: number) => {
      const result = await run(() => client.coldChain.excursion({ excursionId }));
      if (result.ok) setOpenCase(result.value);
    },
    [run],
  );

  const now = new Date();
  const selected = locations?.find((l) => l.id === selectedId) ?? null;
  const selectedKits = kits.filter((k) => k.locationId === selectedId);

  return (
    <Stack gap="lg" data-testid="storage-page">
      <Group justify="space-between" align="flex-start">
        <Stack gap={4}>
          <Title order={1} fz="h2">
            {t('workflows.storage.title')}
          </Title>
          <Text c="dimmed" maw={820}>
            {t('storage.intro')}
          </Text>
        </Stack>
        <Group gap="sm">
          {canManage && (
            <Button variant={puttingAway ? 'filled' : 'light'} leftSection={<IconBuildingWarehouse size="1.1em" aria-hidden />} onClick={() => setPuttingAway((v) => !v)} aria-expanded={puttingAway} data-testid="put-away-open">
              {t('storage.putAway.open')}
            </Button>
          )}
          {canManage && (
            <Button variant="default" leftSection={<IconPlus size="1.1em" aria-hidden />} onClick={() => setEditing('new')} data-testid="location-add">
              {t('storage.location.add')}
            </Button>
          )}
          <Button variant="default" leftSection={<IconRefresh size="1.1em" aria-hidden />} onClick={() => void reload()} data-testid="storage-reload">
            {t('storage.reload')}
          </Button>
        </Group>
      </Group>
      <TranslatedErrorAlert error={load.error} translate={translateServerMessage} />
      {cases.some((c) => c.open) && (
        <Alert color="orange" variant="light" icon={<IconAlertTriangle aria-hidden />} title={t('storage.openCasesTitle')} data-testid="storage-open-cases">
          {t('storage.openCasesBody', { count: cases.filter((c) => c.open).length })}
        </Alert>
      )}
      {outcome && (
        <Alert color={outcome.excursionIds.length > 0 ? 'orange' : 'teal'} variant="light" withCloseButton onClose={() => setOutcome(null)} data-testid="readings-outcome">
          {outcome.kind === 'imported'
            ? outcome.duplicate
              ? t('storage.readings.duplicate')
              : t('storage.readings.imported', { count: outcome.readings })
            : t('storage.readings.recorded')}{' '}
          {outcome.excursionIds.length > 0 && t('storage.readings.excursionsFound', { count: outcome.excursionIds.length })}
        </Alert>
      )}
      {canManage && puttingAway && locations && locations.length > 0 && <PutAwayPanel locations={locations} onDone={() => void reload()} />}
      {!locations && !load.error && <Loader />}
      {locations && locations.length === 0 && <Text c="dimmed">{t('storage.none')}</Text>}
      {locations && locations.length > 0 && (
        <SimpleGrid cols={{ base: 1, md: 2, xl: 3 }} spacing="md" data-testid="locations">
          {locations.map((l) => {
            const calibration = calibrationState(l.calibrationDue, now);
            const here = kits.filter((k) => k.locationId === l.id).length;
            const isSelected = l.id === selectedId;
            return (
              <Paper key={l.id} withBorder p="md" radius="md" data-testid={`location-${l.barcode}`} data-selected={isSelected} style={isSelected ? { borderColor: 'var(--mantine-color-indigo-6)', borderWidth: 2 } : undefined}>
                <Stack gap={6}>
                  <UnstyledButton onClick={() => setSelectedId(l.id)} aria-pressed={isSelected} data-testid={`location-open-${l.barcode}`}>
                    <Text fw={700} fz="lg" td="underline">
                      {l.name}
                    </Text>
                  </UnstyledButton>
                  <Group gap="xs">
                    <Badge variant="outline" color="gray.8" style={{ flexShrink: 0 }}>
                      {t(`storage.kind.${l.kind}`)}
                    </Badge>
                    <Text size="sm" ff="monospace">
                      {l.barcode}
                    </Text>
                  </Group>
                  <Text size="sm">{t('storage.range', { min: celsius(l.minCelsius, i18n.language), max: celsius(l.maxCelsius, i18n.language) })}</Text>
                  <Group gap="xs" data-testid={`location-state-${l.barcode}`}>
                    {l.lastReading ? (
                      <>
                        <IconTemperature size="1.1em" aria-hidden />
                        <Text size="sm" fw={600}>
                          {celsius(l.lastReading.celsius, i18n.language)}
                        </Text>
                        <Text size="sm" c="dimmed">
                          {formatDateTime(l.lastReading.at, i18n.language)}
                        </Text>
                        <Badge color={l.lastReading.inRange ? 'teal.9' : 'red.9'} data-testid={`location-in-range-${l.barcode}`} data-in-range={l.lastReading.inRange}>
                          {l.lastReading.inRange ? t('storage.inRange') : t('storage.outOfRange')}
                        </Badge>
                      </>
                    ) : (
                      <Text size="sm" c="dimmed">
                        {t('storage.noReading')}
                      </Text>
                    )}
                  </Group>
                  <Group gap="xs">
                    <Text size="sm">{t('storage.kitCount', { count: here })}</Text>
                    {l.openExcursions > 0 && <Badge color="orange.9">{t('storage.openExcursions', { count: l.openExcursions })}</Badge>}
                  </Group>
                  <Text size="sm" c={calibration === 'overdue' ? 'red.9' : calibration === 'soon' ? 'orange.9' : undefined} fw={calibration === 'overdue' || calibration === 'soon' ? 700 : undefined} data-testid={`location-calibration-${l.barcode}`} data-state={calibration}>
                    {l.calibrationDue ? t(`storage.calibration.${calibration === 'none' ? 'ok' : calibration}`, { date: formatDate(l.calibrationDue, i18n.language) }) : t('storage.calibration.none')}
                  </Text>
                  {canManage && (
                    <Group gap="xs" mt={4}>
                      <Button size="compact-sm" variant="light" leftSection={<IconTemperature size="1em" aria-hidden />} onClick={() => setReadingsFor(l)} data-testid={`location-readings-${l.barcode}`}>
                        {t('storage.readings.open')}
                      </Button>
                      <Button size="compact-sm" variant="subtle" leftSection={<IconEdit size="1em" aria-hidden />} onClick={() => setEditing(l)} data-testid={`location-edit-${l.barcode}`}>
                        {t('storage.location.edit')}
                      </Button>
                    </Group>
                  )}
                </Stack>
              </Paper>
            );
          })}
        </SimpleGrid>
      )}
      {selected && (
        <Paper withBorder p="lg" radius="md" data-testid="location-detail" data-location={selected.barcode}>
          <Stack gap="md">
            <Title order={2} fz="h3">
              {selected.name}
            </Title>
            {chart?.locationId === selected.id ? <ReadingsChart readings={chart.readings} range={chart.range} testId="location-chart" /> : <Loader size="sm" />}
            <Title order={3} fz="h4">
              {t('storage.kitsHere', { count: selectedKits.length })}
            </Title>
            {selectedKits.length === 0 ? (
              <Text c="dimmed">{t('storage.noKits')}</Text>
            ) : (
              <Table.ScrollContainer minWidth={480} mah={320} type="native" tabIndex={0} style={{ overflowY: 'auto' }}>
                <Table striped withTableBorder stickyHeader data-testid="location-kits">
                  <Table.Thead>
                    <Table.Tr>
                      <Table.Th>{t('storage.case.kit')}</Table.Th>
                      <Table.Th>{t('storage.since')}</Table.Th>
                      <Table.Th>{t('storage.case.cumulative')}</Table.Th>
                    </Table.Tr>
                  </Table.Thead>
                  <Table.Tbody>
                    {selectedKits.map((k) => (
                      <Table.Tr key={k.kitNumber} data-testid={`location-kit-${k.kitNumber}`}>
                        <Table.Td ff="monospace" fw={700}>
                          {k.kitNumber}
                        </Table.Td>
                        <Table.Td>{formatDateTime(k.since, i18n.language)}</Table.Td>
                        <Table.Td>{k.secondsOutOfRange > 0 ? duration(k.secondsOutOfRange) : '—'}</Table.Td>
                      </Table.Tr>
                    ))}
                  </Table.Tbody>
                </Table>
              </Table.ScrollContainer>
            )}
          </Stack>
        </Paper>
      )}
      <Paper withBorder p="lg" radius="md" data-testid="excursions">
        <Stack gap="md">
          <Title order={2} fz="h3">
            {t('storage.excursions.title')}
          </Title>
          {cases.length === 0 ? (
            <Text c="dimmed">{t('storage.excursions.none')}</Text>
          ) : (
            <Table.ScrollContainer minWidth={760} type="native" tabIndex={0}>
              <Table striped withTableBorder>
                <Table.Thead>
                  <Table.Tr>
                    <Table.Th>{t('storage.excursions.location')}</Table.Th>
                    <Table.Th>{t('storage.excursions.start')}</Table.Th>
                    <Table.Th>{t('storage.excursions.duration')}</Table.Th>
                    <Table.Th>{t('storage.excursions.worst')}</Table.Th>
                    <Table.Th>{t('storage.excursions.kits')}</Table.Th>
                    <Table.Th>{t('storage.excursions.state')}</Table.Th>
                    <Table.Th>
                      <VisuallyHidden>{t('storage.excursions.open')}</VisuallyHidden>
                    </Table.Th>
                  </Table.Tr>
                </Table.Thead>
                <Table.Tbody>
                  {cases.map((c) => (
                    <Table.Tr key={c.id} data-testid={`excursion-row-${c.id}`} data-open={c.open}>
                      <Table.Td>{c.location}</Table.Td>
                      <Table.Td style={{ whiteSpace: 'nowrap' }}>{formatDateTime(c.start, i18n.language)}</Table.Td>
                      <Table.Td style={{ whiteSpace: 'nowrap' }}>{duration(c.durationSeconds)}</Table.Td>
                      <Table.Td>{celsius(c.worstCelsius, i18n.language)}</Table.Td>
                      <Table.Td>{t('storage.excursions.kitCount', { count: c.kitCount, pending: c.pendingAssessment })}</Table.Td>
                      <Table.Td style={{ whiteSpace: 'nowrap' }}>
                        <Badge color={c.open ? 'orange.9' : 'teal.9'} style={{ flexShrink: 0, overflow: 'visible' }}>{c.open ? t('storage.case.open') : t('storage.case.closed')}</Badge>
                      </Table.Td>
                      <Table.Td>
                        <Button size="compact-sm" variant="light" onClick={() => void showCase(c.id)} data-testid={`excursion-open-${c.id}`}>
                          {t('storage.excursions.open')}
                        </Button>
                      </Table.Td>
                    </Table.Tr>
                  ))}
                </Table.Tbody>
              </Table>
            </Table.ScrollContainer>
          )}
        </Stack>
      </Paper>
      {openCase && (
        <ExcursionCasePanel
          showImpact={permissions.includes('reports.unblinded')}
          key={openCase.id}
          view={openCase}
          canDecide={canDecide}
          onClose={() => setOpenCase(null)}
          onChanged={(next) => {
            setOpenCase(next);
            void reload();
          }}
        />
      )}
      {editing && (
        <LocationModal
          editing={editing}
          onClose={() => setEditing(null)}
          onSaved={() => {
            setEditing(null);
            void reload();
          }}
        />
      )}
      {readingsFor && (
        <ReadingsModal
          location={readingsFor}
          onClose={() => setReadingsFor(null)}
          onDone={(o) => {
            setReadingsFor(null);
            setOutcome(o);
            void reload();
            if (o.excursionIds[0] !== undefined) void showCase(o.excursionIds[0]);
          }}
        />
      )}
    </Stack>
  );
}
