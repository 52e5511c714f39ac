import { DEFAULT_KEYBOARD_WEDGE, type KeyboardWedgeSettings, type WedgeScanner, type WedgeSuffix } from '../../../../shared/contract/devices';

/**
 * Keyboard-wedge scanners type the barcode as keystrokes, much faster than anyone types, and end it with Enter or Tab
 * (HARDWARE.md; DESIGN.md section 7). This file tells such a burst from human typing. Pure: no DOM, no clock (every
 * keystroke comes with its time), so the rules are unit-tested (tests/unit/renderer/wedgeClassifier.test.ts), with
 * thousands of seeded jittered timings.
 *
 * The input source is a Part 11 device check (21 CFR 11.10(h)), so the same burst must always get the same answer,
 * whatever the machine is doing. Three signals, strongest first:
 * - the scanner's own framing, set up per scanner on the Devices screen: a prefix it sends before each code, AIM
 *   symbology identifiers (`]C0`, `]d2`...), and the suffix key;
 * - the burst's shape: the mean of its fastest three quarters of gaps is under `fastKeyMs`. A remote desktop or a busy
 *   PC delays a few keys (a 75 ms gap, keys delivered in pairs); that moves no median. A person never types three keys
 *   in four under 30 ms. The framing never relaxes this: it only makes bursts without it typing;
 * - a run is the keys between pauses longer than MAX_PAUSE_MS: a person who was typing needs far longer than that to
 *   pick up the scanner, so typed text and a scan never share a run.
 */

export type { KeyboardWedgeSettings as WedgeSettings, WedgeScanner, WedgeSuffix };
type WedgeSettings = KeyboardWedgeSettings;

export const DEFAULT_WEDGE_SETTINGS: Readonly<WedgeSettings> = DEFAULT_KEYBOARD_WEDGE;

/** A pause longer than this ends a run of keys (a scanner's worst hiccup is shorter; picking up a scanner is longer). */
export const MAX_PAUSE_MS = 250;

/** Share of the slowest gaps a burst may have without changing its verdict. */
const SLOW_SHARE = 0.25;

/** A run longer than this is typing (a paste-like flood is cut into fresh runs; no barcode is this long). */
const MAX_RUN = 400;

/** `]`, a symbology letter, a modifier (ISO/IEC 15424), as in shared/barcode/aim.ts. */
const AIM_IDENTIFIER = /^\][A-Za-z][0-9A-Za-z]/;

/** The gaps between consecutive times. */
export function gapsOf(times: readonly number[]): number[] {
  return times.slice(1).map((time, i) => time - times[i]!);
}

/** The average time between consecutive keystrokes; Infinity for fewer than two. */
export function averageIntervalMs(times: readonly number[]): number {
  if (times.length < 2) return Infinity;
  return (times[times.length - 1]! - times[0]!) / (times.length - 1);
}

/** What a burst looked like, for the verdict and for the Devices screen's scanner check. */
export interface BurstShape {
  keys: number;
  medianGapMs: number;
  /** The mean of the fastest gaps once the slowest share is set aside. */
  typicalGapMs: number;
  slowestGapMs: number;
  /** Gaps at or over `fastKeyMs`. */
  slowGaps: number;
}

export function burstShape(gaps: readonly number[], fastKeyMs: number): BurstShape {
  if (gaps.length === 0) return { keys: 1, medianGapMs: Infinity, typicalGapMs: Infinity, slowestGapMs: Infinity, slowGaps: 0 };
  const sorted = [...gaps].sort((a, b) => a - b);
  const kept = sorted.slice(0, sorted.length - Math.floor(sorted.length * SLOW_SHARE));
  const middle = sorted.length >> 1;
  return {
    keys: gaps.length + 1,
    medianGapMs: sorted.length % 2 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2,
    typicalGapMs: kept.reduce((sum, g) => sum + g, 0) / kept.length,
    slowestGapMs: sorted[sorted.length - 1]!,
    slowGaps: gaps.filter((g) => g >= fastKeyMs).length,
  };
}

/** Whether keys this far apart came from a scanner (see the file comment). */
export function isBurst(gaps: readonly number[], fastKeyMs: number): boolean {
  if (gaps.length === 0) return false;
  const shape = burstShape(gaps, fastKeyMs);
  return shape.slowestGapMs <= MAX_PAUSE_MS && shape.typicalGapMs < fastKeyMs;
}

/** After this many fast keys the burst is taken over (its keys no longer land in the focused field). */
export function captureAfterKeys(settings: WedgeSettings): number {
  return Math.max(2, Math.min(5, settings.minLength));
}

/** The scanners to try, most specific framing first: a longer prefix, then AIM identifiers, then none. */
function byFraming(scanners: readonly WedgeScanner[]): WedgeScanner[] {
  return [...scanners].sort((a, b) => b.prefix.length - a.prefix.length || Number(b.aim) - Number(a.aim));
}

/** Every key a set-up scanner ends its codes with. */
export function suffixKeys(settings: WedgeSettings): Set<string> {
  return new Set(settings.scanners.flatMap((s) => s.suffixes));
}

export type TypingReason = 'empty' | 'too_slow' | 'too_short' | 'no_prefix';

export type KeystrokeClass =
  | {
      kind: 'scan';
      /** The code as the scanner sent it, its prefix taken off (an AIM identifier stays: it says what the code is). */
      code: string;
      /** The set-up scanner whose framing it has. */
      scanner: string;
      /** The scanner's framing (prefix or AIM identifier) named it, beyond its timing. */
      identified: boolean;
    }
  | { kind: 'typing'; why: TypingReason };

/**
 * Whether characters typed then ended by a suffix key were a scanner burst.
 * `times` are the keydown times of each character and then of the suffix key (chars.length + 1 entries).
 */
export function classifyKeystrokes(chars: string, times: readonly number[], settings: WedgeSettings, suffix: WedgeSuffix = 'Enter'): KeystrokeClass {
  if (chars.length === 0) return { kind: 'typing', why: 'empty' };
  const gaps = gapsOf(times);
  let why: TypingReason = 'no_prefix';
  for (const scanner of byFraming(settings.scanners)) {
    if (!scanner.suffixes.includes(suffix)) continue;
    if (scanner.prefix && !chars.startsWith(scanner.prefix)) continue;
    const code = chars.slice(scanner.prefix.length);
    if (scanner.aim && !AIM_IDENTIFIER.test(code)) continue;
    if (!isBurst(gaps, settings.fastKeyMs)) {
      why = 'too_slow';
      continue;
    }
    if (code.length - (scanner.aim ? 3 : 0) < settings.minLength) {
      why = 'too_short';
      continue;
    }
    return { kind: 'scan', code, scanner: scanner.name, identified: scanner.prefix !== '' || scanner.aim };
  }
  return { kind: 'typing', why };
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
export const MODIFIER_KEYS = new Set(['Shift', 'Control', 'Alt', 'AltGraph', 'Meta', 'CapsLock', 'NumLock', 'Fn']);

/**
 * The keystroke state machine: fed every keydown in order, it says which keys belong to a burst, when a burst is a
 * complete scan, and what to put back when fast keys turn out not to be a scan.
 *
 * The first few keys of a burst cannot be told from typing yet: they reach the focused field. Once
 * `captureAfterKeys` keys came fast, the burst is taken over: those characters are removed again and the rest is
 * held back. At the suffix the whole run is judged (classifyKeystrokes); if it is not a scan (too short, not a set-up
 * scanner's framing), or if it stops without a suffix, the held-back characters are given back to the field so
 * nothing typed is ever lost. A burst whose first keys came slowly is taken over later, or only at its suffix.
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
    const giveBack = (held: string | null) => {
      if (held !== null) out.giveBack = (out.giveBack ?? '') + held;
    };
    if (MODIFIER_KEYS.has(stroke.key)) return out;

    // A pause ends the previous run whatever comes next.
    if (this.chars && stroke.time - this.last > MAX_PAUSE_MS) giveBack(this.end());

    if (stroke.withModifier || stroke.repeat) {
      giveBack(this.end());
      return out;
    }

    if (stroke.key.length === 1) {
      if (this.chars.length >= MAX_RUN) giveBack(this.end());
      if (!this.chars) out.fresh = true;
      this.chars += stroke.key;
      this.times.push(stroke.time);
      this.last = stroke.time;
      if (this.capturing) {
        out.prevent = true;
      } else if (this.takesOver(settings)) {
        this.capturing = true;
        out.prevent = true;
        out.removeTyped = true;
      }
      return out;
    }

    if (suffixKeys(settings).has(stroke.key) && this.chars) {
      const verdict = classifyKeystrokes(this.chars, [...this.times, stroke.time], settings, stroke.key as WedgeSuffix);
      if (verdict.kind === 'scan') {
        out.prevent = true;
        out.scan = verdict.code;
        // Judged a burst only now (it started slowly): its characters are all still in the field.
        if (!this.capturing) out.removeTyped = true;
        this.reset();
      } else {
        giveBack(this.end());
      }
      return out;
    }

    // Any other key (Backspace, arrows, Escape, a suffix with nothing before it) ends the run.
    giveBack(this.end());
    return out;
  }

  /**
   * Whether to take the run over now, before its suffix: every key of the run so far came at scanner speed. Stricter
   * than the verdict (no slow gap at all), so that typing is never held back; a burst with a slow gap is judged at its
   * suffix instead, and its characters are then taken back out of the field.
   */
  private takesOver(settings: WedgeSettings): boolean {
    return this.times.length >= captureAfterKeys(settings) && gapsOf(this.times).every((gap) => gap < settings.fastKeyMs);
  }

  /** Called by a timer after the last key: a run that stopped without its suffix is not a scan. */
  idle(now: number): string | null {
    if (!this.chars || now - this.last <= MAX_PAUSE_MS) return null;
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

/**
 * Records what was typed into one field (a password field) since its last pause, to tell at Enter whether the field
 * was filled by a scanner burst. The keys still land in the field: nothing is held back or taken over.
 */
export class FieldBurst {
  private chars = '';
  private times: number[] = [];
  private last = -Infinity;

  key(stroke: KeyStroke): void {
    if (MODIFIER_KEYS.has(stroke.key)) return;
    if (stroke.time - this.last > MAX_PAUSE_MS || stroke.withModifier || stroke.repeat || stroke.key.length !== 1) this.reset();
    if (stroke.key.length !== 1 || stroke.withModifier || stroke.repeat) return;
    this.chars += stroke.key;
    this.times.push(stroke.time);
    this.last = stroke.time;
  }

  /** How the run ended by `suffix` at `time` is classified; the run is forgotten. */
  judge(suffix: WedgeSuffix, time: number, settings: WedgeSettings): { chars: string; verdict: KeystrokeClass } {
    const chars = this.chars;
    const verdict = time - this.last > MAX_PAUSE_MS ? ({ kind: 'typing', why: 'too_slow' } as const) : classifyKeystrokes(chars, [...this.times, time], settings, suffix);
    this.reset();
    return { chars, verdict };
  }

  reset(): void {
    this.chars = '';
    this.times = [];
    this.last = -Infinity;
  }
}
