/**
 * AIM symbology identifiers (ISO/IEC 15424): the three characters `]` + symbology code + modifier that a scanner
 * puts in front of the decoded data when told to (HID POS scanners always do; see ../shared/HARDWARE.md).
 *
 * Pure: no Node, no DOM. Never throws.
 */

export type Symbology =
  | 'gs1-datamatrix'
  | 'datamatrix'
  | 'gs1-128'
  | 'code128'
  | 'gs1-qr'
  | 'qr'
  | 'gs1-databar'
  /** An AIM identifier we do not tell apart (EAN-13, Code 39, ...). */
  | 'unknown'
  /** No AIM identifier in front of the data (keyboard-wedge scanner with AIM output off). */
  | 'none';

/** The identifiers we recognise, and whether the symbol carries GS1 element strings (FNC1 in first position). */
const KNOWN: Readonly<Record<string, { symbology: Symbology; gs1: boolean }>> = {
  ']d2': { symbology: 'gs1-datamatrix', gs1: true },
  ']d1': { symbology: 'datamatrix', gs1: false },
  ']C1': { symbology: 'gs1-128', gs1: true },
  ']C0': { symbology: 'code128', gs1: false },
  ']Q3': { symbology: 'gs1-qr', gs1: true },
  ']Q1': { symbology: 'qr', gs1: false },
  ']e0': { symbology: 'gs1-databar', gs1: true },
};

/** Human names of the symbologies, for messages. */
export const SYMBOLOGY_NAMES: Readonly<Record<Symbology, string>> = {
  'gs1-datamatrix': 'GS1 DataMatrix',
  datamatrix: 'DataMatrix',
  'gs1-128': 'GS1-128',
  code128: 'Code 128',
  'gs1-qr': 'GS1 QR Code',
  qr: 'QR Code',
  'gs1-databar': 'GS1 DataBar',
  unknown: 'an unrecognised symbology',
  none: 'no symbology identifier',
};

export interface AimSplit {
  /** The three-character AIM identifier as scanned (`]d2`), or null when the data has none. */
  aim: string | null;
  symbology: Symbology;
  /** True when the symbology identifier says the data is a GS1 element string. */
  gs1: boolean;
  /** The data after the identifier, with any trailing CR/LF removed. */
  data: string;
  /** How many characters of the raw input the identifier took (0 or 3): data starts at this offset in the raw input. */
  prefixLength: number;
}

/** `]`, a letter (symbology code), then a letter or digit (modifier). */
const AIM_PATTERN = /^\][A-Za-z][0-9A-Za-z]/;

/** Removes every trailing CR and LF (scanners end a scan with CR, CR LF or LF). */
export function stripLineEnd(raw: string): string {
  let end = raw.length;
  while (end > 0) {
    const c = raw.charCodeAt(end - 1);
    if (c !== 0x0d && c !== 0x0a) break;
    end--;
  }
  return end === raw.length ? raw : raw.slice(0, end);
}

/** Splits a scanned string into its AIM symbology identifier and the data; strips a trailing CR/LF. */
export function splitAim(raw: string): AimSplit {
  const text = typeof raw === 'string' ? stripLineEnd(raw) : '';
  const match = AIM_PATTERN.exec(text);
  if (!match) return { aim: null, symbology: 'none', gs1: false, data: text, prefixLength: 0 };
  const aim = match[0];
  const known = Object.prototype.hasOwnProperty.call(KNOWN, aim) ? KNOWN[aim] : undefined;
  return {
    aim,
    symbology: known?.symbology ?? 'unknown',
    gs1: known?.gs1 ?? false,
    data: text.slice(aim.length),
    prefixLength: aim.length,
  };
}
