import { Badge } from '@mantine/core';
import { IconCalendarCheck, IconClockExclamation, IconClockPause } from '@tabler/icons-react';
import { useTranslation } from 'react-i18next';
import type { WindowPosition } from './types';

/** Where today falls in the visit window, in words with an icon: in the window, N days early, N days late. */
export function WindowBadge({ window, size = 'xl' }: { window: WindowPosition; size?: 'md' | 'lg' | 'xl' }) {
  const { t } = useTranslation();
  if (window.position === 'in_window') {
    return (
      <Badge size={size} color="teal" variant="light" leftSection={<IconCalendarCheck size="1em" aria-hidden />} data-testid="window-position" data-position="in_window">
        {t('dispense.window.inWindow')}
      </Badge>
    );
  }
  const early = window.position === 'early';
  return (
    <Badge
      size={size}
      color={early ? 'yellow.9' : 'orange.9'}
      variant="filled"
      leftSection={early ? <IconClockPause size="1em" aria-hidden /> : <IconClockExclamation size="1em" aria-hidden />}
      data-testid="window-position"
      data-position={window.position}
      data-days={window.days}
    >
      {early ? t('dispense.window.early', { count: window.days }) : t('dispense.window.late', { count: window.days })}
    </Badge>
  );
}
