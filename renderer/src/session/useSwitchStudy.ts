import { useCallback } from 'react';
import { client } from '../transport/client';
import { useSession } from './SessionContext';

/**
 * Switches this window's session to another study and takes the answer as the session's state: the page is then
 * built anew in that study (AppLayout keys it by study), and AppLayout reads the study's identity again. Rejects
 * when the switch is refused (the delegation ended meanwhile).
 */
export function useSwitchStudy(): (code: string) => Promise<void> {
  const { apply } = useSession();
  return useCallback(async (code: string) => apply(await client.session.switchStudy({ code })), [apply]);
}
