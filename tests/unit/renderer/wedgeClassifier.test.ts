import { describe, expect, it } from 'vitest';
import { KeyboardWedgeSettings } from '../../../shared/contract/devices';
import {
  DEFAULT_WEDGE_SETTINGS,
  FieldBurst,
  MAX_PAUSE_MS,
  WedgeTracker,
  averageIntervalMs,
  burstShape,
  classifyKeystrokes,
  type KeyOutcome,
  type WedgeScanner,
  type WedgeSettings,
} from '../../../renderer/src/common/scan/wedgeClassifier';
import { readWedgeSettings } from '../../../renderer/src/common/scan/wedgeSettings';

const defaults: WedgeSettings = DEFAULT_WEDGE_SETTINGS;
const scanner = (over: Partial<WedgeScanner>): WedgeScanner => ({ name: 'Bench', prefix: '', suffixes: ['Enter'], aim: false, ...over });
const only = (...scanners: WedgeScanner[]): WedgeSettings => ({ ...defaults, scanners });

/** Keydown times: `count` keys `every` ms apart from `start`. */
const times = (count: number, every: number, start = 1000) => Array.from({ length: count }, (_, i) => start + i * every);

/** Keydown times from gaps. */
const fromGaps = (gaps: readonly number[], start = 1000) => gaps.reduce<number[]>((acc, g) => [...acc, acc[acc.length - 1]! + g], [start]);

/** Feeds keys (characters then a suffix) at the given times; answers every outcome. */
function feedAt(tracker: WedgeTracker, keys: readonly string[], at: readonly number[]) {
  const outcomes = keys.map((key, i) => tracker.key({ key, time: at[i]! }));
  return { outcomes, last: outcomes[outcomes.length - 1]!, scan: outcomes.map((o) => o.scan).find((s) => s !== null) ?? null };
}

/** Feeds a code then a suffix to a tracker, `every` ms apart; answers every outcome. */
function feed(tracker: WedgeTracker, text: string, every: number, suffix: string | null = 'Enter', start = 1000) {
  const keys = [...text, ...(suffix ? [suffix] : [])];
  const result = feedAt(tracker, keys, times(keys.length, every, start));
  return { ...result, end: start + (keys.length - 1) * every };
}

/** A seeded generator (mulberry32): the same seed, the same "random" timings, on every run. */
function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
/** Log-normal with this median (ms) and spread: how people's keystroke intervals are distributed. */
const logNormal = (random: () => number, median: number, sigma: number) => median * Math.exp(sigma * Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random()));

const CODES = ['287756', '7300002', 'NSDUPI-000123', ']C0287756', '0109876543210982172709301042LOT\u001d21SER0001'];

/**
 * A scanner at `msPerKey` with jitter, as a busy PC or a remote desktop delivers it: every gap jittered by +-80 %, one
 * to `maxSlow` gaps held up 40-200 ms at random places, or keys delivered in pairs (0 ms, then twice the pace).
 */
function scannerGaps(random: () => number, keys: number, msPerKey: number, maxSlow: number): number[] {
  const paired = random() < 0.25;
  const gaps = Array.from({ length: keys - 1 }, (_, i) => (paired ? (i % 2 ? 2 * msPerKey : 0) : msPerKey * (0.2 + 1.6 * random())));
  const slow = paired ? 0 : 1 + Math.floor(random() * maxSlow);
  for (let n = 0; n < slow; n++) gaps[Math.floor(random() * gaps.length)] = 40 + 160 * random();
  return gaps;
}

/**
 * A person typing: a typist's own pace (median 80-250 ms a key: people type at 80-300 ms, HARDWARE.md), log-normal
 * spread, and up to one key in ten pressed together with the previous one by accident (2-25 ms).
 */
function humanGaps(random: () => number, keys: number): number[] {
  const median = 80 + 170 * random();
  const chords = 0.1 * random();
  return Array.from({ length: keys - 1 }, () => (random() < chords ? 2 + 23 * random() : Math.min(logNormal(random, median, 0.4), MAX_PAUSE_MS)));
}

describe('the keyboard-wedge classifier: scans', () => {
  it('takes 6+ characters at scanner speed ended by a suffix as a scan', () => {
    expect(classifyKeystrokes('100234', times(7, 8), defaults)).toMatchObject({ kind: 'scan', code: '100234', identified: false });
    expect(classifyKeystrokes('ABC-123456', times(11, 2), defaults, 'Tab')).toMatchObject({ kind: 'scan', code: 'ABC-123456' });
  });

  it('tolerates a few slow gaps: one 75 ms gap does not make a scan "typed by hand" (issue 11, item 4)', () => {
    expect(classifyKeystrokes('287756', fromGaps([5, 75, 5, 5, 5, 5]), defaults).kind).toBe('scan');
    expect(classifyKeystrokes('287756', fromGaps([5, 5, 5, 5, 5, 200]), defaults).kind).toBe('scan');
    // Keys in pairs, as a remote desktop sends them.
    expect(classifyKeystrokes('287756', fromGaps([0, 40, 0, 40, 0, 40]), defaults).kind).toBe('scan');
  });

  it.each([5, 10, 15])('every jittered burst at %i ms a key is the same scan, whatever the seed (600 seeds, 5 codes)', (msPerKey) => {
    const misses: string[] = [];
    for (let seed = 1; seed <= 600; seed++) {
      const random = seeded(seed * 7919 + msPerKey);
      const code = CODES[seed % CODES.length]!;
      const maxSlow = Math.max(1, Math.floor(code.length / 8));
      const at = fromGaps(scannerGaps(random, code.length + 1, msPerKey, maxSlow));
      const tracker = new WedgeTracker(() => defaults);
      const { scan } = feedAt(tracker, [...code, 'Enter'], at);
      if (scan !== code) misses.push(`seed ${seed}: ${JSON.stringify(code)} gave ${JSON.stringify(scan)}`);
    }
    expect(misses).toEqual([]);
  });

  it('identical bursts get identical answers: a burst fed twice, and through a fresh tracker, is classified alike', () => {
    for (let seed = 1; seed <= 200; seed++) {
      const random = seeded(seed);
      const at = fromGaps(scannerGaps(random, 8, 5, 1));
      const first = feedAt(new WedgeTracker(() => defaults), [...'7300002', 'Enter'], at);
      const tracker = new WedgeTracker(() => defaults);
      feedAt(tracker, [...'7300001', 'Enter'], at);
      const again = feedAt(
        tracker,
        [...'7300002', 'Enter'],
        at.map((t) => t + 5000),
      );
      expect([first.scan, again.scan]).toEqual(['7300002', '7300002']);
    }
  });

  it('refuses a fast burst shorter than the minimum length', () => {
    expect(classifyKeystrokes('12345', times(6, 5), defaults)).toEqual({ kind: 'typing', why: 'too_short' });
    expect(classifyKeystrokes('', [1000], defaults)).toEqual({ kind: 'typing', why: 'empty' });
    expect(classifyKeystrokes('1234', times(5, 5), { ...defaults, minLength: 4 }).kind).toBe('scan');
  });

  it('a gap longer than a scanner ever pauses breaks the burst', () => {
    expect(classifyKeystrokes('287756', fromGaps([5, 5, MAX_PAUSE_MS + 1, 5, 5, 5]), defaults).kind).toBe('typing');
  });
});

describe('the keyboard-wedge classifier: people', () => {
  it('takes the same characters at human speed as typing', () => {
    expect(classifyKeystrokes('100234', times(7, 120), defaults)).toEqual({ kind: 'typing', why: 'too_slow' });
    // A fast typist, 60 ms a key, is still a person.
    expect(classifyKeystrokes('100234', times(7, 60), defaults)).toEqual({ kind: 'typing', why: 'too_slow' });
  });

  it('never takes typing for a scan nor holds it back: 3000 seeded typists (80-250 ms a key, keys pressed together), with and without a prefix set up', () => {
    const framed = only(scanner({ name: 'Framed', prefix: '~', suffixes: ['Enter', 'Tab'] }), scanner({ name: 'AIM', aim: true, suffixes: ['Enter', 'Tab'] }));
    const taken: string[] = [];
    for (let seed = 1; seed <= 3000; seed++) {
      const random = seeded(seed);
      const settings = seed % 2 ? defaults : framed;
      const text = seed % 2 ? CODES[seed % 3]! : `${seed % 4 ? '~' : ']C0'}${CODES[seed % 3]!}`;
      const at = fromGaps(humanGaps(random, text.length + 1));
      const suffix = seed % 5 ? 'Enter' : 'Tab';
      if (classifyKeystrokes(text, at, settings, suffix).kind === 'scan') taken.push(`seed ${seed} (classifier)`);
      const tracker = new WedgeTracker(() => settings);
      const { outcomes } = feedAt(tracker, [...text, suffix], at);
      if (outcomes.some((o) => o.scan !== null || o.prevent || o.removeTyped)) taken.push(`seed ${seed} (tracker)`);
    }
    expect(taken).toEqual([]);
  });
});

describe('the keyboard-wedge classifier: the scanner set up on the Devices screen', () => {
  it('with a prefix set up on every scanner, needs it and takes it off the code', () => {
    const withPrefix = only(scanner({ prefix: '§' }));
    expect(classifyKeystrokes('§100234', times(8, 5), withPrefix)).toMatchObject({ kind: 'scan', code: '100234', identified: true, scanner: 'Bench' });
    expect(classifyKeystrokes('100234', times(7, 5), withPrefix)).toEqual({ kind: 'typing', why: 'no_prefix' });
    // The prefix does not count towards the minimum length.
    expect(classifyKeystrokes('§12345', times(7, 5), withPrefix)).toEqual({ kind: 'typing', why: 'too_short' });
  });

  it('the framing never relaxes the timing: a prefix typed by hand is typing', () => {
    const framed = only(scanner({ prefix: '~' }));
    expect(classifyKeystrokes('~1002345', times(9, 90), framed)).toEqual({ kind: 'typing', why: 'too_slow' });
    expect(classifyKeystrokes('~1002345', fromGaps([5, 90, 5, 5, 5, 5, 5, 5]), framed).kind).toBe('scan');
  });

  it('AIM identifiers: a scanner set to send them must send them; the identifier stays on the code', () => {
    const aim = only(scanner({ aim: true }));
    expect(classifyKeystrokes(']d2287756', times(10, 5), aim)).toMatchObject({ kind: 'scan', code: ']d2287756', identified: true });
    expect(classifyKeystrokes('287756', times(7, 5), aim)).toEqual({ kind: 'typing', why: 'no_prefix' });
    // The identifier does not count towards the minimum length.
    expect(classifyKeystrokes(']C012345', times(9, 5), aim)).toEqual({ kind: 'typing', why: 'too_short' });
  });

  it('several scanners: the most specific framing wins, the suffix must be the scanner\'s own', () => {
    const two = only(scanner({ name: 'Plain', suffixes: ['Tab'] }), scanner({ name: 'Framed', prefix: '~~', suffixes: ['Enter'] }));
    expect(classifyKeystrokes('~~287756', times(9, 5), two, 'Enter')).toMatchObject({ scanner: 'Framed', code: '287756' });
    expect(classifyKeystrokes('287756', times(7, 5), two, 'Tab')).toMatchObject({ scanner: 'Plain', code: '287756' });
    expect(classifyKeystrokes('287756', times(7, 5), two, 'Enter').kind).toBe('typing');
  });

  it('describes a burst by its median and typical gap (for the Devices screen check)', () => {
    expect(burstShape([5, 5, 75, 5, 5, 5], 30)).toMatchObject({ keys: 7, medianGapMs: 5, slowestGapMs: 75, slowGaps: 1, typicalGapMs: 5 });
    expect(averageIntervalMs([0, 10, 30])).toBe(15);
  });
});

describe('the keystroke tracker', () => {
  it('lets the first keys of a burst through, takes the burst over at the 5th and hands the code over at Enter', () => {
    const tracker = new WedgeTracker(() => defaults);
    const { outcomes, last } = feed(tracker, '100234', 5);
    expect(outcomes[0]).toMatchObject({ fresh: true, prevent: false });
    expect(outcomes[1]).toMatchObject({ fresh: false, prevent: false });
    expect(outcomes[3]!.prevent).toBe(false);
    expect(outcomes[4]).toMatchObject({ prevent: true, removeTyped: true });
    expect(outcomes[5]).toMatchObject({ prevent: true, removeTyped: false });
    expect(last).toMatchObject({ prevent: true, scan: '100234', giveBack: null });
    expect(tracker.pending).toBe(false);
  });

  it('accepts Tab as the suffix, and only the configured suffixes', () => {
    expect(feed(new WedgeTracker(() => defaults), '100234', 5, 'Tab').last.scan).toBe('100234');
    const tracker = new WedgeTracker(() => only(scanner({ suffixes: ['Enter'] })));
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
    expect(outcomes[4]!.removeTyped).toBe(true);
    expect(last).toMatchObject({ prevent: false, scan: null, giveBack: '12345' });
  });

  it('gives back held characters when a fast run stops without a suffix', () => {
    const tracker = new WedgeTracker(() => defaults);
    const { end } = feed(tracker, '1002345', 5, null);
    expect(tracker.idle(end + 10)).toBeNull(); // not quiet long enough yet
    expect(tracker.idle(end + MAX_PAUSE_MS + 50)).toBe('1002345');
    expect(tracker.pending).toBe(false);
  });

  it('a pause ends the run: the next key starts afresh and the held characters are given back', () => {
    const tracker = new WedgeTracker(() => defaults);
    const { end } = feed(tracker, '10023', 5, null);
    const next = tracker.key({ key: 'x', time: end + 1000 });
    expect(next).toMatchObject({ fresh: true, giveBack: '10023', prevent: false });
  });

  it('typing, a pause to pick up the scanner, then a scan: only the scan is taken', () => {
    const tracker = new WedgeTracker(() => defaults);
    const typed = feed(tracker, 'Carton ', 120, null);
    const scan = feed(tracker, '7300002', 5, 'Enter', typed.end + 600);
    expect(typed.outcomes.every((o) => !o.prevent)).toBe(true);
    expect(scan.outcomes[0]!.fresh).toBe(true);
    expect(scan.last.scan).toBe('7300002');
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

  it('a burst whose first gaps were slow is taken over later, and its typed characters are removed', () => {
    const tracker = new WedgeTracker(() => defaults);
    const { outcomes } = feedAt(tracker, ['1', '0', '0', '2', '3', '4', 'Enter'], fromGaps([70, 5, 5, 5, 5, 5], 0));
    expect(outcomes.slice(0, 6).every((o) => !o.prevent)).toBe(true);
    expect(outcomes[6]).toMatchObject({ scan: '100234', removeTyped: true, prevent: true });
  });
});

describe('a password field filled by a burst (FieldBurst)', () => {
  it('says a scanner filled the field, and forgets the run once judged', () => {
    const field = new FieldBurst();
    [...'287756'].forEach((key, i) => field.key({ key, time: 1000 + i * 5 }));
    expect(field.judge('Enter', 1030, defaults)).toMatchObject({ chars: '287756', verdict: { kind: 'scan', code: '287756' } });
    expect(field.judge('Enter', 1040, defaults).chars).toBe('');
  });

  it('typing, a Backspace or a long pause start a new run', () => {
    const field = new FieldBurst();
    [...'abc'].forEach((key, i) => field.key({ key, time: i * 150 }));
    field.key({ key: 'Backspace', time: 500 });
    [...'287756'].forEach((key, i) => field.key({ key, time: 600 + i * 5 }));
    expect(field.judge('Enter', 630, defaults).chars).toBe('287756');
    [...'2877'].forEach((key, i) => field.key({ key, time: 1000 + i * 5 }));
    expect(field.judge('Enter', 2000, defaults).verdict.kind).toBe('typing');
  });
});

describe('keyboard-wedge settings', () => {
  it('the workstation copy falls back to the defaults when missing or unreadable', () => {
    expect(readWedgeSettings(null)).toEqual(defaults);
    expect(readWedgeSettings('not json')).toEqual(defaults);
    expect(readWedgeSettings(JSON.stringify({ minLength: 8, prefix: '~' }))).toEqual(defaults);
    const set = { scanners: [scanner({ prefix: '~', aim: true })], minLength: 8, fastKeyMs: 25 };
    expect(readWedgeSettings(JSON.stringify(set))).toEqual(set);
  });

  it('the contract refuses a prefix of letters or digits (it could be the start of a code) and an empty end key', () => {
    const bad = (over: Partial<WedgeScanner>) => KeyboardWedgeSettings.safeParse({ ...defaults, scanners: [scanner(over)] }).success;
    expect(bad({ prefix: 'A' })).toBe(false);
    expect(bad({ prefix: '7' })).toBe(false);
    expect(bad({ prefix: ' ' })).toBe(false);
    expect(bad({ suffixes: [] })).toBe(false);
    expect(bad({ prefix: '~§' })).toBe(true);
  });
});
