import { useCallback, useEffect, useState } from 'react';
import type { ChannelOutput } from '../../../shared/contract';
import { useRecordsChanged } from '../common/useRecordsChanged';
import { client } from '../transport/client';

export type StudyClosure = ChannelOutput<'study.closure'>;

/**
 * The study's closure as the server has it, read again when the study's records change here or at another
 * workstation (a closure or a reopening raises the 'study' topic; returns and sign-offs change the readiness).
 */
export function useStudyClosure(): { closure: StudyClosure | null; reload: () => Promise<void>; set: (c: StudyClosure) => void } {
  const [closure, setClosure] = useState<StudyClosure | null>(null);
  const reload = useCallback(async () => {
    try {
      setClosure(await client.study.closure({}));
    } catch {
      // Not answered (a locked window, the server gone): the last answer stays.
    }
  }, []);
  useEffect(() => {
    void reload();
  }, [reload]);
  useRecordsChanged(['study', 'kits', 'reconciliation'], reload);
  return { closure, reload, set: setClosure };
}
