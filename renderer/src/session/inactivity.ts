/**
 * The renderer's side of the inactivity lock. Activity (a key, a pointer, the wheel) restarts the idle time and, at
 * most every `heartbeatEveryMs`, tells the host (session.heartbeat) so its own timer agrees; once the idle time reaches
 * the limit, `onIdle` runs once (the window locks). Time is injected so tests drive it.
 */
export interface InactivityOptions {
  limitMs: number;
  heartbeatEveryMs: number;
  now: () => number;
  onHeartbeat: () => void;
  onIdle: () => void;
}

export const HEARTBEAT_EVERY_MS = 30_000;
export const ACTIVITY_EVENTS = ['keydown', 'pointerdown', 'wheel'] as const;

export class InactivityTracker {
  private lastActivity: number;
  private lastHeartbeat: number;
  private idleFired = false;

  constructor(private readonly options: InactivityOptions) {
    // The login or unlock that started the session counts as activity on both sides.
    this.lastActivity = options.now();
    this.lastHeartbeat = this.lastActivity;
  }

  activity(): void {
    if (this.idleFired) return;
    const now = this.options.now();
    this.lastActivity = now;
    if (now - this.lastHeartbeat >= this.options.heartbeatEveryMs) {
      this.lastHeartbeat = now;
      this.options.onHeartbeat();
    }
  }

  /** Called by a timer (every second) and when the window becomes visible again. */
  check(): void {
    if (this.idleFired) return;
    if (this.options.now() - this.lastActivity >= this.options.limitMs) {
      this.idleFired = true;
      this.options.onIdle();
    }
  }

  idleMs(): number {
    return this.options.now() - this.lastActivity;
  }
}
