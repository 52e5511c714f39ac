import { Badge, Tooltip } from '@mantine/core';
import { IconLockOpen } from '@tabler/icons-react';
import { useTranslation } from 'react-i18next';

/**
 * "Unblinded (emergency)": the blind was broken for this patient by an emergency code-break (issue 11, item 9). Shown
 * wherever the patient is, to everyone; it says only that the blind was broken, never the treatment. Words and an
 * icon, never colour alone.
 */
export function EmergencyUnblindedBadge({ screeningNumber, size = 'lg' }: { screeningNumber: string; size?: 'sm' | 'md' | 'lg' | 'xl' }) {
  const { t } = useTranslation();
  return (
    <Tooltip label={t('emergencyFlag.hint')} multiline w={320} withArrow>
      <Badge size={size} color="red.9" variant="filled" leftSection={<IconLockOpen size="1em" aria-hidden />} data-testid={`emergency-flag-${screeningNumber}`}>
        {t('emergencyFlag.label')}
      </Badge>
    </Tooltip>
  );
}
