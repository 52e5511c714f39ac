import { Badge } from '@mantine/core';
import { IconAlertTriangle, IconCheck, IconClock, IconQuestionMark } from '@tabler/icons-react';
import { useTranslation } from 'react-i18next';
import type { ShipmentKit } from './types';

const LOOK = {
  expected: { color: 'gray', variant: 'outline', icon: IconClock },
  received: { color: 'teal', variant: 'light', icon: IconCheck },
  damaged: { color: 'orange', variant: 'light', icon: IconAlertTriangle },
  missing: { color: 'red', variant: 'light', icon: IconQuestionMark },
} as const;

/** A kit's receipt outcome: an icon and a word, never colour alone. */
export function KitOutcomeBadge({ outcome, testId }: { outcome: ShipmentKit['outcome']; testId?: string }) {
  const { t } = useTranslation();
  const { color, variant, icon: Icon } = LOOK[outcome];
  return (
    <Badge size="lg" color={color} variant={variant} leftSection={<Icon size="1em" aria-hidden />} data-testid={testId} data-outcome={outcome}>
      {t(`receive.outcome.${outcome}`)}
    </Badge>
  );
}
