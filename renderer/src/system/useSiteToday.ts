import { useEffect, useState } from 'react';
import { client } from '../transport/client';

/**
 * The site's date today (system.info's `siteToday`), read afresh each time `active` turns true: a form that offers
 * "today" as its default or latest day takes it from the core, which dates the site's days, not from the reader's
 * clock. In browser mode the reader may sit in another time zone than the workstation, and near midnight the two
 * calendars disagree; the form would then offer a day the core refuses. Null until the answer comes (or if it fails:
 * the core still checks the day on the command).
 */
export function useSiteToday(active = true): string | null {
  const [today, setToday] = useState<string | null>(null);
  useEffect(() => {
    if (!active) return;
    let cancelled = false;
    client.system.info({}).then(
      (info) => {
        if (!cancelled) setToday(info.siteToday);
      },
      () => undefined,
    );
    return () => {
      cancelled = true;
    };
  }, [active]);
  return today;
}
