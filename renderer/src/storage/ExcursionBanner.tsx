import { Alert, Anchor, Text } from '@mantine/core';
import { IconTemperature } from '@tabler/icons-react';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useRecordsChanged } from '../common/useRecordsChanged';
import { useActiveSession } from '../session/SessionContext';
import { client } from '../transport/client';

/**
 * The home page's excursion banner (issue 15, item 5): while an excursion case is open (kits in quarantine waiting for
 * the sponsor's disposition), whoever reads the storage screen is told how many cases and kits, with a link to them.
 * Counts of kits by case only, the same for every reader: nothing per arm.
 */
export function ExcursionBanner({ onOpen }: { onOpen: (route: string) => void }) {
  const { t } = useTranslation();
  const { permissions } = useActiveSession();
  const canRead = permissions.includes('storage.read');
  const [open, setOpen] = useState<{ cases: number; kits: number } | null>(null);
  // Asked again when storage records change, here or at another workstation.
  const [asking, setAsking] = useState(0);
  useRecordsChanged(['storage'], () => setAsking((n) => n + 1));

  useEffect(() => {
    if (!canRead) return;
    let cancelled = false;
    client.coldChain.excursions({}).then(
      (cases) => {
        const pending = cases.filter((c) => c.open);
        if (!cancelled) setOpen({ cases: pending.length, kits: pending.reduce((n, c) => n + c.pendingAssessment, 0) });
      },
      () => undefined,
    );
    return () => {
      cancelled = true;
    };
  }, [canRead, asking]);

  if (!open || open.cases === 0) return null;
  return (
    <Alert color="orange" variant="light" icon={<IconTemperature aria-hidden />} title={t('storage.banner.title', { count: open.cases })} data-testid="home-excursion-banner" data-cases={open.cases}>
      <Text>{t('storage.banner.body', { count: open.kits })}</Text>
      <Anchor component="button" onClick={() => onOpen('storage')} data-testid="home-excursion-open">
        {t('storage.banner.open')}
      </Anchor>
    </Alert>
  );
}
