import { createContext, useCallback, useContext, useEffect, useMemo, useRef, useState, type ReactNode } from 'react';
import type { SessionState } from '../../../shared/contract/session';
import { VeilError } from '../../../shared/errors';
import { client, onCallRefused } from '../transport/client';
import { ACTIVITY_EVENTS, HEARTBEAT_EVERY_MS, InactivityTracker } from './inactivity';

/** Why the login screen shows: said once on it, then forgotten. */
export type SessionNotice = 'loggedOut' | 'endedElsewhere';

export interface SessionContextValue {
  state: SessionState;
  /** Takes the state a session call answered with (login, unlock, change password, ...). */
  apply(state: SessionState): void;
  refresh(): Promise<void>;
  lockNow(): Promise<void>;
  /** 'logout' says so on the login screen; 'switch' goes straight to it for the next person. */
  logout(kind: 'logout' | 'switch'): Promise<void>;
  notice: SessionNotice | null;
  clearNotice(): void;
}

const SessionContext = createContext<SessionContextValue | null>(null);

export function useSession(): SessionContextValue {
  const value = useContext(SessionContext);
  if (!value) throw new Error('useSession outside <SessionProvider>');
  return value;
}

/** The active session's user and permissions (only inside the logged-in layout). */
export function useActiveSession(): Extract<SessionState, { state: 'active' }> {
  const { state } = useSession();
  if (state.state !== 'active') throw new Error('useActiveSession without an active session');
  return state;
}

type Phase = { kind: 'loading' } | { kind: 'unreachable'; error: VeilError } | { kind: 'ready'; state: SessionState };

/**
 * This window's session: read from session.current at start, replaced by the answer of every session call and by the
 * host's `session.changed` event (locked by the host's timer, ended by an administrator), and re-read whenever a data
 * call is refused as unauthenticated. While active, it runs the inactivity lock.
 */
export function SessionProvider({ children, renderLoading, renderUnreachable }: {
  children: ReactNode;
  renderLoading: () => ReactNode;
  renderUnreachable: (error: VeilError, retry: () => void) => ReactNode;
}) {
  const [phase, setPhase] = useState<Phase>({ kind: 'loading' });
  const [notice, setNotice] = useState<SessionNotice | null>(null);
  const previous = useRef<SessionState | null>(null);

  const apply = useCallback((next: SessionState) => {
    const before = previous.current;
    // Logged out without asking (deactivated, password reset by an administrator): say so on the login screen.
    if (next.state === 'logged_out' && before && before.state !== 'logged_out') setNotice((n) => n ?? 'endedElsewhere');
    if (next.state !== 'logged_out') setNotice(null);
    // Nobody logged in: forget the page, so the next person starts at home rather than on the previous user's page.
    if (next.state === 'logged_out' && window.location.hash.startsWith('#/')) {
      window.history.replaceState(window.history.state, '', window.location.pathname + window.location.search);
      window.dispatchEvent(new HashChangeEvent('hashchange'));
    }
    previous.current = next;
    setPhase({ kind: 'ready', state: next });
  }, []);

  const refresh = useCallback(async () => {
    try {
      apply(await client.session.current({}));
    } catch (error) {
      if (previous.current === null) {
        setPhase({ kind: 'unreachable', error: error instanceof VeilError ? error : new VeilError('internal', String(error)) });
      }
    }
  }, [apply]);

  useEffect(() => {
    void refresh();
    const offEvent = client.on('session.changed', (state) => apply(state));
    const offRefused = onCallRefused(() => void refresh());
    const onVisible = () => {
      if (document.visibilityState === 'visible') void refresh();
    };
    document.addEventListener('visibilitychange', onVisible);
    return () => {
      offEvent();
      offRefused();
      document.removeEventListener('visibilitychange', onVisible);
    };
  }, [apply, refresh]);

  const lockNow = useCallback(async () => {
    try {
      apply(await client.session.lock({}));
    } catch {
      await refresh(); // already locked or ended by the host
    }
  }, [apply, refresh]);

  const logout = useCallback(
    async (kind: 'logout' | 'switch') => {
      try {
        const next = await client.session.logout({});
        previous.current = null; // asked for: not "ended elsewhere"
        setNotice(kind === 'logout' ? 'loggedOut' : null);
        apply(next);
      } catch {
        await refresh();
      }
    },
    [apply, refresh],
  );

  const state = phase.kind === 'ready' ? phase.state : null;
  const activeUserId = state?.state === 'active' ? state.user.id : null;
  const inactivityMinutes = state?.state === 'active' ? state.inactivityMinutes : null;

  // The inactivity lock: only while a session is active and unlocked.
  useEffect(() => {
    if (activeUserId === null || inactivityMinutes === null) return;
    const tracker = new InactivityTracker({
      limitMs: inactivityMinutes * 60_000,
      heartbeatEveryMs: HEARTBEAT_EVERY_MS,
      now: () => Date.now(),
      onHeartbeat: () => {
        client.session.heartbeat({}).catch(() => void refresh());
      },
      onIdle: () => void lockNow(),
    });
    const onActivity = () => tracker.activity();
    for (const name of ACTIVITY_EVENTS) window.addEventListener(name, onActivity, { capture: true, passive: true });
    const timer = window.setInterval(() => tracker.check(), 1000);
    const onVisible = () => tracker.check();
    document.addEventListener('visibilitychange', onVisible);
    return () => {
      for (const name of ACTIVITY_EVENTS) window.removeEventListener(name, onActivity, { capture: true });
      window.clearInterval(timer);
      document.removeEventListener('visibilitychange', onVisible);
    };
  }, [activeUserId, inactivityMinutes, lockNow, refresh]);

  const clearNotice = useCallback(() => setNotice(null), []);

  const value = useMemo<SessionContextValue | null>(
    () => (state ? { state, apply, refresh, lockNow, logout, notice, clearNotice } : null),
    [state, apply, refresh, lockNow, logout, notice, clearNotice],
  );

  if (phase.kind === 'loading') return <>{renderLoading()}</>;
  if (phase.kind === 'unreachable') return <>{renderUnreachable(phase.error, () => void refresh())}</>;
  return <SessionContext.Provider value={value}>{children}</SessionContext.Provider>;
}
