import { Badge } from '@mantine/core';
import { IconAlertTriangle, IconCircleCheck, IconCircleDashed, IconCircleHalf2, IconQuestionMark } from '@tabler/icons-react';
import { useTranslation } from 'react-i18next';
import type { ReturnCondition } from './types';

export const CONDITION_LOOK = {
  used: { color: 'teal', icon: IconCircleCheck },
  partly_used: { color: 'violet', icon: IconCircleHalf2 },
  unused: { color: 'orange', icon: IconCircleDashed },
  damaged: { color: 'pink', icon: IconAlertTriangle },
  missing: { color: 'red', icon: IconQuestionMark },
} as const;

/** A return's condition: an icon and a word, never colour alone. */
export function ConditionBadge({ condition, testId }: { condition: ReturnCondition; testId?: string }) {
  const { t } = useTranslation();
  const { color, icon: Icon } = CONDITION_LOOK[condition];
  return (
    <Badge size="lg" variant="light" color={color} leftSection={<Icon size="1em" aria-hidden />} data-testid={testId} data-condition={condition}>
      {t(`returns.condition.${condition}`)}
    </Badge>
  );
}
