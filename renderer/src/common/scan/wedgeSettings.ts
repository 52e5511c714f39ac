import { KeyboardWedgeSettings } from '../../../../shared/contract/devices';
import { DEFAULT_WEDGE_SETTINGS, type WedgeSettings } from './wedgeClassifier';

/**
 * The keyboard-wedge scanners' framing as this window knows it. The site's setting lives in the core (Devices screen,
 * `devices.keyboardWedge`); this window reads it when a session starts and keeps a copy in localStorage, so the
 * screens without a session (the lock screen's password field) judge bursts with it too. A missing or unreadable copy
 * means the defaults.
 */
const STORAGE_KEY = 'veil.scanner.keyboardWedge';

export function readWedgeSettings(raw: string | null): WedgeSettings {
  if (!raw) return DEFAULT_WEDGE_SETTINGS;
  try {
    const parsed = KeyboardWedgeSettings.safeParse(JSON.parse(raw));
    return parsed.success ? parsed.data : DEFAULT_WEDGE_SETTINGS;
  } catch {
    return DEFAULT_WEDGE_SETTINGS;
  }
}

let current: WedgeSettings | null = null;

/** The settings every burst is judged with, right now. */
export function wedgeSettings(): WedgeSettings {
  if (current) return current;
  try {
    current = readWedgeSettings(window.localStorage.getItem(STORAGE_KEY));
  } catch {
    current = DEFAULT_WEDGE_SETTINGS;
  }
  return current;
}

/** Takes new settings (read from the core or just saved on the Devices screen) and keeps the workstation's copy. */
export function adoptWedgeSettings(settings: WedgeSettings): void {
  current = settings;
  try {
    window.localStorage.setItem(STORAGE_KEY, JSON.stringify(settings));
  } catch {
    // Storage disabled: this window still has them in memory.
  }
}
