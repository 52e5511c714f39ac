import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  BarcodeFormat,
  BinaryBitmap,
  Code128Reader,
  DataMatrixReader,
  DecodeHintType,
  HybridBinarizer,
  RGBLuminanceSource,
} from '@zxing/library';
import study from '../../../studies/ns-dupi.json';
import { StudyConfig } from '../../../shared/study/studyConfig';
import { blindedLabelDataFor, type BlindedLabelData } from '../../../shared/labels/blindedLabel';
import { mmToDots, type BoxMm, type TextMeasurer } from '../../../shared/labels/layout';
import type { Bitmap } from '../../../main/core/labels/raster';

export const NS_DUPI = StudyConfig.parse(study);

export const HERE = path.dirname(fileURLToPath(import.meta.url));
/** Previews written by the tests (git-ignored), to look at. */
export const OUT_DIR = path.join(HERE, 'out');
export const GOLDEN_DIR = path.join(HERE, 'golden');
export function outDir(): string {
  mkdirSync(OUT_DIR, { recursive: true });
  return OUT_DIR;
}

/**
 * Two kits of the demo's kind, one of each arm (as a sponsor's kit list has them), with their real lots and expiry
 * dates. The label never sees any of this: only the kit number goes in; the lot and date on the label are the
 * blinded lot and the common use-before date, the same for both.
 */
export const KIT_OF_ARM = {
  DUPI300: { kitNumber: '483920', arm: 'DUPI300', lot: 'DP24A117', expiry: '2027-09-30' },
  PLACEBO: { kitNumber: '172655', arm: 'PLACEBO', lot: 'PL24C009', expiry: '2027-08-31' },
} as const;
export const BLINDED_LOT = 'NSDUPI-BL1';
export const COMMON_USE_BEFORE = '2027-08-31';

/** The label data of one NS-DUPI kit for patient R007 at week 2; only the kit number varies. */
export function nsDupiLabel(kitNumber: string, overrides: Partial<BlindedLabelData> = {}): BlindedLabelData {
  return {
    ...blindedLabelDataFor(NS_DUPI, {
      kitNumber,
      randomizationNumber: 'R007',
      patientInitials: 'JMH',
      visitCode: 'W2',
      investigatorName: 'Prof. Juliette Mazereeuw-Hautier',
      siteName: 'CHU de Toulouse, Hôpital Larrey',
      blindedLot: BLINDED_LOT,
      useBefore: COMMON_USE_BEFORE,
      quantity: '1 prefilled syringe',
    }),
    ...overrides,
  };
}

/** A measurer with round numbers: every character is 1 mm wide at 10 pt (bold 1.2 mm), scaled with the size. */
export const fakeMeasurer: TextMeasurer = {
  ascent: 0.8,
  descent: 0.2,
  widthMm: (text, style) => [...text].length * (style.bold ? 1.2 : 1) * (style.sizePt / 10),
  missingCharacters: (text) => [...new Set([...text].filter((c) => c === '\u{1F600}'))],
};

/** The dot rectangle that encloses a box in mm at a resolution (floor/ceil: every dot the box touches). */
export function enclosingDots(box: BoxMm, dpi: number): { x0: number; y0: number; x1: number; y1: number } {
  const k = dpi / 25.4;
  return { x0: Math.floor(box.x * k), y0: Math.floor(box.y * k), x1: Math.ceil((box.x + box.width) * k), y1: Math.ceil((box.y + box.height) * k) };
}

export { mmToDots };

/** Decodes a barcode from a region of a 1-bit raster with ZXing (an independent reader). */
export function decodeRegion(bitmap: Bitmap, box: BoxMm, dpi: number, format: 'datamatrix' | 'code128'): string {
  const pad = 12;
  const r = enclosingDots(box, dpi);
  const width = r.x1 - r.x0 + 2 * pad;
  const height = r.y1 - r.y0 + 2 * pad;
  const lum = new Uint8ClampedArray(width * height).fill(255);
  for (let y = r.y0; y < r.y1; y++)
    for (let x = r.x0; x < r.x1; x++) if (bitmap.get(x, y)) lum[(y - r.y0 + pad) * width + (x - r.x0 + pad)] = 0;
  const image = new BinaryBitmap(new HybridBinarizer(new RGBLuminanceSource(lum, width, height)));
  // ZXing's detector, not its PURE_BARCODE shortcut (which misreads some valid symbols whose corner module is light).
  const hints = new Map<DecodeHintType, unknown>([[DecodeHintType.TRY_HARDER, true]]);
  if (format === 'datamatrix') {
    hints.set(DecodeHintType.POSSIBLE_FORMATS, [BarcodeFormat.DATA_MATRIX]);
    return new DataMatrixReader().decode(image, hints).getText();
  }
  return new Code128Reader().decode(image, hints).getText();
}
