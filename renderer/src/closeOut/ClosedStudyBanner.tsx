import { Alert } from '@mantine/core';
import { IconLock } from '@tabler/icons-react';
import { useTranslation } from 'react-i18next';
import { formatDateTime } from '../common/format';
import { useStudyClosure } from './useStudyClosure';

/** On every screen while the study is closed (issue 14, item 1): read-only, since when and by whom. */
export function ClosedStudyBanner() {
  const { t, i18n } = useTranslation();
  const { closure } = useStudyClosure();
  if (!closure?.closed) return null;
  return (
    <Alert color="gray" variant="light" icon={<IconLock aria-hidden />} title={t('closeOut.bannerTitle', { study: closure.code })} mb="lg" data-testid="study-closed-banner">
      {t('closeOut.bannerText', { date: formatDateTime(closure.closed.closedAt, i18n.language), name: closure.closed.closedBy })}
    </Alert>
  );
}
