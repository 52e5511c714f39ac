import type { VeilError } from '../../../shared/errors';
import type { Clock } from '../clock';

/**
 * Who is logged in to which window. A window is an Electron BrowserWindow (its webContents id) or, in browser mode,
 * the launch token. Sessions live in memory only: a restart logs everyone out, which is what a shared pharmacy
 * workstation wants.
 */
export interface WindowSession {
  userId: number;
  state: 'active' | 'locked';
  since: Date;
  lastActivity: Date;
  lockedAt: Date | null;
  /** The study the session works in (issue 14, step 5): each call of the session runs in it (callStudy.ts); null before any study is loaded. */
  studyId: number | null;
  /** Whether the user has signed once in this session (21 CFR 11.200: the username is needed only the first time). */
  hasSigned: boolean;
  /**
   * The allocation data keys, by study id: each study has its own (migration 22), held only by the active session of
   * a user unblinded in that study (DESIGN.md section 3.3). Zeroed and dropped on lock, logout, inactivity and session
   * end; a blinded session never has one.
   */
  allocationKeys: Map<number, Buffer>;
}

export class SessionTable {
  private readonly sessions = new Map<string, WindowSession>();
  /** Why a window's session was ended by Veil rather than by its user (a delegation that ended): said at its next call. */
  private readonly endings = new Map<string, VeilError>();
  private readonly keyWipedListeners: Array<(key: Buffer) => void> = [];

  constructor(private readonly clock: Clock) {}

  /** Called with a session's key just before it is zeroed: whatever was opened with it must go with it. */
  onKeyWiped(listener: (key: Buffer) => void): void {
    this.keyWipedListeners.push(listener);
  }

  get(windowId: string): WindowSession | undefined {
    return this.sessions.get(windowId);
  }

  /** A new login in this window: whatever session it had ends first, its key zeroed as at logout. */
  start(windowId: string, userId: number, studyId: number | null = null): WindowSession {
    this.end(windowId);
    this.endings.delete(windowId);
    const now = this.clock.now();
    const session: WindowSession = { userId, studyId, state: 'active', since: now, lastActivity: now, lockedAt: null, hasSigned: false, allocationKeys: new Map() };
    this.sessions.set(windowId, session);
    return session;
  }

  /** Ends the window's session, its key zeroed; `because` is what the window's next call is told (once). */
  end(windowId: string, because?: VeilError): void {
    const session = this.sessions.get(windowId);
    if (session) this.wipeKeys(session);
    this.sessions.delete(windowId);
    if (session && because) this.endings.set(windowId, because);
  }

  /** The session works in another study from its next call. */
  switchStudy(windowId: string, studyId: number): void {
    const session = this.sessions.get(windowId);
    if (session) session.studyId = studyId;
  }

  /** Why Veil ended the window's session, once; undefined when it did not (or it has been said). */
  takeEnding(windowId: string): VeilError | undefined {
    const because = this.endings.get(windowId);
    this.endings.delete(windowId);
    return because;
  }

  /** The session now holds the study's key (one it held for that study before is wiped first). */
  holdKey(windowId: string, studyId: number, key: Buffer): void {
    const session = this.sessions.get(windowId);
    if (!session || session.state !== 'active') {
      key.fill(0);
      return;
    }
    this.wipeKey(session, studyId);
    session.allocationKeys.set(studyId, key);
  }

  /** The study's key in this window's active session; never another study's. */
  keyOf(windowId: string, studyId: number): Buffer | null {
    const session = this.sessions.get(windowId);
    return (session && session.state === 'active' && session.allocationKeys.get(studyId)) || null;
  }

  lock(windowId: string): WindowSession | undefined {
    const session = this.sessions.get(windowId);
    if (session && session.state === 'active') {
      session.state = 'locked';
      session.lockedAt = this.clock.now();
      this.wipeKeys(session);
    }
    return session;
  }

  unlock(windowId: string): void {
    const session = this.sessions.get(windowId);
    if (session) {
      session.state = 'active';
      session.lockedAt = null;
      session.lastActivity = this.clock.now();
    }
  }

  touch(windowId: string): void {
    const session = this.sessions.get(windowId);
    if (session && session.state === 'active') session.lastActivity = this.clock.now();
  }

  /** Active sessions idle for longer than the limit; the caller locks them. */
  idleWindows(limitMinutes: number): string[] {
    const cutoff = this.clock.now().getTime() - limitMinutes * 60_000;
    return [...this.sessions.entries()]
      .filter(([, s]) => s.state === 'active' && s.lastActivity.getTime() <= cutoff)
      .map(([windowId]) => windowId);
  }

  windowsOf(userId: number): string[] {
    return [...this.sessions.entries()].filter(([, s]) => s.userId === userId).map(([windowId]) => windowId);
  }

  /** Overwrites a study's key bytes before dropping the reference, so the key does not linger in memory until GC. */
  private wipeKey(session: WindowSession, studyId: number): void {
    const key = session.allocationKeys.get(studyId);
    if (!key) return;
    for (const listener of this.keyWipedListeners) listener(key);
    key.fill(0);
    session.allocationKeys.delete(studyId);
  }

  private wipeKeys(session: WindowSession): void {
    for (const studyId of [...session.allocationKeys.keys()]) this.wipeKey(session, studyId);
  }
}
