import { useTranslation } from 'react-i18next';
import { PasswordField } from './PasswordField';

/**
 * A new password and its confirmation (first start, changing one's password): the password rule is said under the
 * first field; errors come already in the user's language. Not for signatures (their fields keep their own input).
 */
export function NewPasswordFields({
  password,
  confirmation,
  passwordError,
  confirmationError,
  onPassword,
  onConfirmation,
  testIds,
}: {
  password: string;
  confirmation: string;
  passwordError: string | undefined;
  confirmationError: string | undefined;
  onPassword: (value: string) => void;
  onConfirmation: (value: string) => void;
  testIds: { password: string; confirmation: string };
}) {
  const { t } = useTranslation();
  return (
    <>
      <PasswordField
        label={t('password.new')}
        description={t('password.rule')}
        value={password}
        onChange={(e) => onPassword(e.currentTarget.value)}
        error={passwordError}
        autoComplete="new-password"
        data-testid={testIds.password}
      />
      <PasswordField
        label={t('password.confirm')}
        value={confirmation}
        onChange={(e) => onConfirmation(e.currentTarget.value)}
        error={confirmationError}
        autoComplete="new-password"
        data-testid={testIds.confirmation}
      />
    </>
  );
}
