import { describe, expect, it } from 'vitest';
import { SessionTable } from '../../../main/core/auth/sessions';

const clock = { now: () => new Date('2026-03-02T09:00:00.000Z') };

/**
 * A session holds one allocation key per study it is unblinded in (migration 22): a call is given its current study's
 * key and never another's, and every key is zeroed when the session locks or ends.
 */
describe("a session's keys, one per study", () => {
  it("answers each study's own key, and none for a study whose key it does not hold", () => {
    const sessions = new SessionTable(clock);
    sessions.start('w', 7);
    const first = Buffer.alloc(32, 1);
    const second = Buffer.alloc(32, 2);
    sessions.holdKey('w', 1, first);
    sessions.holdKey('w', 2, second);
    expect(sessions.keyOf('w', 1)).toBe(first);
    expect(sessions.keyOf('w', 2)).toBe(second);
    expect(sessions.keyOf('w', 3)).toBeNull();
  });

  it('zeroes every study key at lock, and again holds none until opened', () => {
    const sessions = new SessionTable(clock);
    const wiped: Buffer[] = [];
    sessions.onKeyWiped((key) => wiped.push(key));
    sessions.start('w', 7);
    const first = Buffer.alloc(32, 1);
    const second = Buffer.alloc(32, 2);
    sessions.holdKey('w', 1, first);
    sessions.holdKey('w', 2, second);
    sessions.lock('w');
    expect(wiped).toEqual([first, second]);
    expect(first.equals(Buffer.alloc(32, 0)) && second.equals(Buffer.alloc(32, 0))).toBe(true);
    sessions.unlock('w');
    expect(sessions.keyOf('w', 1)).toBeNull();
    expect(sessions.keyOf('w', 2)).toBeNull();
  });

  it("replaces a study's key by zeroing the one it held, leaving the other study's", () => {
    const sessions = new SessionTable(clock);
    sessions.start('w', 7);
    const old = Buffer.alloc(32, 1);
    const other = Buffer.alloc(32, 2);
    sessions.holdKey('w', 1, old);
    sessions.holdKey('w', 2, other);
    sessions.holdKey('w', 1, Buffer.alloc(32, 3));
    expect(old.equals(Buffer.alloc(32, 0))).toBe(true);
    expect(sessions.keyOf('w', 2)).toBe(other);
    sessions.end('w');
    expect(other.equals(Buffer.alloc(32, 0))).toBe(true);
  });
});
