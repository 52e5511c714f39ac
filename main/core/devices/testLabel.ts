import { LABEL_SIZES, type LabelSize } from '../../../shared/contract/devices';
import { MM_PER_INCH, layoutLabel, textBlockHeightMm, type ElementSpec, type LabelLayout } from '../../../shared/labels/layout';
import { dymoBytesPerLine, DYMO_DPI } from '../labels/dymo';
import { bwipSymbolSizer } from '../labels/barcodes';
import { labelFonts } from '../labels/fonts';

/** Length of a test print on continuous DYMO tape. */
const TAPE_TEST_LENGTH_MM = 60;

/** The printable height of a label stock in mm (tape: what the head prints across it at 180 dpi). */
export function stockHeightMm(size: LabelSize): number {
  const s = LABEL_SIZES[size];
  return s.tapeMm ? (dymoBytesPerLine(s.tapeMm) * 8 * MM_PER_INCH) / DYMO_DPI : s.heightMm;
}

/**
 * A test label for a label stock: a DataMatrix, as many lines of "Veil test print / printer / date" as fit, and on
 * die-cut labels a frame near the edges (to see the alignment). No patient or kit data.
 */
export function testLabelLayout(size: LabelSize, printerName: string, printedAt: Date): LabelLayout {
  const s = LABEL_SIZES[size];
  const fonts = labelFonts();
  const height = stockHeightMm(size);
  const width = s.widthMm ?? TAPE_TEST_LENGTH_MM;
  const margin = s.tapeMm ? 0.4 : 1.5;
  // On tape the symbol takes the whole height (its quiet zone is the tape's edge); on labels it sits in the margin.
  const symbol = s.tapeMm ? height : Math.min(height - 2 * margin, 22);
  const symbolX = s.tapeMm ? 1.5 : margin;
  const textX = symbolX + symbol + 1.2;
  const textWidth = width - textX - margin;
  const lines = ['Veil test print', printerName, printedAt.toISOString().slice(0, 16).replace('T', ' ') + ' UTC'];
  // The largest size at which the lines fit across, and as many lines as fit down.
  const sizes = s.tapeMm ? [6.5, 5.5, 4.5] : [11, 9, 8, 7, 6, 5];
  const sizePt =
    sizes.find((pt) => textBlockHeightMm(1, pt) <= height - 2 * margin && lines.every((text, i) => fonts.measurer.widthMm(text, { sizePt: pt, bold: i === 0 }) <= textWidth)) ??
    sizes[sizes.length - 1]!;
  // A line that does not fit even at the smallest size is left out (never cut); the title always fits.
  const shown = lines.filter((text, i) => i === 0 || fonts.measurer.widthMm(text, { sizePt, bold: false }) <= textWidth);
  const lineH = textBlockHeightMm(1, sizePt);
  const fit = Math.max(1, Math.min(shown.length, Math.floor((height - 2 * margin - 0.2) / lineH)));
  const elements: ElementSpec[] = [
    { kind: 'datamatrix', field: 'testSymbol', box: { x: symbolX, y: (height - symbol) / 2, width: symbol, height: symbol }, payload: 'VEIL-TEST' },
  ];
  if (!s.tapeMm) elements.push({ kind: 'frame', field: 'edge', box: { x: 0.5, y: 0.5, width: width - 1, height: height - 1 }, thicknessMm: 0.3 });
  shown.slice(0, fit).forEach((text, i) =>
    elements.push({
      kind: 'text',
      field: `line${i + 1}`,
      box: { x: textX, y: (height - fit * lineH) / 2 + i * lineH, width: textWidth, height: lineH },
      sizePt,
      bold: i === 0,
      wrap: 'none',
      runs: [{ text }],
    }),
  );
  return layoutLabel({ name: 'test', widthMm: width, heightMm: height, elements }, fonts.measurer, bwipSymbolSizer);
}
