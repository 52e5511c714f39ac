import { Anchor, Card, Group, Stack, Text, ThemeIcon } from '@mantine/core';
import { IconAlertTriangle, IconPackages } from '@tabler/icons-react';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { ChannelOutput } from '../../../shared/contract';
import { useRecordsChanged } from '../common/useRecordsChanged';
import { useActiveSession } from '../session/SessionContext';
import { client } from '../transport/client';

type Blinded = ChannelOutput<'stock.forecast'>;
type Unblinded = ChannelOutput<'stock.forecastUnblinded'>;

/**
 * The Today home's stock item (issues 14 and 16): for the unblinded, the arms whose stock will not cover the visits of
 * the next 4 weeks, linking to the forecast and the resupply request; for blinded readers of the inventory, the totals
 * only (kits available, kits needed), never a shortfall. Nothing when the user may read neither, or the answer fails
 * (the allocation key not set up yet): the home page is no place for an error.
 */
export function StockAlertCard({ onOpen }: { onOpen: (route: string) => void }) {
  const { t } = useTranslation();
  const { permissions } = useActiveSession();
  const unblinded = permissions.includes('reports.unblinded');
  const blinded = !unblinded && permissions.includes('inventory.read');
  const [answer, setAnswer] = useState<{ unblinded: Unblinded } | { blinded: Blinded } | null>(null);
  // Asked again when kits or patients change, here or at another workstation (the card stays as it is meanwhile).
  const [asking, setAsking] = useState(0);
  useRecordsChanged(['kits', 'patients'], () => setAsking((n) => n + 1));

  useEffect(() => {
    if (!unblinded && !blinded) return;
    let cancelled = false;
    const asked = unblinded ? client.stock.forecastUnblinded({ weeks: 4 }).then((u) => ({ unblinded: u })) : client.stock.forecast({ weeks: 4 }).then((b) => ({ blinded: b }));
    asked.then(
      (a) => !cancelled && setAnswer(a),
      () => !cancelled && setAnswer(null),
    );
    return () => {
      cancelled = true;
    };
  }, [unblinded, blinded, asking]);

  if (!answer) return null;
  const short = 'unblinded' in answer ? answer.unblinded.arms.filter((a) => a.shortfall > 0) : [];
  return (
    <Card withBorder radius="lg" padding="lg" data-testid="home-stock" data-short={short.length > 0}>
      <Stack gap="sm">
        <Group gap="xs">
          <ThemeIcon variant="light" size="lg" color={short.length > 0 ? 'red' : undefined} aria-hidden>
            {short.length > 0 ? <IconAlertTriangle size="70%" /> : <IconPackages size="70%" />}
          </ThemeIcon>
          <Text size="sm" c="dimmed" tt="uppercase" fw={600}>
            {t('stock.homeTitle')}
          </Text>
        </Group>
        {'blinded' in answer ? (
          <Text data-testid="home-stock-totals">{t('stock.homeTotals', { onHand: answer.blinded.onHand, needed: answer.blinded.needed })}</Text>
        ) : short.length > 0 ? (
          <>
            <Text fw={700} c="red.8">
              {t('stock.homeShort', { count: short.length })}
            </Text>
            {/* No arm named on the home page, which anyone passing the pharmacist's screen can read: the arms are on Reports, on demand. */}
          </>
        ) : (
          <Text data-testid="home-stock-covered">{t('stock.homeCovered')}</Text>
        )}
        <Anchor component="button" type="button" onClick={() => onOpen('reports')} data-testid="home-stock-open" ta="left">
          {t('stock.homeOpen')}
        </Anchor>
      </Stack>
    </Card>
  );
}
