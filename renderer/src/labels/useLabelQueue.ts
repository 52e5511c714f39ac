import { useCallback, useEffect, useState } from 'react';
import { useVeilAction } from '../common/useVeilAction';
import { client } from '../transport/client';
import type { LabelKind, LabelPrintState, LabelQueueItem } from './labelTypes';

/**
 * The label queue (every label of every dispensed kit, with its prints), loaded once and reloaded on demand. With
 * `enabled: false` (a user who may not print labels) nothing is asked of the host and the queue stays empty.
 */
export function useLabelQueue({ enabled = true }: { enabled?: boolean } = {}) {
  const [items, setItems] = useState<LabelQueueItem[] | null>(null);
  const load = useVeilAction();
  const { run } = load;

  const reload = useCallback(async () => {
    if (!enabled) return;
    const result = await run(() => client.labels.queue({}));
    if (result.ok) setItems(result.value);
  }, [run, enabled]);

  useEffect(() => {
    void reload();
  }, [reload]);

  const stateOf = useCallback(
    (kitNumber: string, kind: LabelKind): LabelPrintState | null => {
      const item = items?.find((i) => i.kitNumber === kitNumber && i.kind === kind);
      return item ? { prints: item.prints, lastPrintedAt: item.lastPrintedAt } : null;
    },
    [items],
  );

  return { items, reload, stateOf, error: load.error, busy: load.busy };
}
