import { DEFAULT_WEDGE_SETTINGS, type WedgeSettings, type WedgeSuffix } from './wedgeClassifier';

/**
 * Keyboard-wedge settings of this workstation, kept in localStorage until the devices screen manages scanners
 * (issue 6). A missing or unreadable value falls back to the defaults, field by field.
 */
const STORAGE_KEY = 'veil.scanner.keyboardWedge';

function isSuffix(value: unknown): value is WedgeSuffix {
  return value === 'Enter' || value === 'Tab';
}

export function readWedgeSettings(raw: string | null): WedgeSettings {
  const settings: WedgeSettings = { ...DEFAULT_WEDGE_SETTINGS, suffixes: [...DEFAULT_WEDGE_SETTINGS.suffixes] };
  if (!raw) return settings;
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    return settings;
  }
  if (typeof parsed !== 'object' || parsed === null) return settings;
  const p = parsed as Record<string, unknown>;
  if (typeof p.maxAverageIntervalMs === 'number' && p.maxAverageIntervalMs >= 5 && p.maxAverageIntervalMs <= 100) settings.maxAverageIntervalMs = p.maxAverageIntervalMs;
  if (typeof p.minLength === 'number' && Number.isInteger(p.minLength) && p.minLength >= 2 && p.minLength <= 64) settings.minLength = p.minLength;
  if (typeof p.prefix === 'string' && p.prefix.length <= 8) settings.prefix = p.prefix;
  if (Array.isArray(p.suffixes) && p.suffixes.length > 0 && p.suffixes.every(isSuffix)) settings.suffixes = [...new Set(p.suffixes)];
  return settings;
}

export function loadWedgeSettings(): WedgeSettings {
  try {
    return readWedgeSettings(window.localStorage.getItem(STORAGE_KEY));
  } catch {
    return readWedgeSettings(null);
  }
}

export function saveWedgeSettings(settings: WedgeSettings): void {
  try {
    window.localStorage.setItem(STORAGE_KEY, JSON.stringify(settings));
  } catch {
    // Storage disabled: the defaults apply.
  }
}
