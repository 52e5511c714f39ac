import { createContext, useContext, useEffect, useState, type ReactNode } from 'react';
import type { z } from 'zod';
import type { SystemInfo as SystemInfoSchema } from '../../../shared/contract/system';
import { client } from '../transport/client';

export type SystemInfo = z.output<typeof SystemInfoSchema>;

const SystemInfoContext = createContext<SystemInfo | null>(null);

/** Version, mode and study identity (system.info, public): read once when the window opens. */
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
  return <SystemInfoContext.Provider value={info}>{children}</SystemInfoContext.Provider>;
}

export function useSystemInfo(): SystemInfo | null {
  return useContext(SystemInfoContext);
}
