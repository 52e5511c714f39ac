import { Alert, Button, Center, Loader, MantineProvider, Stack } from '@mantine/core';
import { IconAlertTriangle } from '@tabler/icons-react';
import { useMemo } from 'react';
import { useTranslation } from 'react-i18next';
import { translateServerMessage } from './i18n/serverMessages';
import { AppLayout } from './layout/AppLayout';
import { ChangePasswordScreen } from './session/ChangePasswordScreen';
import { FirstStartScreen } from './session/FirstStartScreen';
import { LockScreen } from './session/LockScreen';
import { LoginScreen } from './session/LoginScreen';
import { SessionProvider, useSession } from './session/SessionContext';
import { SystemInfoProvider } from './system/SystemInfoContext';
import { cssVariablesResolver, themeWithCloseLabel } from './theme';
import { connectionKind } from './transport/client';

/** What the window shows for the session it has: first start, login, lock, forced change of password, or the work. */
function Screens() {
  const { state } = useSession();
  switch (state.state) {
    case 'logged_out':
      return state.needsAdministrator ? <FirstStartScreen /> : <LoginScreen />;
    case 'locked':
      return <LockScreen key={state.user.id} state={state} />;
    case 'active':
      return state.user.mustChangePassword ? <ChangePasswordScreen key={state.user.id} state={state} /> : <AppLayout key={state.user.id} />;
  }
}

function Loading() {
  return (
    <Center mih="100vh" data-testid="loading">
      <Loader size="xl" />
    </Center>
  );
}

function Unreachable({ message, onRetry }: { message: string; onRetry: () => void }) {
  const { t } = useTranslation();
  return (
    <Center mih="100vh" p="xl">
      <Stack maw={640}>
        <Alert color="red" variant="light" icon={<IconAlertTriangle aria-hidden />} title={t('unreachable.title')} data-testid="unreachable">
          {translateServerMessage(message, t)}
        </Alert>
        {connectionKind !== 'no-token' && (
          <Button onClick={onRetry} data-testid="unreachable-retry">
            {t('unreachable.retry')}
          </Button>
        )}
      </Stack>
    </Center>
  );
}

export function App() {
  const { t } = useTranslation();
  const close = t('common.close');
  const theme = useMemo(() => themeWithCloseLabel(close), [close]);
  return (
    <MantineProvider theme={theme} cssVariablesResolver={cssVariablesResolver} defaultColorScheme="light">
      <SystemInfoProvider>
        <SessionProvider renderLoading={() => <Loading />} renderUnreachable={(error, retry) => <Unreachable message={error.message} onRetry={retry} />}>
          <Screens />
        </SessionProvider>
      </SystemInfoProvider>
    </MantineProvider>
  );
}
