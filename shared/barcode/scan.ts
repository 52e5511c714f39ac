/**
 * What a scan means: a GS1 pack code (GTIN, lot, expiry, serial), a plain kit number, or neither.
 *
 * Pure: no Node, no DOM, no clock (`now` is passed in). Never throws.
 */

import { splitAim, type Symbology } from './aim';
import { GS, parseGs1, type Gs1Element, type Gs1Error } from './gs1';

export { encodeGs1, formatGs1 } from './gs1';

/** A kit number: 1-30 letters, digits, and . _ / - */
export const KIT_NUMBER_PATTERN = /^[A-Za-z0-9._/-]{1,30}$/;

export const NOT_A_KIT_OR_PACK = 'This barcode is not a kit label or a GS1 pack code';

export interface ScanOptions {
  /** What a keyboard-wedge scanner sends instead of GS (e.g. "~" or "<GS>"). */
  gsReplacement?: string;
  /** Reference date for the GS1 century window of two-digit years. */
  now: Date;
}

interface ScanBase {
  /** The AIM identifier as scanned (`]d2`), or null. */
  aim: string | null;
  symbology: Symbology;
}

export interface Gs1PackScan extends ScanBase {
  kind: 'gs1';
  gtin?: string;
  lot?: string;
  /** ISO date (YYYY-MM-DD); DD = 00 on the pack is the last day of the month. */
  expiry?: string;
  serial?: string;
  nationalNumbers?: Gs1Element[];
  elements: Gs1Element[];
  /** Human-readable form, e.g. (01)09876543210982(17)270930(10)LOT42(21)SER1. */
  hri: string;
}

export interface KitScan extends ScanBase {
  kind: 'kit';
  kitNumber: string;
}

export interface InvalidScan extends ScanBase {
  kind: 'invalid';
  /** Always NOT_A_KIT_OR_PACK. */
  message: string;
  /** Why, in more detail (e.g. the GS1 error of a pack code that failed to parse). */
  detail: string;
  /** Present when the data was taken for GS1 and failed to parse. */
  gs1Error?: Gs1Error;
}

export type ScanInterpretation = Gs1PackScan | KitScan | InvalidScan;

/** GS1 data without a GS1 symbology identifier: a GS in it, the bracketed form, or an SSCC/GTIN-led digit run. */
function looksLikeGs1(data: string, gsReplacement: string | undefined): boolean {
  if (data.includes(GS) || data.includes('\\x1d') || data.includes('\\x1D')) return true;
  if (gsReplacement && data.includes(gsReplacement)) return true;
  if (/^\([0-9]{2,4}\)/.test(data)) return true;
  return /^(?:01[0-9]{14}|00[0-9]{18})/.test(data);
}

/**
 * Interprets one scan (as delivered by the scanner, AIM identifier and trailing CR/LF included):
 * - a GS1 symbology identifier (]d2, ]C1, ]Q3, ]e0) means a GS1 pack code, which must parse;
 * - otherwise data that looks like GS1 (a GS, "(01)...", or a GTIN/SSCC with a valid element string) is a pack code;
 * - otherwise a trimmed 1-30 character kit number;
 * - anything else is refused with NOT_A_KIT_OR_PACK and a detail.
 */
export function interpretScan(raw: string, options: ScanOptions): ScanInterpretation {
  const text = typeof raw === 'string' ? raw : '';
  const split = splitAim(text);
  const base: ScanBase = { aim: split.aim, symbology: split.symbology };
  const gsReplacement = typeof options?.gsReplacement === 'string' && options.gsReplacement !== '' ? options.gsReplacement : undefined;
  const gs1Options = gsReplacement ? { now: options?.now, gsReplacement } : { now: options?.now };

  const asGs1 = (input: string): ScanInterpretation | Gs1Error => {
    const r = parseGs1(input, gs1Options as { now: Date; gsReplacement?: string });
    if (!r.ok) return r.error;
    const scan: Gs1PackScan = { ...base, kind: 'gs1', elements: r.elements, hri: r.hri };
    if (r.gtin !== undefined) scan.gtin = r.gtin;
    if (r.lot !== undefined) scan.lot = r.lot;
    if (r.expiry !== undefined) scan.expiry = r.expiry;
    if (r.serial !== undefined) scan.serial = r.serial;
    if (r.nationalNumbers !== undefined) scan.nationalNumbers = r.nationalNumbers;
    return scan;
  };
  const invalid = (detail: string, gs1Error?: Gs1Error): InvalidScan =>
    gs1Error
      ? { ...base, kind: 'invalid', message: NOT_A_KIT_OR_PACK, detail, gs1Error }
      : { ...base, kind: 'invalid', message: NOT_A_KIT_OR_PACK, detail };

  if (split.gs1) {
    const r = asGs1(text);
    return 'kind' in r ? r : invalid(`GS1 code not readable: ${r.message}`, r);
  }

  const data = split.data;
  const kitCandidate = data.trim();
  const kitOk = KIT_NUMBER_PATTERN.test(kitCandidate);
  if (looksLikeGs1(data, gsReplacement)) {
    const r = asGs1(data);
    if ('kind' in r) return r;
    // A kit number that merely starts like a GTIN ("01..." digits) stays a kit number.
    if (kitOk) return { ...base, kind: 'kit', kitNumber: kitCandidate };
    // Positions count from the start of the raw scan, AIM identifier included.
    return invalid(`GS1 code not readable: ${r.message}`, { ...r, position: r.position + split.prefixLength });
  }
  if (kitOk) return { ...base, kind: 'kit', kitNumber: kitCandidate };
  if (kitCandidate.length === 0) return invalid('The scan is empty.');
  if (kitCandidate.length > 30) return invalid(`Kit numbers have at most 30 characters; this scan has ${kitCandidate.length}.`);
  return invalid('Kit numbers contain only letters, digits and . _ / -');
}
