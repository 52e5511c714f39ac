import { Group, Loader, Stack, Switch, Table, Text, TextInput } from '@mantine/core';
import { IconAlertTriangle, IconSearch, IconShieldCheck } from '@tabler/icons-react';
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { formatDate } from '../common/dates';
import { dateTimeFormat } from '../common/dateTimeFormat';
import { TranslatedErrorAlert } from '../common/TranslatedErrorAlert';
import { useVeilAction } from '../common/useVeilAction';
import { WindowedTableBodies } from '../common/WindowedTableBodies';
import { formatUtc } from '../common/utcTime';
import { ListPagination } from '../common/ListPagination';
import { ConditionBadge } from '../returns/ConditionBadge';
import { client } from '../transport/client';
import { reconciliationMessage } from './reconciliationMessages';
import type { KitPage } from './types';
import { kitStatusWord } from './words';

/** Kit lines per page: the host sends one page at a time, so the table costs the same for 180 kits or 50,000. */
export const KIT_PAGE_SIZE = 100;

/** How long typing pauses before the search goes to the host. */
const SEARCH_PAUSE_MS = 250;

/** The day of a time, in the user's language (the table shows days; the audit trail has the times). */
function formatDay(iso: string, language: string): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  return dateTimeFormat(language, { dateStyle: 'medium' }).format(date);
}

/**
 * Per kit: receipt, dispensing, return, destruction and where the kit is now, with its discrepancies in words. The
 * lines come from the host a page at a time (issue 12), filtered and searched there; `unblinded` asks for the real lots
 * (the unblinded view's channel, which needs the study's key). `version` changes when the page around it reloads, and
 * the page shown is read again.
 */
export function KitsTable({
  unblinded,
  version,
  sinceLastSignOff = null,
  onAnswered,
}: {
  unblinded: boolean;
  version: number;
  sinceLastSignOff?: { signedAt: string; kits: string[] } | null;
  /** Called when the host has answered a page (or refused it). */
  onAnswered?: () => void;
}) {
  const { t, i18n } = useTranslation();
  const [onlyDiscrepancies, setOnlyDiscrepancies] = useState(false);
  // "Since the last sign-off" (issue 11, item 8): only the kits whose accountability or verification changed after it.
  const [onlySince, setOnlySince] = useState(false);
  const changed = useMemo(() => new Set(sinceLastSignOff?.kits ?? []), [sinceLastSignOff]);
  const [search, setSearch] = useState('');
  const [searched, setSearched] = useState('');
  const [page, setPage] = useState(1);
  // The answer with the request it answers: rows of another filter, search or page are never shown as this one's.
  const [answer, setAnswer] = useState<{ for: string; page: KitPage } | null>(null);
  const load = useVeilAction();
  const { run } = load;
  // The latest callback, read when an answer comes (a new one on each render of the page must not ask for the page again).
  const answered = useRef(onAnswered);
  answered.current = onAnswered;
  // Answers may come back out of order (a search typed on while the previous one runs): only the latest request's is shown.
  const latestRequest = useRef(0);

  useEffect(() => {
    const timer = setTimeout(() => setSearched(search.trim()), SEARCH_PAUSE_MS);
    return () => clearTimeout(timer);
  }, [search]);
  // A new filter or search starts from its first page.
  useEffect(() => setPage(1), [searched, onlyDiscrepancies, onlySince, unblinded]);

  const input = useMemo(
    () => ({ page, pageSize: KIT_PAGE_SIZE, search: searched, only: onlyDiscrepancies ? ('discrepancies' as const) : onlySince ? ('sinceSignOff' as const) : ('all' as const) }),
    [page, searched, onlyDiscrepancies, onlySince],
  );
  const wanted = `${unblinded ? 'unblinded' : 'blinded'} ${JSON.stringify(input)}`;
  const fetchPage = useCallback(async () => {
    const request = ++latestRequest.current;
    const result = await run(() => (unblinded ? client.reconciliation.kitsUnblinded(input) : client.reconciliation.kits(input)));
    if (result.ok && request === latestRequest.current) setAnswer({ for: wanted, page: result.value });
    answered.current?.();
  }, [run, input, unblinded, wanted]);

  useEffect(() => {
    void fetchPage();
  }, [fetchPage, version]);

  const lang = i18n.language;
  // The page of the filter asked for, once it has come (a reload of the same page keeps its rows meanwhile).
  const shown = answer?.for === wanted ? answer.page : null;
  const kits = shown?.kits ?? [];
  // The pages of the last answer stay while the next page comes, so the page buttons do not blink.
  const counted = shown ?? answer?.page ?? null;
  const pages = counted ? Math.max(1, Math.ceil(counted.matching / KIT_PAGE_SIZE)) : 1;
  const from = shown ? (shown.page - 1) * KIT_PAGE_SIZE + 1 : 0;

  return (
    <Stack gap="md" data-testid="recon-kits">
      <Group justify="space-between" wrap="wrap">
        {shown ? (
          <Text c="dimmed" data-testid="recon-kits-count" data-matching={shown.matching} data-total={shown.total}>
            {t('reconciliation.kits.shown', { count: shown.matching, total: shown.total })}
            {shown.matching > KIT_PAGE_SIZE && ` · ${t('common.pageRange', { from, to: from + kits.length - 1 })}`}
          </Text>
        ) : (
          <Loader size="sm" />
        )}
        <Group gap="lg">
          <TextInput
            placeholder={t('reconciliation.kits.search')}
            aria-label={t('reconciliation.kits.search')}
            leftSection={<IconSearch size="1em" aria-hidden />}
            // Wide enough for the whole placeholder in French ("Chercher un kit, un patient ou un lot"), never wider than the screen.
            w="min(100%, 22rem)"
            value={search}
            onChange={(e) => setSearch(e.currentTarget.value)}
            data-testid="recon-kits-search"
          />
          {sinceLastSignOff && (
            <Switch
              size="md"
              label={t('reconciliation.kits.sinceSignOff', { count: sinceLastSignOff.kits.length, time: formatUtc(sinceLastSignOff.signedAt) })}
              checked={onlySince}
              onChange={(e) => {
                // One filter at a time (the host filters by one): turning one on turns the other off.
                setOnlySince(e.currentTarget.checked);
                if (e.currentTarget.checked) setOnlyDiscrepancies(false);
              }}
              data-testid="recon-kits-since-signoff"
            />
          )}
          <Switch
            size="md"
            label={t('reconciliation.kits.onlyDiscrepancies')}
            checked={onlyDiscrepancies}
            onChange={(e) => {
              setOnlyDiscrepancies(e.currentTarget.checked);
              if (e.currentTarget.checked) setOnlySince(false);
            }}
            data-testid="recon-kits-only-discrepancies"
          />
        </Group>
      </Group>
      <Table.ScrollContainer minWidth={760} type="native">
        <Table verticalSpacing="xs" data-testid="recon-kits-table" data-only={shown ? input.only : 'loading'} aria-busy={shown ? undefined : true}>
          <Table.Thead>
            <Table.Tr>
              <Table.Th>{t('reconciliation.kits.columns.kit')}</Table.Th>
              <Table.Th>{t('reconciliation.kits.columns.receipt')}</Table.Th>
              <Table.Th>{t('reconciliation.kits.columns.dispensed')}</Table.Th>
              <Table.Th>{t('reconciliation.kits.columns.return')}</Table.Th>
              <Table.Th>{t('reconciliation.kits.columns.whereabouts')}</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <WindowedTableBodies
            items={kits}
            itemKey={(k) => k.kitNumber}
            columns={5}
            estimateHeight={68}
            // A page of 100 kits keeps only those near the screen in the page: its first rows were 1.3 to 1.5 times
            // the demo's at 50,000 kits, a kit's line there holding more (patients, returns, discrepancies).
            windowFrom={30}
            renderItem={(k) => (
              <>
                <Table.Tr data-testid={`recon-kit-${k.kitNumber}`} data-changed-since-signoff={changed.has(k.kitNumber) ? 'true' : 'false'} data-whereabouts={k.whereabouts} data-discrepancies={k.discrepancies.join(' ')} style={k.discrepancies.length ? { borderBottom: 0, background: 'var(--mantine-color-orange-0)' } : undefined}>
                  <Table.Td>
                    <Text ff="monospace" fw={700}>
                      {k.kitNumber}
                    </Text>
                    <Text ff="monospace" size="xs" c="dimmed">
                      {t('reconciliation.kits.lot', { lot: k.lot })}
                    </Text>
                  </Table.Td>
                  <Table.Td>
                    {k.receivedAt ? (
                      <Stack gap={0}>
                        <Text size="sm">{formatDay(k.receivedAt, lang)}</Text>
                        {k.shipment && (
                          <Text size="xs" c="dimmed">
                            {k.shipment}
                          </Text>
                        )}
                      </Stack>
                    ) : (
                      <Text size="sm" c="dimmed">
                        {k.shipment ? t('reconciliation.kits.notReceivedFrom', { shipment: k.shipment }) : t('reconciliation.kits.notReceived')}
                      </Text>
                    )}
                  </Table.Td>
                  <Table.Td>
                    {k.dispensedAt ? (
                      <Stack gap={0}>
                        <Text size="sm" fw={600}>
                          {t('reconciliation.kits.patientVisit', { patient: k.patient ?? '—', visit: k.visit ?? '—' })}
                        </Text>
                        <Text size="xs" c="dimmed">
                          {formatDay(k.dispensedAt, lang)}
                        </Text>
                      </Stack>
                    ) : (
                      <Text size="sm" c="dimmed">
                        —
                      </Text>
                    )}
                  </Table.Td>
                  <Table.Td className="veil-badges">
                    {k.returnCondition ? (
                      <Stack gap={2} align="flex-start">
                        <ConditionBadge condition={k.returnCondition} />
                        <Group gap={4} wrap="nowrap">
                          {k.returnVerified ? <IconShieldCheck size="1em" aria-hidden color="var(--mantine-color-teal-7)" /> : null}
                          <Text size="xs">
                            {t('reconciliation.kits.unitsReturned', { count: k.unitsReturned ?? 0 })} · {k.returnVerified ? t('reconciliation.kits.verified') : t('reconciliation.kits.notVerified')}
                          </Text>
                        </Group>
                      </Stack>
                    ) : k.returnDue ? (
                      <Text size="sm">{t('reconciliation.kits.returnDue', { date: formatDate(k.returnDue, lang) })}</Text>
                    ) : (
                      <Text size="sm" c="dimmed">
                        —
                      </Text>
                    )}
                  </Table.Td>
                  <Table.Td>
                    <Text size="sm" fw={600}>
                      {t(`reconciliation.whereabouts.${k.whereabouts}`)}
                    </Text>
                    <Text size="xs" c="dimmed">
                      {k.destroyedOn ? t('reconciliation.kits.destroyedOn', { date: formatDate(k.destroyedOn, lang) }) : t('reconciliation.kits.status', { status: kitStatusWord(k.status, t) })}
                    </Text>
                  </Table.Td>
                </Table.Tr>
                {k.discrepancies.length > 0 && (
                  <Table.Tr data-testid={`recon-kit-discrepancies-${k.kitNumber}`} style={{ background: 'var(--mantine-color-orange-0)' }}>
                    <Table.Td colSpan={5} pt={0}>
                      <Group gap="lg" wrap="wrap">
                        {k.discrepancies.map((d) => (
                          <Group key={d} gap={6} wrap="nowrap" align="flex-start">
                            <IconAlertTriangle size="1.1em" color="var(--mantine-color-orange-8)" aria-hidden style={{ flexShrink: 0, marginTop: 2 }} />
                            <Text size="sm">
                              <Text span size="sm" fw={700}>
                                {t(`reconciliation.discrepancy.${d}`)}
                              </Text>
                              {t('reconciliation.kits.colon')}
                              {t(`reconciliation.discrepancyExplain.${d}`)}
                            </Text>
                          </Group>
                        ))}
                      </Group>
                    </Table.Td>
                  </Table.Tr>
                )}
              </>
            )}
          />
        </Table>
      </Table.ScrollContainer>
      <TranslatedErrorAlert error={load.error} translate={reconciliationMessage} testId="recon-kits-error" />
      <ListPagination pages={pages} page={page} onChange={setPage} testId="recon-kits-pagination" />
      {shown && kits.length === 0 && (
        <Text c="dimmed" data-testid="recon-kits-empty">
          {t('reconciliation.kits.noneShown')}
        </Text>
      )}
    </Stack>
  );
}
