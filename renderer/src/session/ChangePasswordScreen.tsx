import { Button, Stack, Text } from '@mantine/core';
import { IconKey, IconLogout } from '@tabler/icons-react';
import { useTranslation } from 'react-i18next';
import type { SessionState } from '../../../shared/contract/session';
import { AuthFrame } from './AuthFrame';
import { ChangePasswordForm } from './ChangePasswordForm';
import { useSession } from './SessionContext';

/** After an administrator created the account or reset its password: nothing else until the user chooses a password. */
export function ChangePasswordScreen({ state }: { state: Extract<SessionState, { state: 'active' }> }) {
  const { t } = useTranslation();
  const { apply, logout } = useSession();
  return (
    <AuthFrame title={t('password.forcedTitle')} icon={<IconKey size="1.8em" aria-hidden />} testId="change-password-screen">
      <Stack gap={4}>
        <Text fz="lg" fw={700}>
          {t('password.forcedGreeting', { name: state.user.displayName })}
        </Text>
        <Text>{t('password.forcedExplanation')}</Text>
      </Stack>
      <ChangePasswordForm
        onChanged={apply}
        currentLabel={t('password.temporary')}
        secondary={
          <Button variant="subtle" leftSection={<IconLogout size="1.1em" aria-hidden />} onClick={() => void logout('logout')} data-testid="change-password-logout">
            {t('menu.logout')}
          </Button>
        }
      />
    </AuthFrame>
  );
}
