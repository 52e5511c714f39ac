import { describe, expect, it } from 'vitest';
import { InactivityTracker } from '../../../renderer/src/session/inactivity';

function tracker(limitMs = 60_000) {
  let now = 1_000_000;
  const calls = { heartbeats: 0, idle: 0 };
  const t = new InactivityTracker({
    limitMs,
    heartbeatEveryMs: 30_000,
    now: () => now,
    onHeartbeat: () => calls.heartbeats++,
    onIdle: () => calls.idle++,
  });
  return { t, calls, advance: (ms: number) => (now += ms) };
}

describe('the renderer inactivity lock', () => {
  it('locks once when the idle time reaches the limit', () => {
    const { t, calls, advance } = tracker();
    advance(59_999);
    t.check();
    expect(calls.idle).toBe(0);
    advance(1);
    t.check();
    t.check();
    expect(calls.idle).toBe(1);
  });

  it('activity restarts the idle time', () => {
    const { t, calls, advance } = tracker();
    advance(50_000);
    t.activity();
    advance(50_000);
    t.check();
    expect(calls.idle).toBe(0);
    advance(10_000);
    t.check();
    expect(calls.idle).toBe(1);
  });

  it('tells the host at most every 30 s while the user is active', () => {
    const { t, calls, advance } = tracker();
    for (let i = 0; i < 60; i++) {
      advance(1_000);
      t.activity();
    }
    // 60 s of constant activity: heartbeats at 30 s and 60 s only.
    expect(calls.heartbeats).toBe(2);
  });

  it('ignores activity after it locked', () => {
    const { t, calls, advance } = tracker();
    advance(60_000);
    t.check();
    advance(40_000);
    t.activity();
    expect(calls.heartbeats).toBe(0);
  });
});
