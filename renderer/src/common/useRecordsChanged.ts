import { useEffect, useRef } from 'react';
import type { RecordTopic } from '../../../shared/contract/records';
import { client } from '../transport/client';

/**
 * Calls `reload` when the host says records of one of `topics` were committed, at this workstation or another one on
 * the same database ('records.changed', at most one notice per quarter second). Give it the loader of a LIST only:
 * never a form's or a scan's state, which the user may be in the middle of.
 *
 * The topics are read when the notice comes, and `reload` is always the latest one given, so a screen may pass a new
 * array or callback on every render without subscribing again.
 */
export function useRecordsChanged(topics: readonly RecordTopic[], reload: () => unknown): void {
  const latest = useRef({ topics, reload });
  latest.current = { topics, reload };
  useEffect(
    () =>
      client.on('records.changed', (payload) => {
        if (payload.topics.some((topic) => latest.current.topics.includes(topic))) void latest.current.reload();
      }),
    [],
  );
}
