/**
 * The scan sounds, made with the Web Audio API (no sound files): a short rising beep for a kit accepted, a low double
 * buzz for a refusal, one soft mid tone for a notice (a kit scanned twice: nothing wrong, nothing to do), so the person
 * at the bench hears the verdict without looking. A window without audio (or one
 * the browser keeps silent until the first click) just stays silent; the verdict is always on screen too.
 */
export type ScanSound = 'success' | 'refusal' | 'notice';

/** The window's one audio context: undefined until first asked for, null when the window has none (asked once only). */
let context: AudioContext | null | undefined;
let lastPlayed: ScanSound | null = null;

function audio(): AudioContext | null {
  if (context !== undefined) return context;
  const Ctor = typeof window !== 'undefined' ? window.AudioContext : undefined;
  try {
    context = Ctor ? new Ctor() : null;
  } catch {
    // Asked again on every scan, a failing constructor cost each verdict its time.
    context = null;
  }
  return context;
}

function tone(ctx: AudioContext, at: number, frequency: number, duration: number, wave: OscillatorType, volume: number, glideTo?: number) {
  const oscillator = ctx.createOscillator();
  const gain = ctx.createGain();
  oscillator.type = wave;
  oscillator.frequency.setValueAtTime(frequency, at);
  if (glideTo) oscillator.frequency.linearRampToValueAtTime(glideTo, at + duration);
  // Short attack and release: no click at either end.
  gain.gain.setValueAtTime(0, at);
  gain.gain.linearRampToValueAtTime(volume, at + 0.01);
  gain.gain.setValueAtTime(volume, at + duration - 0.02);
  gain.gain.linearRampToValueAtTime(0, at + duration);
  oscillator.connect(gain).connect(ctx.destination);
  oscillator.start(at);
  oscillator.stop(at + duration + 0.01);
}

export function playScanSound(sound: ScanSound): void {
  lastPlayed = sound;
  const ctx = audio();
  if (!ctx) return;
  try {
    if (ctx.state === 'suspended') ctx.resume().catch(() => undefined);
    const now = ctx.currentTime + 0.01;
    if (sound === 'success') {
      tone(ctx, now, 1320, 0.09, 'sine', 0.25, 1760);
    } else if (sound === 'notice') {
      tone(ctx, now, 660, 0.12, 'sine', 0.18);
    } else {
      tone(ctx, now, 180, 0.18, 'square', 0.12);
      tone(ctx, now + 0.26, 150, 0.26, 'square', 0.12);
    }
  } catch {
    // No sound this time; the screen still says it.
  }
}

/** The last sound asked for (shown on the verdict as data-sound, so tests can check a refusal was heard). */
export function lastScanSound(): ScanSound | null {
  return lastPlayed;
}
