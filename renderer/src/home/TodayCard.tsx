import { Anchor, Badge, Card, Group, Stack, Text, ThemeIcon, Title } from '@mantine/core';
import {
  IconAlertTriangle,
  IconArrowBackUp,
  IconCalendarDue,
  IconCalendarExclamation,
  IconCircleCheck,
  IconHourglassLow,
  IconListCheck,
  IconPackageImport,
  IconPackages,
  IconShieldCheck,
  IconSnowflake,
} from '@tabler/icons-react';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { ChannelOutput } from '../../../shared/contract';
import type { TodayItemKind } from '../../../shared/contract/today';
import { formatDate } from '../common/dates';
import { useRecordsChanged } from '../common/useRecordsChanged';
import { WORKFLOWS, canOpen, type WorkflowId } from '../layout/workflows';
import { ROLE_IS_BLINDED, ROLE_PERMISSIONS, type Role } from '../../../shared/roles';
import { BlindingBadge } from '../common/BlindingBadge';
import { useActiveSession } from '../session/SessionContext';
import { useSwitchStudy } from '../session/useSwitchStudy';
import { client } from '../transport/client';

type TodayView = ChannelOutput<'today.view'>;
type Item = TodayView['studies'][number]['items'][number];

/** The screens an item may link to (each with its link text, today.open.*). */
type TodayRoute = Extract<WorkflowId, 'dispense' | 'patients' | 'receive' | 'storage' | 'kits' | 'reports' | 'returns' | 'reconciliation'>;

/** The screen that resolves each item, in order of preference: the first one the user may open. */
const RESOLVED_ON: Readonly<Record<TodayItemKind, readonly TodayRoute[]>> = {
  visits_in_window: ['dispense', 'patients'],
  visits_overdue: ['dispense', 'patients'],
  shipments_to_receive: ['receive'],
  kits_quarantined: ['receive', 'storage', 'kits'],
  kits_reaching_use_before: ['reports', 'kits'],
  kits_reaching_margin: ['reports', 'kits'],
  returns_to_record: ['returns'],
  returns_to_verify: ['returns'],
  reconciliation_sign_off: ['reconciliation'],
  stock_totals: ['reports'],
  stock_arms_short: ['reports'],
};

const ICON: Readonly<Record<TodayItemKind, typeof IconPackages>> = {
  visits_in_window: IconCalendarDue,
  visits_overdue: IconCalendarExclamation,
  shipments_to_receive: IconPackageImport,
  kits_quarantined: IconSnowflake,
  kits_reaching_use_before: IconHourglassLow,
  kits_reaching_margin: IconHourglassLow,
  returns_to_record: IconArrowBackUp,
  returns_to_verify: IconShieldCheck,
  reconciliation_sign_off: IconListCheck,
  stock_totals: IconPackages,
  stock_arms_short: IconPackages,
};

/** Whether the item asks for something today (a count above zero, stock short, a sign-off waiting). */
function waiting(item: Item): boolean {
  switch (item.kind) {
    case 'reconciliation_sign_off':
      return true;
    case 'stock_totals':
      return false;
    default:
      return item.count > 0;
  }
}

/**
 * The Today home (issue 14, item 3): what waits for the user in each study, one line per item with the screen that
 * resolves it. Lines come in the server's fixed order (the day's work), so nothing on the page is ordered by the data.
 * A line with nothing waiting stays, calm and ticked: the user sees it was checked. No arm is ever named here; the
 * unblinded stock line says how many arms run short, and the arms are on Reports, on demand.
 */
export function TodayCard({ onOpen }: { onOpen: (route: string) => void }) {
  const { t, i18n } = useTranslation();
  const session = useActiveSession();
  const switchStudy = useSwitchStudy();
  const [view, setView] = useState<TodayView | null>(null);
  const [asking, setAsking] = useState(0);
  // Asked again when records change here or at another workstation; the card stays as it is meanwhile.
  useRecordsChanged(['kits', 'patients', 'shipments', 'returns', 'reconciliation', 'study'], () => setAsking((n) => n + 1));

  useEffect(() => {
    let cancelled = false;
    client.today.view({}).then(
      (v) => !cancelled && setView(v),
      // The home page is no place for an error: the workflows below stay reachable.
      () => !cancelled && setView(null),
    );
    return () => {
      cancelled = true;
    };
  }, [asking]);

  // Each study's links are those the user's role in that study may open.
  const routeOf = (kind: TodayItemKind, role: Role): TodayRoute | undefined =>
    RESOLVED_ON[kind].find((id) => {
      const workflow = WORKFLOWS.find((w) => w.id === id);
      return workflow !== undefined && workflow.built && canOpen(workflow, ROLE_PERMISSIONS[role]);
    });

  // A line of another study opens its screen in that study: the session switches to it first.
  const openIn = (code: string) => async (route: string) => {
    if (code !== session.study?.code) {
      try {
        await switchStudy(code);
      } catch {
        setAsking((n) => n + 1); // no longer delegated there: the card is read again without that study
        return;
      }
    }
    onOpen(route);
  };

  if (!view) return null;
  if (view.studies.length === 0 && session.studies.length > 0) {
    return (
      <Card withBorder radius="lg" padding="lg" data-testid="today-all-archived">
        <Text>{t('today.allArchived')}</Text>
      </Card>
    );
  }
  return (
    <Stack gap="lg" data-testid="today" data-today={view.today}>
      {view.studies.map((study) => {
        const items = study.items;
        const open = items.filter(waiting).length;
        return (
          <Card key={study.code} withBorder radius="lg" padding="lg" data-testid="today-study" data-study={study.code}>
            <Stack gap="md">
              <Group justify="space-between" wrap="nowrap" align="flex-start">
                <Stack gap={2}>
                  <Title order={2} fz="h3">
                    {t('today.title')}
                  </Title>
                  <Text c="dimmed" size="sm">
                    {t('today.studyLine', { code: study.code, title: study.title })}
                  </Text>
                  {/* With several studies, the role may differ from one to the next: each card says the user's own. */}
                  {view.studies.length > 1 && (
                    <Group gap="xs" data-testid="today-study-role" data-role={study.role}>
                      <Text size="sm">{t(`roles.${study.role}`)}</Text>
                      <BlindingBadge blinded={ROLE_IS_BLINDED[study.role]} size="sm" testId="today-study-blinding" />
                    </Group>
                  )}
                </Stack>
                {items.length > 0 && (
                  <Badge size="lg" variant={open > 0 ? 'filled' : 'light'} color={open > 0 ? 'orange.9' : 'teal.9'} data-testid="today-waiting" data-count={open} style={{ flexShrink: 0 }}>
                    {open > 0 ? t('today.waiting', { count: open }) : t('today.allClear')}
                  </Badge>
                )}
              </Group>
              {study.closedAt ? (
                <Text data-testid="today-closed">{t('today.closed', { date: formatDate(study.closedAt.slice(0, 10), i18n.language) })}</Text>
              ) : items.length === 0 ? (
                <Text data-testid="today-nothing">{t('today.nothingForRole')}</Text>
              ) : (
                <Stack gap="xs" component="ul" m={0} p={0} style={{ listStyle: 'none' }}>
                  {items.map((item) => (
                    <TodayLine key={item.kind} item={item} route={routeOf(item.kind, study.role)} onOpen={(route) => void openIn(study.code)(route)} />
                  ))}
                </Stack>
              )}
            </Stack>
          </Card>
        );
      })}
    </Stack>
  );
}

function TodayLine({ item, route, onOpen }: { item: Item; route: TodayRoute | undefined; onOpen: (route: string) => void }) {
  const { t, i18n } = useTranslation();
  const pending = waiting(item);
  const short = item.kind === 'stock_arms_short' && item.count > 0;
  const Icon = short ? IconAlertTriangle : pending ? ICON[item.kind] : IconCircleCheck;
  // The stock line keeps the test ids of the home's former stock card (stock forecast journeys rely on them).
  const stock = item.kind === 'stock_totals' || item.kind === 'stock_arms_short';
  const text = (() => {
    switch (item.kind) {
      case 'kits_reaching_use_before':
      case 'kits_reaching_margin':
        return t(`today.items.${item.kind}`, { count: item.count, date: formatDate(item.until, i18n.language) });
      case 'reconciliation_sign_off':
        return item.signedBefore ? t('today.items.reconciliation_changed', { count: item.changedKits }) : t('today.items.reconciliation_never');
      case 'stock_totals':
        return t('today.items.stock_totals', { onHand: item.onHand, needed: item.needed });
      case 'stock_arms_short':
        return item.count > 0 ? t('today.items.stock_arms_short', { count: item.count }) : t('today.items.stock_covered');
      default:
        return t(`today.items.${item.kind}`, { count: item.count });
    }
  })();
  return (
    <Group
      component="li"
      gap="sm"
      wrap="nowrap"
      justify="space-between"
      className="veil-today-line"
      data-testid={stock ? 'home-stock' : `today-item-${item.kind}`}
      data-kind={item.kind}
      data-waiting={pending}
      data-count={'count' in item ? item.count : undefined}
      {...(stock ? { 'data-short': short } : {})}
    >
      <Group gap="sm" wrap="nowrap">
        <ThemeIcon variant="light" size="lg" radius="xl" color={short ? 'red' : pending ? 'orange' : 'teal'} aria-hidden>
          <Icon size="65%" />
        </ThemeIcon>
        <Text
          fw={pending || short ? 700 : 400}
          c={short ? 'red.8' : pending ? undefined : 'dimmed'}
          data-testid={item.kind === 'stock_totals' ? 'home-stock-totals' : item.kind === 'stock_arms_short' ? (short ? 'home-stock-short' : 'home-stock-covered') : undefined}
        >
          {text}
        </Text>
      </Group>
      {route && (
        <Anchor component="button" type="button" onClick={() => onOpen(route)} data-testid={stock ? 'home-stock-open' : `today-open-${item.kind}`} data-route={route} ta="right" style={{ whiteSpace: 'nowrap' }}>
          {t(`today.open.${route}`)}
        </Anchor>
      )}
    </Group>
  );
}
