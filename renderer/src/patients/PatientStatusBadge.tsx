import { Badge } from '@mantine/core';
import { IconArrowsShuffle, IconUserMinus, IconUserPlus } from '@tabler/icons-react';
import { useTranslation } from 'react-i18next';
import type { Patient } from './types';

const LOOK = {
  registered: { color: 'gray', variant: 'outline', icon: IconUserPlus },
  randomized: { color: 'indigo', variant: 'light', icon: IconArrowsShuffle },
  withdrawn: { color: 'red', variant: 'light', icon: IconUserMinus },
} as const;

/** A patient's status in words with an icon (never colour alone). */
export function PatientStatusBadge({ status, size = 'lg', testId }: { status: Patient['status']; size?: 'md' | 'lg' | 'xl'; testId?: string }) {
  const { t } = useTranslation();
  const { color, variant, icon: Icon } = LOOK[status];
  return (
    <Badge size={size} color={color} variant={variant} leftSection={<Icon size="1em" aria-hidden />} data-testid={testId} data-status={status}>
      {t(`patients.status.${status}`)}
    </Badge>
  );
}
