/**
 * Keyboard-wedge scanners type the barcode as keystrokes, much faster than anyone types, and end it with Enter or Tab
 * (HARDWARE.md; DESIGN.md section 7). This file tells such a burst from human typing. Pure: no DOM, no clock (every
 * keystroke comes with its time), so the rules are unit-tested (tests/unit/renderer/wedgeClassifier.test.ts).
 */

export type WedgeSuffix = 'Enter' | 'Tab';

export interface WedgeSettings {
  /** A burst's keys come on average less than this many milliseconds apart (people type at 80-300 ms). */
  maxAverageIntervalMs: number;
  /** A burst has at least this many characters before its suffix (shorter codes are not scans). */
  minLength: number;
  /** Characters the scanner is set to send before each code (empty: none); taken off the code. */
  prefix: string;
  /** The key(s) the scanner sends after each code. */
  suffixes: WedgeSuffix[];
}

export const DEFAULT_WEDGE_SETTINGS: Readonly<WedgeSettings> = { maxAverageIntervalMs: 30, minLength: 6, prefix: '', suffixes: ['Enter', 'Tab'] };

/** The average time between consecutive keystrokes; Infinity for fewer than two. */
export function averageIntervalMs(times: readonly number[]): number {
  if (times.length < 2) return Infinity;
  return (times[times.length - 1]! - times[0]!) / (times.length - 1);
}

/** A pause this long ends a burst (a scanner never pauses mid-code; a person typing always does). */
export function burstGapMs(settings: WedgeSettings): number {
  return Math.max(80, settings.maxAverageIntervalMs * 4);
}

/** After this many fast keys the burst is taken over (its keys no longer land in the focused field). */
export function captureAfterKeys(settings: WedgeSettings): number {
  return Math.max(2, Math.min(4, settings.minLength));
}

export type KeystrokeClass =
  | { kind: 'scan'; code: string }
  | { kind: 'typing'; why: 'empty' | 'too_slow' | 'too_short' | 'no_prefix' };

/**
 * Whether characters typed then ended by a suffix key were a scanner burst.
 * `times` are the keydown times of each character and then of the suffix key (chars.length + 1 entries).
 */
export function classifyKeystrokes(chars: string, times: readonly number[], settings: WedgeSettings): KeystrokeClass {
  if (chars.length === 0) return { kind: 'typing', why: 'empty' };
  if (averageIntervalMs(times) >= settings.maxAverageIntervalMs) return { kind: 'typing', why: 'too_slow' };
  if (settings.prefix && !chars.startsWith(settings.prefix)) return { kind: 'typing', why: 'no_prefix' };
  const code = settings.prefix ? chars.slice(settings.prefix.length) : chars;
  if (code.length < settings.minLength) return { kind: 'typing', why: 'too_short' };
  return { kind: 'scan', code };
}

/** What to do with one keydown. */
export interface KeyOutcome {
  /** Keep the key out of the focused field (prevent its default and stop it reaching the page). */
  prevent: boolean;
  /** This key starts a new run of characters: note the focused field's text as it was before it. */
  fresh: boolean;
  /** Take the burst's characters already typed back out of the focused field (put its text back as noted). */
  removeTyped: boolean;
  /** Not a scan after all: type these characters (held back earlier) into the field, before this key. */
  giveBack: string | null;
  /** A complete scan: hand this code to the scan handler. */
  scan: string | null;
}

export interface KeyStroke {
  /** KeyboardEvent.key */
  key: string;
  /** KeyboardEvent.timeStamp (ms) */
  time: number;
  /** Ctrl, Alt or Meta held: a shortcut, never part of a code. */
  withModifier?: boolean;
  /** Auto-repeat of a held key: fast, but a person. */
  repeat?: boolean;
}

/** Keys that only modify others: scanners send Shift before capitals; they are neither characters nor breaks. */
const MODIFIER_KEYS = new Set(['Shift', 'Control', 'Alt', 'AltGraph', 'Meta', 'CapsLock', 'NumLock', 'Fn']);

/**
 * The keystroke state machine: fed every keydown in order, it says which keys belong to a burst, when a burst is a
 * complete scan, and what to put back when fast keys turn out not to be a scan.
 *
 * The first few keys of a burst cannot be told from typing yet: they reach the focused field. Once
 * `captureAfterKeys` keys came fast, the burst is taken over: those characters are removed again and the rest is
 * held back. At the suffix the whole burst is judged; if it is not a scan (too short, wrong prefix), or if it stops
 * without a suffix, the held-back characters are given back to the field so nothing typed is ever lost.
 */
export class WedgeTracker {
  private chars = '';
  private times: number[] = [];
  private capturing = false;
  private last = -Infinity;

  constructor(private readonly settings: () => WedgeSettings) {}

  /** Characters waiting to be judged (for the idle timer: is anything pending?). */
  get pending(): boolean {
    return this.chars.length > 0;
  }

  /** Whether the current run of keys has been taken over as a burst. */
  get isCapturing(): boolean {
    return this.capturing;
  }

  key(stroke: KeyStroke): KeyOutcome {
    const settings = this.settings();
    const out: KeyOutcome = { prevent: false, fresh: false, removeTyped: false, giveBack: null, scan: null };
    if (MODIFIER_KEYS.has(stroke.key)) return out;

    // A pause ends the previous run whatever comes next.
    if (this.chars && stroke.time - this.last > burstGapMs(settings)) out.giveBack = this.end();

    if (stroke.withModifier || stroke.repeat) {
      const held = this.end();
      if (held !== null) out.giveBack = (out.giveBack ?? '') + held;
      return out;
    }

    if (stroke.key.length === 1) {
      if (!this.chars) out.fresh = true;
      this.chars += stroke.key;
      this.times.push(stroke.time);
      this.last = stroke.time;
      if (this.capturing) {
        out.prevent = true;
      } else if (this.times.length >= captureAfterKeys(settings) && averageIntervalMs(this.times) < settings.maxAverageIntervalMs) {
        this.capturing = true;
        out.prevent = true;
        out.removeTyped = true;
      }
      return out;
    }

    if ((settings.suffixes as string[]).includes(stroke.key) && this.chars) {
      const verdict = classifyKeystrokes(this.chars, [...this.times, stroke.time], settings);
      if (verdict.kind === 'scan') {
        out.prevent = true;
        out.scan = verdict.code;
        // Judged a burst only now (it started slowly): its characters are all still in the field.
        if (!this.capturing) out.removeTyped = true;
        this.reset();
      } else {
        const held = this.end();
        if (held !== null) out.giveBack = (out.giveBack ?? '') + held;
      }
      return out;
    }

    // Any other key (Backspace, arrows, Escape, a suffix with nothing before it) ends the run.
    const held = this.end();
    if (held !== null) out.giveBack = (out.giveBack ?? '') + held;
    return out;
  }

  /** Called by a timer after the last key: a run that stopped without its suffix is not a scan. */
  idle(now: number): string | null {
    if (!this.chars || now - this.last <= burstGapMs(this.settings())) return null;
    return this.end();
  }

  /** Ends the current run now (the caller knows it went quiet); answers the held-back characters to give back. */
  flush(): string | null {
    return this.end();
  }

  reset(): void {
    this.chars = '';
    this.times = [];
    this.capturing = false;
    this.last = -Infinity;
  }

  /** Ends the run; answers the held-back characters to give back (null when none were held back). */
  private end(): string | null {
    const held = this.capturing ? this.chars : null;
    this.reset();
    return held;
  }
}
