import { Alert, Anchor, Badge, Button, Group, Loader, Paper, SimpleGrid, Stack, Switch, Tabs, Text, Title } from '@mantine/core';
import { IconAlertTriangle, IconBox, IconEye, IconFlame, IconListDetails, IconPackages, IconRefresh, IconUsers } from '@tabler/icons-react';
import { useCallback, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { formatDateTime } from '../common/format';
import { TranslatedErrorAlert } from '../common/TranslatedErrorAlert';
import { useVeilAction } from '../common/useVeilAction';
import { useActiveSession } from '../session/SessionContext';
import { client } from '../transport/client';
import { DestructionForm } from './DestructionForm';
import { DestructionList } from './DestructionList';
import { DiscrepancyList } from './DiscrepancyList';
import { KitsTable } from './KitsTable';
import { LotsTable } from './LotsTable';
import { PatientsTable } from './PatientsTable';
import { reconciliationMessage } from './reconciliationMessages';
import { SignOffCard } from './SignOffCard';
import type { Destruction, DestructionCandidate, Reconciliation, ReconciliationAnswer } from './types';
import { useRecordsChanged } from '../common/useRecordsChanged';

function Figure({ label, value, testId, warn = false }: { label: string; value: number; testId: string; warn?: boolean }) {
  return (
    <Paper withBorder p="sm" radius="md" data-testid={testId} data-value={value}>
      <Text size="sm" c="dimmed">
        {label}
      </Text>
      <Group gap={6} align="center">
        {warn && value > 0 && <IconAlertTriangle size="1.2em" color="var(--mantine-color-orange-8)" aria-hidden />}
        <Text fz={28} fw={800}>
          {value}
        </Text>
      </Group>
    </Paper>
  );
}

/**
 * Reconciliation: per kit, per patient and per lot, every discrepancy with its kits, the monitor's sign-off (voided by
 * any later accountability change), and the destruction of returned, expired or damaged kits. Blinded by default;
 * unblinded users may switch to the real lots.
 */
export function ReconciliationPage() {
  const { t, i18n } = useTranslation();
  const { permissions } = useActiveSession();
  const canSign = permissions.includes('reconciliation.sign');
  const canUnblind = permissions.includes('reconciliation.unblinded');
  const canDestroy = permissions.includes('destruction.perform');
  const [blinded, setBlinded] = useState<ReconciliationAnswer | null>(null);
  const [unblinded, setUnblinded] = useState<Reconciliation | null>(null);
  const [showUnblinded, setShowUnblinded] = useState(false);
  const [destructions, setDestructions] = useState<Destruction[] | null>(null);
  const [candidates, setCandidates] = useState<DestructionCandidate[] | null>(null);
  const [justDestroyed, setJustDestroyed] = useState<number | null>(null);
  const [tab, setTab] = useState<string | null>('kits');
  // The kit table loads its own lines, a page at a time, first thing on opening (its request goes before the figures',
  // which need every kit's line); a change of records or a reload asks it for its page again.
  const [version, setVersion] = useState(0);
  const load = useVeilAction();
  const unblind = useVeilAction();
  const { run } = load;

  const { run: runUnblinded } = unblind;
  const loadUnblinded = useCallback(async () => {
    const result = await runUnblinded(() => client.reconciliation.viewUnblinded({}));
    if (result.ok) setUnblinded(result.value.reconciliation);
    else setShowUnblinded(false);
  }, [runUnblinded]);

  const reload = useCallback(async () => {
    const result = await run(async () => {
      const [view, list, destroyable] = await Promise.all([client.reconciliation.view({}), client.destruction.list({}), canDestroy ? client.destruction.candidates({}) : Promise.resolve(null)]);
      return { view, list, destroyable };
    });
    if (result.ok) {
      setBlinded(result.value.view);
      setDestructions(result.value.list);
      setCandidates(result.value.destroyable);
    }
  }, [run, canDestroy]);

  // The figures wait for the kit table's first page: at a large site they take the host most of a second (every kit's
  // line), and the page asked for behind them would wait as long (issue 12).
  const [firstPageShown, setFirstPageShown] = useState(false);
  useEffect(() => {
    if (firstPageShown) void reload();
  }, [reload, firstPageShown]);
  // The counts, the destructions and the kits that may be destroyed follow changes made here or at another workstation
  // (kits chosen for destruction stay chosen while they may still be destroyed); the unblinded view too, when shown.
  useRecordsChanged(['kits', 'returns', 'reconciliation'], () => {
    void reload();
    setVersion((v) => v + 1);
    if (showUnblinded) void loadUnblinded();
  });

  function toggleUnblinded(on: boolean) {
    setShowUnblinded(on);
    setUnblinded(null);
    if (on) void loadUnblinded();
  }

  function reloadAll() {
    void reload();
    setVersion((v) => v + 1);
    // An unblinded view shown is refreshed with the rest, never left stale.
    if (showUnblinded) void loadUnblinded();
  }

  const shown = showUnblinded && unblinded ? unblinded : (blinded?.reconciliation ?? null);
  const isUnblinded = showUnblinded && unblinded !== null;

  return (
    <Stack gap="lg" data-testid="reconciliation-page" data-view={isUnblinded ? 'unblinded' : 'blinded'}>
      <Group justify="space-between" align="flex-start" wrap="wrap">
        <Stack gap={4}>
          <Title order={1} fz="h2">
            {t('workflows.reconciliation.title')}
          </Title>
          {shown && (
            <Text c="dimmed" data-testid="recon-as-of">
              {t('reconciliation.asOf', { time: formatDateTime(shown.asOf, i18n.language) })}
            </Text>
          )}
        </Stack>
        <Group gap="md">
          {canUnblind && (
            <Switch
              size="lg"
              color="orange.9"
              label={t('reconciliation.unblinded.toggle')}
              checked={showUnblinded}
              onChange={(e) => toggleUnblinded(e.currentTarget.checked)}
              data-testid="recon-unblinded-toggle"
            />
          )}
          <Button variant="default" leftSection={<IconRefresh size="1.1em" aria-hidden />} onClick={reloadAll} loading={load.busy} data-testid="recon-reload">
            {t('reconciliation.reload')}
          </Button>
        </Group>
      </Group>

      <TranslatedErrorAlert error={load.error} translate={reconciliationMessage} />
      <TranslatedErrorAlert error={unblind.error} translate={reconciliationMessage} testId="recon-unblinded-error" />
      {isUnblinded && (
        <Alert color="orange" variant="filled" icon={<IconEye aria-hidden />} title={t('reconciliation.unblinded.bannerTitle')} data-testid="recon-unblinded-banner">
          {t('reconciliation.unblinded.banner')}
        </Alert>
      )}
      {showUnblinded && !unblinded && !unblind.error && <Loader />}

      {/* The figures need every kit's line and come after the kit table's first page at a large site (issue 12). */}
      {!blinded || !shown ? (
        !load.error && <Loader data-testid="recon-figures-loading" />
      ) : (
        <>
          <SignOffCard
            signOff={blinded.signOff}
            reconciliation={blinded.reconciliation}
            comments={blinded.comments}
            openDiscrepancies={blinded.openDiscrepancies}
            onCommented={() => void reload()}
            canSign={canSign}
            onSigned={(signOff) => {
              setBlinded((b) => (b ? { ...b, signOff } : b));
              reloadAll();
            }}
          />
          <SimpleGrid cols={{ base: 2, md: 4 }} data-testid="recon-figures">
            <Figure label={t('reconciliation.figures.kits')} value={shown.kitCount} testId="recon-figure-kits" />
            <Figure label={t('reconciliation.figures.discrepancies')} value={shown.discrepancies.length} testId="recon-figure-discrepancies" warn />
            <Figure label={t('reconciliation.figures.unbalancedLots')} value={shown.lots.filter((l) => !l.balanced).length} testId="recon-figure-unbalanced" warn />
            <Paper withBorder p="sm" radius="md" data-testid="recon-figure-unverified" data-value={shown.unverifiedReturns}>
              <Text size="sm" c="dimmed">
                {t('reconciliation.figures.unverified')}
              </Text>
              <Group gap={6} align="center">
                {shown.unverifiedReturns > 0 && <IconAlertTriangle size="1.2em" color="var(--mantine-color-orange-8)" aria-hidden />}
                <Text fz={28} fw={800}>
                  {shown.unverifiedReturns}
                </Text>
                {shown.unverifiedReturns > 0 && permissions.includes('returns.read') && (
                  <Anchor href="#/returns" size="sm" data-testid="recon-to-returns">
                    {t('reconciliation.figures.toReturns')}
                  </Anchor>
                )}
              </Group>
            </Paper>
          </SimpleGrid>
        </>
      )}

      <Tabs value={tab} onChange={setTab} keepMounted={false}>
        <Tabs.List>
          <Tabs.Tab value="kits" leftSection={<IconBox size="1.2em" aria-hidden />} data-testid="recon-tab-kits">
            {t('reconciliation.tabs.kits')}
          </Tabs.Tab>
          <Tabs.Tab value="patients" leftSection={<IconUsers size="1.2em" aria-hidden />} data-testid="recon-tab-patients">
            {t('reconciliation.tabs.patients')}
          </Tabs.Tab>
          <Tabs.Tab value="lots" leftSection={<IconPackages size="1.2em" aria-hidden />} data-testid="recon-tab-lots">
            {t('reconciliation.tabs.lots')}
          </Tabs.Tab>
          <Tabs.Tab
            value="discrepancies"
            leftSection={<IconListDetails size="1.2em" aria-hidden />}
            rightSection={
              shown && (
                <Badge size="sm" variant="light" color={shown.discrepancies.length ? 'orange' : 'gray'}>
                  {shown.discrepancies.length}
                </Badge>
              )
            }
            data-testid="recon-tab-discrepancies"
          >
            {t('reconciliation.tabs.discrepancies')}
          </Tabs.Tab>
          <Tabs.Tab value="destruction" leftSection={<IconFlame size="1.2em" aria-hidden />} data-testid="recon-tab-destruction">
            {t('reconciliation.tabs.destruction')}
          </Tabs.Tab>
        </Tabs.List>
        <Tabs.Panel value="kits" pt="lg">
          <KitsTable unblinded={isUnblinded} version={version} sinceLastSignOff={blinded?.sinceLastSignOff ?? null} onAnswered={() => setFirstPageShown(true)} />
        </Tabs.Panel>
        <Tabs.Panel value="patients" pt="lg">
          {shown ? <PatientsTable patients={shown.patients} /> : <Loader />}
        </Tabs.Panel>
        <Tabs.Panel value="lots" pt="lg">
          {shown ? <LotsTable lots={shown.lots} unblinded={isUnblinded} /> : <Loader />}
        </Tabs.Panel>
        <Tabs.Panel value="discrepancies" pt="lg">
          {shown ? <DiscrepancyList reconciliation={shown} /> : <Loader />}
        </Tabs.Panel>
        <Tabs.Panel value="destruction" pt="lg">
          <Stack gap="xl">
            {justDestroyed !== null && (
              <Alert color="teal" variant="light" withCloseButton onClose={() => setJustDestroyed(null)} data-testid="destruction-recorded">
                {t('reconciliation.destruction.recorded', { id: justDestroyed })}
              </Alert>
            )}
            {canDestroy && candidates && (
              <DestructionForm
                candidates={candidates}
                onDestroyed={(d) => {
                  setJustDestroyed(d.id);
                  reloadAll();
                }}
              />
            )}
            {destructions && <DestructionList destructions={destructions} highlight={justDestroyed} />}
          </Stack>
        </Tabs.Panel>
      </Tabs>
    </Stack>
  );
}
