import { describe, expect, it } from 'vitest';
import {
  DEFAULT_WEDGE_SETTINGS,
  WedgeTracker,
  averageIntervalMs,
  classifyKeystrokes,
  type KeyOutcome,
  type WedgeSettings,
} from '../../../renderer/src/common/scan/wedgeClassifier';
import { readWedgeSettings } from '../../../renderer/src/common/scan/wedgeSettings';

const defaults: WedgeSettings = { ...DEFAULT_WEDGE_SETTINGS, suffixes: ['Enter', 'Tab'] };

/** Keydown times: `count` keys `every` ms apart from `start`. */
const times = (count: number, every: number, start = 1000) => Array.from({ length: count }, (_, i) => start + i * every);

/** Feeds a code then a suffix to a tracker, `every` ms apart; answers every outcome. */
function feed(tracker: WedgeTracker, text: string, every: number, suffix: string | null = 'Enter', start = 1000) {
  const outcomes: KeyOutcome[] = [];
  let t = start;
  for (const key of text) {
    outcomes.push(tracker.key({ key, time: t }));
    t += every;
  }
  if (suffix) outcomes.push(tracker.key({ key: suffix, time: t }));
  return { outcomes, last: outcomes[outcomes.length - 1]!, end: t };
}

describe('the keyboard-wedge timing classifier', () => {
  it('averages the time between keys', () => {
    expect(averageIntervalMs([])).toBe(Infinity);
    expect(averageIntervalMs([5])).toBe(Infinity);
    expect(averageIntervalMs([0, 10, 30])).toBe(15);
  });

  it('takes 6+ characters at scanner speed ended by a suffix as a scan', () => {
    expect(classifyKeystrokes('100234', times(7, 8), defaults)).toEqual({ kind: 'scan', code: '100234' });
    expect(classifyKeystrokes('ABC-123456', times(11, 2), defaults)).toEqual({ kind: 'scan', code: 'ABC-123456' });
  });

  it('takes the same characters at human speed as typing', () => {
    expect(classifyKeystrokes('100234', times(7, 120), defaults)).toEqual({ kind: 'typing', why: 'too_slow' });
    // A fast typist, 60 ms a key, is still a person.
    expect(classifyKeystrokes('100234', times(7, 60), defaults)).toEqual({ kind: 'typing', why: 'too_slow' });
  });

  it('puts the limit at an average under 30 ms', () => {
    expect(classifyKeystrokes('100234', times(7, 29.9), defaults).kind).toBe('scan');
    expect(classifyKeystrokes('100234', times(7, 30), defaults).kind).toBe('typing');
    // One slow gap in an otherwise fast burst: the average decides.
    expect(classifyKeystrokes('100234', [0, 5, 10, 15, 20, 25, 190], defaults).kind).toBe('typing');
    expect(classifyKeystrokes('100234', [0, 5, 10, 15, 20, 25, 90], defaults).kind).toBe('scan');
  });

  it('refuses a fast burst shorter than the minimum length', () => {
    expect(classifyKeystrokes('12345', times(6, 5), defaults)).toEqual({ kind: 'typing', why: 'too_short' });
    expect(classifyKeystrokes('', [1000], defaults)).toEqual({ kind: 'typing', why: 'empty' });
    expect(classifyKeystrokes('1234', times(5, 5), { ...defaults, minLength: 4 }).kind).toBe('scan');
  });

  it('with a prefix configured, needs it and takes it off the code', () => {
    const withPrefix = { ...defaults, prefix: '§' };
    expect(classifyKeystrokes('§100234', times(8, 5), withPrefix)).toEqual({ kind: 'scan', code: '100234' });
    expect(classifyKeystrokes('100234', times(7, 5), withPrefix)).toEqual({ kind: 'typing', why: 'no_prefix' });
    // The prefix does not count towards the minimum length.
    expect(classifyKeystrokes('§12345', times(7, 5), withPrefix)).toEqual({ kind: 'typing', why: 'too_short' });
  });
});

describe('the keystroke tracker', () => {
  it('lets the first keys of a burst through, takes the burst over at the 4th and hands the code over at Enter', () => {
    const tracker = new WedgeTracker(() => defaults);
    const { outcomes, last } = feed(tracker, '100234', 5);
    expect(outcomes[0]).toMatchObject({ fresh: true, prevent: false });
    expect(outcomes[1]).toMatchObject({ fresh: false, prevent: false });
    expect(outcomes[2]!.prevent).toBe(false);
    expect(outcomes[3]).toMatchObject({ prevent: true, removeTyped: true });
    expect(outcomes[4]).toMatchObject({ prevent: true, removeTyped: false });
    expect(last).toMatchObject({ prevent: true, scan: '100234', giveBack: null });
    expect(tracker.pending).toBe(false);
  });

  it('accepts Tab as the suffix, and only the configured suffixes', () => {
    expect(feed(new WedgeTracker(() => defaults), '100234', 5, 'Tab').last.scan).toBe('100234');
    const enterOnly = { ...defaults, suffixes: ['Enter' as const] };
    const tracker = new WedgeTracker(() => enterOnly);
    const { last } = feed(tracker, '100234', 5, 'Tab');
    expect(last.scan).toBeNull();
    expect(last.giveBack).toBe('100234');
  });

  it('never touches human typing: nothing prevented, nothing removed, Enter goes through', () => {
    const tracker = new WedgeTracker(() => defaults);
    const { outcomes } = feed(tracker, '100234', 120);
    for (const o of outcomes) expect(o).toMatchObject({ prevent: false, removeTyped: false, giveBack: null, scan: null });
  });

  it('ignores Shift between the characters of a burst (scanners press it for capitals)', () => {
    const tracker = new WedgeTracker(() => defaults);
    let t = 0;
    const keys = ['Shift', 'K', 'Shift', 'I', 'T', '1', '2', '3', 'Enter'];
    let last: KeyOutcome | undefined;
    for (const key of keys) last = tracker.key({ key, time: (t += 4) });
    expect(last!.scan).toBe('KIT123');
  });

  it('gives back held characters when a fast run turns out too short', () => {
    const tracker = new WedgeTracker(() => defaults);
    const { outcomes, last } = feed(tracker, '12345', 5);
    expect(outcomes[3]!.removeTyped).toBe(true);
    expect(last).toMatchObject({ prevent: false, scan: null, giveBack: '12345' });
  });

  it('gives back held characters when a fast run stops without a suffix', () => {
    const tracker = new WedgeTracker(() => defaults);
    const { end } = feed(tracker, '1002345', 5, null);
    expect(tracker.idle(end + 10)).toBeNull(); // not quiet long enough yet
    expect(tracker.idle(end + 500)).toBe('1002345');
    expect(tracker.pending).toBe(false);
  });

  it('a pause ends the run: the next key starts afresh and the held characters are given back', () => {
    const tracker = new WedgeTracker(() => defaults);
    const { end } = feed(tracker, '10023', 5, null);
    const next = tracker.key({ key: 'x', time: end + 1000 });
    expect(next).toMatchObject({ fresh: true, giveBack: '10023', prevent: false });
  });

  it('a key held down (auto-repeat) is a person, not a scanner', () => {
    const tracker = new WedgeTracker(() => defaults);
    tracker.key({ key: 'a', time: 0 });
    const outcomes = [1, 2, 3, 4, 5, 6].map((i) => tracker.key({ key: 'a', time: i * 25, repeat: true }));
    expect(outcomes.every((o) => !o.prevent && o.scan === null)).toBe(true);
    expect(tracker.key({ key: 'Enter', time: 200 }).scan).toBeNull();
  });

  it('a shortcut (Ctrl, Meta) ends a run and is never part of a code', () => {
    const tracker = new WedgeTracker(() => defaults);
    feed(tracker, '10023', 5, null);
    const shortcut = tracker.key({ key: 'v', time: 30, withModifier: true });
    expect(shortcut).toMatchObject({ prevent: false, giveBack: '10023' });
  });

  it('a burst that started slowly but is fast enough overall is still a scan, and its typed characters are removed', () => {
    const tracker = new WedgeTracker(() => ({ ...defaults, maxAverageIntervalMs: 30 }));
    // A 70 ms first gap, then scanner speed.
    const stamps = [0, 70, 75, 80, 85, 90, 95];
    const keys = ['1', '0', '0', '2', '3', '4', 'Enter'];
    const outcomes = keys.map((key, i) => tracker.key({ key, time: stamps[i]! }));
    // After 4 keys the average is 26.7 ms: taken over at the 4th key.
    expect(outcomes[3]!.removeTyped).toBe(true);
    expect(outcomes[6]!.scan).toBe('100234');
  });
});

describe('keyboard-wedge settings', () => {
  it('fall back to the defaults, field by field', () => {
    expect(readWedgeSettings(null)).toEqual(defaults);
    expect(readWedgeSettings('not json')).toEqual(defaults);
    expect(readWedgeSettings(JSON.stringify({ minLength: 8, prefix: '~', maxAverageIntervalMs: 1000, suffixes: ['Space'] }))).toEqual({ ...defaults, minLength: 8, prefix: '~' });
    expect(readWedgeSettings(JSON.stringify({ suffixes: ['Tab'] })).suffixes).toEqual(['Tab']);
  });
});
