import { interpretScan } from '../../../../shared/barcode/scan';

/**
 * What a scan gives the kit screens: a kit number, or why it is not one. Kits are identified by the kit number on
 * Veil's and the sponsor's kit labels; a manufacturer's GS1 pack code (GTIN, lot, expiry) does not name the kit.
 */
export type KitCode = { ok: true; kitNumber: string } | { ok: false; kind: 'pack_code'; hri: string } | { ok: false; kind: 'not_a_kit'; detail: string };

export function kitCodeOf(raw: string, now = new Date()): KitCode {
  const scan = interpretScan(raw, { now });
  if (scan.kind === 'kit') return { ok: true, kitNumber: scan.kitNumber };
  if (scan.kind === 'gs1') return { ok: false, kind: 'pack_code', hri: scan.hri };
  return { ok: false, kind: 'not_a_kit', detail: scan.detail };
}
