import { ActionIcon, Alert, Badge, Button, Card, Code, Group, Loader, NativeSelect, SegmentedControl, SimpleGrid, Stack, Table, Text, TextInput, Title, Tooltip, VisuallyHidden } from '@mantine/core';
import {
  IconChevronDown,
  IconChevronRight,
  IconDownload,
  IconFilter,
  IconFilterOff,
  IconKeyboard,
  IconLink,
  IconScan,
  IconShieldCheck,
  IconShieldX,
} from '@tabler/icons-react';
import { useForm } from '@mantine/form';
import { Fragment, useCallback, useEffect, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type { ChannelOutput } from '../../../shared/contract';
import { translatedError } from '../common/contractForm';
import { ErrorAlert } from '../common/ErrorAlert';
import { downloadText } from '../common/download';
import { SignedBy } from '../common/SignedBy';
import { useVeilAction } from '../common/useVeilAction';
import { formatAtOffset, formatLocalWithOffset, formatUtc } from '../common/utcTime';
import { useActiveSession } from '../session/SessionContext';
import { translateServerMessage } from '../i18n/serverMessages';
import { client } from '../transport/client';
import { EMPTY_FORM, toFilter, validateFilter, type Filter, type FilterForm } from './auditFilters';
import { actionLabel, describeEventInWords, entityTypeLabel, KNOWN_ACTIONS, sourceLabel } from './describe';
import { useRecordsChanged } from '../common/useRecordsChanged';
import { ListPagination } from '../common/ListPagination';

type AuditList = ChannelOutput<'audit.list'>;
type AuditEvent = AuditList['events'][number];
type Verification = ChannelOutput<'audit.verify'>;
type View = { order: 'newest' | 'oldest'; page: number };

/** Events per page: the server sends one page at a time, so the screen costs the same for 600 events or 500,000. */
const PAGE_SIZE = 50;


/**
 * The audit trail (21 CFR 11.10(e), Annex 11 s9) for monitors, inspectors and the pharmacy: filtered by date, user,
 * action and entity; each event in plain words with who, when (local time and UTC offset), why, the input source and
 * the signature; old and new values on demand; the audit seal on top, a check of the whole chain, and a CSV export.
 */
export function AuditTrailPage() {
  const { t, i18n } = useTranslation();
  const { permissions } = useActiveSession();
  const filterForm = useForm<FilterForm>({ initialValues: EMPTY_FORM, validate: validateFilter });
  const form = filterForm.values;
  const [applied, setApplied] = useState<Filter>({});
  const [list, setList] = useState<AuditList | null>(null);
  const [known, setKnown] = useState<{ users: Set<string>; actions: Set<string>; entityTypes: Set<string>; studies: Set<string> }>(() => ({
    users: new Set(),
    actions: new Set(KNOWN_ACTIONS),
    entityTypes: new Set(),
    studies: new Set(),
  }));
  const [order, setOrder] = useState<'newest' | 'oldest'>('newest');
  const [page, setPage] = useState(1);
  const [expanded, setExpanded] = useState<Set<number>>(new Set());
  const [verification, setVerification] = useState<Verification | null>(null);
  const load = useVeilAction();
  const verify = useVeilAction();
  const exporter = useVeilAction();
  const { run } = load;

  const fetchList = useCallback(
    async (filter: Filter, view: View, keepExpanded = false) => {
      const result = await run(() => client.audit.list({ ...filter, order: view.order, page: view.page, pageSize: PAGE_SIZE }));
      if (!result.ok) return;
      setList(result.value);
      if (!keepExpanded) setExpanded(new Set());
      const { facets } = result.value;
      setKnown((k) => ({
        users: new Set([...k.users, ...facets.usernames]),
        actions: new Set([...k.actions, ...facets.actions]),
        entityTypes: new Set([...k.entityTypes, ...facets.entityTypes]),
        studies: new Set([...k.studies, ...facets.studies]),
      }));
    },
    [run],
  );

  useEffect(() => {
    void fetchList({}, { order: 'newest', page: 1 });
    // The users the filter offers: every account, also those with no event yet.
    if (permissions.includes('users.read')) {
      client.users.list({}).then(
        (users) => setKnown((k) => ({ ...k, users: new Set([...k.users, ...users.map((u) => u.username)]) })),
        () => {
          // The filter still offers the users seen in the trail.
        },
      );
    }
  }, [fetchList, permissions]);

  // The first page, newest first, follows events recorded here or at another workstation (with the filter as applied,
  // not as being typed; rows opened stay open). Other pages and the oldest-first order stay still while being read.
  useRecordsChanged(['audit'], () => {
    if (page === 1 && order === 'newest') void fetchList(applied, { order, page: 1 }, true);
  });

  function submit(event: FormEvent) {
    event.preventDefault();
    if (filterForm.validate().hasErrors) return;
    const filter = toFilter(form);
    setApplied(filter);
    setPage(1);
    void fetchList(filter, { order, page: 1 });
  }

  function clearFilters() {
    filterForm.reset();
    setApplied({});
    setPage(1);
    void fetchList({}, { order, page: 1 });
  }

  function showPage(next: number) {
    setPage(next);
    void fetchList(applied, { order, page: next });
  }

  async function runVerify() {
    setVerification(null);
    const result = await verify.run(() => client.audit.verify({}));
    if (result.ok) setVerification(result.value);
  }

  async function runExport() {
    const result = await exporter.run(() => client.audit.exportCsv(applied));
    if (result.ok) downloadText(result.value.fileName, 'text/csv;charset=utf-8', result.value.csv);
  }

  const shown = list?.events ?? [];
  const pages = Math.max(1, Math.ceil((list?.total ?? 0) / PAGE_SIZE));
  const filtered = Object.keys(applied).length > 0;
  const sorted = (values: Set<string>) => [...values].sort((a, b) => a.localeCompare(b));
  const set = (field: keyof FilterForm) => (value: string) => filterForm.setFieldValue(field, value);
  // The contract's refusal of a filter field, in the user's language (the host's refusals are shown under the form).
  const filterError = (field: keyof FilterForm) => translatedError(filterForm.errors, field, translateServerMessage, t);

  return (
    <Stack gap="lg" data-testid="audit-page">
      <Title order={1} fz="h2">
        {t('workflows.audit.title')}
      </Title>

      <Card withBorder radius="md" padding="md" data-testid="audit-seal-card">
        <Stack gap="sm">
          <Group justify="space-between" align="flex-start" wrap="wrap">
            <Stack gap={2}>
              <Text size="sm" c="dimmed" tt="uppercase" fw={600}>
                <IconLink size="1em" aria-hidden style={{ verticalAlign: '-0.1em', marginRight: '0.3em' }} />
                {t('audit.seal.title')}
              </Text>
              {list ? (
                <Text fw={700} fz="lg" data-testid="audit-seal-seq" data-seq={list.seal.seq}>
                  {t('audit.seal.event', { seq: list.seal.seq })}
                </Text>
              ) : (
                <Loader size="sm" />
              )}
            </Stack>
            <Group gap="sm">
              <Button variant="default" leftSection={<IconShieldCheck size="1.1em" aria-hidden />} onClick={() => void runVerify()} loading={verify.busy} data-testid="audit-verify">
                {t('audit.verify.button')}
              </Button>
              <Button leftSection={<IconDownload size="1.1em" aria-hidden />} onClick={() => void runExport()} loading={exporter.busy} data-testid="audit-export">
                {filtered ? t('audit.export.filtered') : t('audit.export.all')}
              </Button>
            </Group>
          </Group>
          {list && (
            <>
              <Text ff="monospace" size="sm" style={{ overflowWrap: 'anywhere' }} data-testid="audit-seal-hash">
                {list.seal.hash}
              </Text>
              <Text size="sm" c="dimmed">
                {t('audit.seal.explanation')}
              </Text>
            </>
          )}
          <ErrorAlert error={verify.error} testId="audit-verify-error" />
          <ErrorAlert error={exporter.error} testId="audit-export-error" />
          {verification &&
            (verification.ok ? (
              <Alert variant="light" color="teal" icon={<IconShieldCheck aria-hidden />} title={t('audit.verify.okTitle')} data-testid="audit-verify-result" data-ok="true">
                {t('audit.verify.ok', { count: verification.events, seq: verification.seal.seq, hash: verification.seal.hash })}
              </Alert>
            ) : (
              <Alert variant="filled" color="red.9" icon={<IconShieldX aria-hidden />} title={t('audit.verify.brokenTitle')} data-testid="audit-verify-result" data-ok="false">
                {verification.firstBroken
                  ? t('audit.verify.broken', { seq: verification.firstBroken.seq, problem: verification.firstBroken.problem })
                  : t('audit.verify.brokenUnknown')}
              </Alert>
            ))}
        </Stack>
      </Card>

      <form onSubmit={submit} noValidate data-testid="audit-filters">
        <Stack gap="sm">
          <SimpleGrid cols={{ base: 1, sm: 2, lg: 3 }} spacing="md" verticalSpacing="sm">
            <NativeSelect
              label={t('audit.filters.study')}
              value={form.study}
              onChange={(e) => set('study')(e.currentTarget.value)}
              error={filterError('study')}
              data={[{ value: '', label: t('audit.filters.anyStudy') }, ...sorted(known.studies)]}
              data-testid="audit-filter-study"
            />
            <TextInput type="date" label={t('audit.filters.from')} value={form.from} onChange={(e) => set('from')(e.currentTarget.value)} error={filterError('from')} data-testid="audit-filter-from" />
            <TextInput type="date" label={t('audit.filters.to')} value={form.to} onChange={(e) => set('to')(e.currentTarget.value)} error={filterError('to')} data-testid="audit-filter-to" />
            <NativeSelect
              label={t('audit.filters.user')}
              value={form.username}
              onChange={(e) => set('username')(e.currentTarget.value)}
              error={filterError('username')}
              data={[{ value: '', label: t('audit.filters.any') }, ...sorted(known.users)]}
              data-testid="audit-filter-user"
            />
            <NativeSelect
              label={t('audit.filters.action')}
              value={form.action}
              onChange={(e) => set('action')(e.currentTarget.value)}
              error={filterError('action')}
              data={[
                { value: '', label: t('audit.filters.any') },
                ...[...known.actions].map((a) => ({ value: a, label: actionLabel(a, t) })).sort((a, b) => a.label.localeCompare(b.label, i18n.language)),
              ]}
              data-testid="audit-filter-action"
            />
            <NativeSelect
              label={t('audit.filters.entityType')}
              value={form.entityType}
              onChange={(e) => set('entityType')(e.currentTarget.value)}
              error={filterError('entityType')}
              data={[{ value: '', label: t('audit.filters.any') }, ...sorted(known.entityTypes).map((v) => ({ value: v, label: entityTypeLabel(v, t) }))]}
              data-testid="audit-filter-entity-type"
            />
            <TextInput
              label={t('audit.filters.entityId')}
              description={t('audit.filters.entityIdHint')}
              value={form.entityId}
              onChange={(e) => set('entityId')(e.currentTarget.value)}
              error={filterError('entityId')}
              data-testid="audit-filter-entity-id"
            />
          </SimpleGrid>
          <Group gap="sm">
            <Button type="submit" leftSection={<IconFilter size="1.1em" aria-hidden />} loading={load.busy} data-testid="audit-filter-apply">
              {t('audit.filters.apply')}
            </Button>
            <Button variant="default" leftSection={<IconFilterOff size="1.1em" aria-hidden />} onClick={clearFilters} data-testid="audit-filter-clear">
              {t('audit.filters.clear')}
            </Button>
          </Group>
        </Stack>
      </form>

      <ErrorAlert error={load.error} />

      {list && (
        <Stack gap="sm">
          <Group justify="space-between" wrap="wrap">
            <Text fw={700} data-testid="audit-count" data-count={list.total}>
              {filtered ? t('audit.countFiltered', { count: list.total }) : t('audit.count', { count: list.total })}
            </Text>
            <SegmentedControl
              value={order}
              onChange={(v) => {
                const next = v === 'oldest' ? 'oldest' : 'newest';
                setOrder(next);
                setPage(1);
                void fetchList(applied, { order: next, page: 1 });
              }}
              data={[
                { value: 'newest', label: t('audit.order.newest') },
                { value: 'oldest', label: t('audit.order.oldest') },
              ]}
              data-testid="audit-order"
            />
          </Group>
          {list.events.length === 0 ? (
            <Text c="dimmed" data-testid="audit-empty">
              {t('audit.empty')}
            </Text>
          ) : (
            <Table.ScrollContainer minWidth={760}>
              <Table verticalSpacing="sm" striped layout="fixed" data-testid="audit-table">
                <Table.Thead>
                  <Table.Tr>
                    <Table.Th w={48}>
                      <VisuallyHidden>{t('audit.columns.details')}</VisuallyHidden>
                    </Table.Th>
                    <Table.Th w={64}>{t('audit.columns.seq')}</Table.Th>
                    <Table.Th w={170}>{t('audit.columns.when')}</Table.Th>
                    <Table.Th w={130}>{t('audit.columns.who')}</Table.Th>
                    <Table.Th>{t('audit.columns.what')}</Table.Th>
                    <Table.Th w={116}>{t('audit.columns.source')}</Table.Th>
                  </Table.Tr>
                </Table.Thead>
                <Table.Tbody>
                  {shown.map((e) => (
                    <EventRow
                      key={e.seq}
                      event={e}
                      expanded={expanded.has(e.seq)}
                      onToggle={() =>
                        setExpanded((s) => {
                          const next = new Set(s);
                          if (next.has(e.seq)) next.delete(e.seq);
                          else next.add(e.seq);
                          return next;
                        })
                      }
                    />
                  ))}
                </Table.Tbody>
              </Table>
            </Table.ScrollContainer>
          )}
          <ListPagination pages={pages} page={page} onChange={showPage} testId="audit-pagination" />
        </Stack>
      )}
    </Stack>
  );
}

function SourceBadge({ source }: { source: string | null }) {
  const { t } = useTranslation();
  if (!source) return null;
  const icon = source === 'scanner' || source === 'keyboard_wedge' ? <IconScan size="1em" aria-hidden /> : source === 'manual' ? <IconKeyboard size="1em" aria-hidden /> : undefined;
  return (
    <Badge variant={source === 'manual' ? 'outline' : 'light'} color={source === 'manual' ? 'orange.9' : 'gray'} leftSection={icon} className="veil-badges" data-testid="audit-source" data-source={source}>
      {sourceLabel(source, t)}
    </Badge>
  );
}

function Values({ label, value }: { label: string; value: unknown }) {
  return (
    <Stack gap={2} style={{ minWidth: 0 }}>
      <Text size="sm" fw={700}>
        {label}
      </Text>
      <Code block style={{ whiteSpace: 'pre-wrap', overflowWrap: 'anywhere', overflowX: 'hidden' }}>
        {value === null || value === undefined ? '—' : JSON.stringify(value, null, 2)}
      </Code>
    </Stack>
  );
}

function EventRow({ event, expanded, onToggle }: { event: AuditEvent; expanded: boolean; onToggle: () => void }) {
  const { t, i18n } = useTranslation();
  return (
    <Fragment>
      <Table.Tr data-testid={`audit-event-${event.seq}`} data-action={event.action}>
        <Table.Td>
          <Tooltip label={expanded ? t('audit.details.hide') : t('audit.details.show')}>
            <ActionIcon variant="subtle" onClick={onToggle} aria-expanded={expanded} aria-label={expanded ? t('audit.details.hide') : t('audit.details.show')} data-testid={`audit-details-${event.seq}`}>
              {expanded ? <IconChevronDown aria-hidden /> : <IconChevronRight aria-hidden />}
            </ActionIcon>
          </Tooltip>
        </Table.Td>
        <Table.Td>
          <Text size="sm" ff="monospace">
            {event.seq}
          </Text>
        </Table.Td>
        <Table.Td>
          <Tooltip label={`${formatUtc(event.atUtc)} · ${t('audit.recordedAt', { time: formatAtOffset(event.atUtc, event.atOffset, i18n.language) })}`}>
            <Text size="sm" data-testid="audit-when" data-utc={event.atUtc}>
              {formatLocalWithOffset(event.atUtc, i18n.language)}
            </Text>
          </Tooltip>
        </Table.Td>
        <Table.Td>
          <Text size="sm" fw={600} style={{ overflowWrap: 'anywhere' }}>
            {event.username}
          </Text>
        </Table.Td>
        <Table.Td>
          <Stack gap={4}>
            <Group gap="xs" wrap="wrap">
              {event.study && (
                <Badge variant="light" color="gray" size="sm" data-testid="audit-study">
                  {event.study}
                </Badge>
              )}
              <Text data-testid="audit-sentence">{describeEventInWords(event, t)}</Text>
            </Group>
            {event.reason && (
              <Text size="sm" data-testid="audit-reason">
                <Text span size="sm" fw={700}>
                  {t('audit.reason')}
                </Text>{' '}
                {event.reason}
              </Text>
            )}
            {event.signature && <SignedBy signature={event.signature} testId="audit-signature" />}
          </Stack>
        </Table.Td>
        <Table.Td>
          <SourceBadge source={event.source} />
        </Table.Td>
      </Table.Tr>
      {expanded && (
        <Table.Tr data-testid={`audit-event-details-${event.seq}`}>
          <Table.Td />
          <Table.Td colSpan={5}>
            <Stack gap="sm">
              <Group gap="xl" wrap="wrap">
                <Text size="sm">
                  <Text span fw={700} size="sm">
                    {t('audit.details.action')}
                  </Text>{' '}
                  <Code>{event.action}</Code>
                </Text>
                <Text size="sm">
                  <Text span fw={700} size="sm">
                    {t('audit.details.entity')}
                  </Text>{' '}
                  {entityTypeLabel(event.entityType, t)} <Code>{event.entityId}</Code>
                </Text>
                <Text size="sm">
                  <Text span fw={700} size="sm">
                    {t('audit.details.utc')}
                  </Text>{' '}
                  {formatUtc(event.atUtc)}
                </Text>
              </Group>
              <SimpleGrid cols={{ base: 1, md: 2 }} spacing="md">
                <Values label={t('audit.details.before')} value={event.before} />
                <Values label={t('audit.details.after')} value={event.after} />
              </SimpleGrid>
              <Text size="sm" style={{ overflowWrap: 'anywhere' }}>
                <Text span fw={700} size="sm">
                  {t('audit.details.hash')}
                </Text>{' '}
                <Text span ff="monospace" size="sm">
                  {event.hash}
                </Text>
              </Text>
            </Stack>
          </Table.Td>
        </Table.Tr>
      )}
    </Fragment>
  );
}
