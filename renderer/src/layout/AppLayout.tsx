import { AppShell, Burger, Group, NavLink, ScrollArea, Stack, Text } from '@mantine/core';
import { useDisclosure, useHotkeys } from '@mantine/hooks';
import { IconHome } from '@tabler/icons-react';
import { Fragment, useEffect } from 'react';
import { useTranslation } from 'react-i18next';
import { BlindingBadge } from '../common/BlindingBadge';
import { refreshWedgeSettings } from '../common/scan/refreshWedgeSettings';
import { HomePage } from '../home/HomePage';
import { UnblindingNotices } from '../emergency/UnblindingNotices';
import { LanguageSwitch } from '../i18n/LanguageSwitch';
import { useActiveSession, useSession } from '../session/SessionContext';
import { useReloadSystemInfo, useSystemInfo } from '../system/SystemInfoContext';
import { StudySwitcher } from './StudySwitcher';
import { UserMenu } from './UserMenu';
import { VeilMark } from './VeilMark';
import { NotAllowed, WorkflowUnavailable } from './WorkflowUnavailable';
import { ClosedStudyBanner } from '../closeOut/ClosedStudyBanner';
import { WORKFLOWS, canOpen, isWorkflowId } from './workflows';
import { WORKFLOW_PAGES } from './pages';
import { useHashRoute } from './useHashRoute';

/** The logged-in window: header (study, blinding, language, user), navigation of the workflows, and the page. */
export function AppLayout() {
  const { t } = useTranslation();
  const session = useActiveSession();
  const { lockNow } = useSession();
  const info = useSystemInfo();
  const reloadInfo = useReloadSystemInfo();
  const [route, navigate] = useHashRoute();
  // The study identity (header, footer, printouts) is the session's study's: read again when the session's study is
  // another than the one the window read before login, or after a switch.
  const studyCode = session.study?.code;
  useEffect(() => {
    if (studyCode && info?.study && info.study.code !== studyCode) void reloadInfo();
  }, [studyCode, info?.study, reloadInfo]);
  const [navOpened, { toggle: toggleNav, close: closeNav }] = useDisclosure(false);
  useHotkeys([['mod+shift+L', () => void lockNow()]]);
  // The scanners' framing as the Devices screen set it: every scan of this session is judged with it.
  useEffect(() => {
    void refreshWedgeSettings();
  }, []);

  const visible = WORKFLOWS.filter((w) => canOpen(w, session.permissions));
  const workflow = isWorkflowId(route) ? WORKFLOWS.find((w) => w.id === route) : undefined;

  let page: React.ReactNode;
  if (!workflow) page = <HomePage onOpen={navigate} />;
  else if (!canOpen(workflow, session.permissions)) page = <NotAllowed />;
  else page = WORKFLOW_PAGES[workflow.id]?.() ?? <WorkflowUnavailable workflow={workflow} />;

  const go = (next: string) => {
    navigate(next);
    closeNav();
  };

  return (
    <AppShell header={{ height: 72 }} navbar={{ width: 290, breakpoint: 'md', collapsed: { mobile: !navOpened } }} padding="xl">
      <AppShell.Header>
        <Group h="100%" px="md" justify="space-between" wrap="nowrap">
          <Group gap="md" wrap="nowrap">
            <Burger opened={navOpened} onClick={toggleNav} hiddenFrom="md" size="sm" aria-label={t('nav.toggle')} />
            <VeilMark size="md" />
            <StudySwitcher onSwitched={() => go('')} />
          </Group>
          <Group gap="md" wrap="nowrap">
            <BlindingBadge blinded={session.user.blinded} testId="header-blinding-badge" />
            <LanguageSwitch size="xs" />
            <UserMenu />
          </Group>
        </Group>
      </AppShell.Header>
      <AppShell.Navbar p="sm" data-testid="navigation">
        <AppShell.Section grow component={ScrollArea}>
          <Stack gap={2}>
            <NavLink
              href="#/"
              label={t('nav.home')}
              leftSection={<IconHome size="1.3em" aria-hidden />}
              active={!workflow}
              onClick={(e) => {
                e.preventDefault();
                go('');
              }}
              data-testid="nav-home"
            />
            {visible.map((w) => (
              <NavLink
                key={w.id}
                href={`#/${w.id}`}
                label={t(`workflows.${w.id}.title`)}
                leftSection={<w.icon size="1.3em" aria-hidden />}
                rightSection={
                  w.built ? undefined : (
                    <Text span size="sm" c="dimmed">
                      {t('nav.notYet')}
                    </Text>
                  )
                }
                active={workflow?.id === w.id}
                onClick={(e) => {
                  e.preventDefault();
                  go(w.id);
                }}
                data-testid={`nav-${w.id}`}
              />
            ))}
          </Stack>
        </AppShell.Section>
        <AppShell.Section>
          <Text size="sm" c="dimmed" px="sm" pt="sm" data-testid="version-line">
            {info ? t('system.versionLine', { version: info.version, mode: t(`system.mode.${info.mode}`) }) : ''}
          </Text>
        </AppShell.Section>
      </AppShell.Navbar>
      <AppShell.Main>
        <UnblindingNotices />
        {/* A page, and the closed-study banner above it, are built for one study: switching builds them anew, so
            nothing of the other study stays on screen and a closed study says so at once. */}
        <Fragment key={session.study?.code ?? ''}>
          <ClosedStudyBanner />
          {page}
        </Fragment>
      </AppShell.Main>
    </AppShell>
  );
}
