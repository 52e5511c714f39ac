import { createContext, useCallback, useContext, useEffect, useState, type ReactNode } from 'react';
import type { z } from 'zod';
import type { SystemInfo as SystemInfoSchema } from '../../../shared/contract/system';
import { client } from '../transport/client';

export type SystemInfo = z.output<typeof SystemInfoSchema>;

const SystemInfoContext = createContext<SystemInfo | null>(null);
const ReloadContext = createContext<() => Promise<void>>(async () => undefined);

/** Version, mode, study and site identity (system.info, public): read when the window opens, again on request. */
export function SystemInfoProvider({ children }: { children: ReactNode }) {
  const [info, setInfo] = useState<SystemInfo | null>(null);
  useEffect(() => {
    let cancelled = false;
    let retry: ReturnType<typeof setTimeout> | undefined;
    const load = (delayMs: number) => {
      client.system.info({}).then(
        (value) => {
          if (!cancelled) setInfo(value);
        },
        () => {
          // Shown without study identity meanwhile; try again a little later.
          if (!cancelled) retry = setTimeout(() => load(Math.min(delayMs * 2, 30_000)), delayMs);
        },
      );
    };
    load(2000);
    return () => {
      cancelled = true;
      clearTimeout(retry);
    };
  }, []);
  const reload = useCallback(async () => {
    try {
      setInfo(await client.system.info({}));
    } catch {
      // The identity shown stays as it was; the next reload tries again.
    }
  }, []);
  return (
    <ReloadContext.Provider value={reload}>
      <SystemInfoContext.Provider value={info}>{children}</SystemInfoContext.Provider>
    </ReloadContext.Provider>
  );
}

export function useSystemInfo(): SystemInfo | null {
  return useContext(SystemInfoContext);
}

/** Reads system.info again (after the site's name changed). */
export function useReloadSystemInfo(): () => Promise<void> {
  return useContext(ReloadContext);
}
