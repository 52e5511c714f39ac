import fontkit from '@pdf-lib/fontkit';
import {
  PDFDocument,
  PDFName,
  beginMarkedContent,
  beginText,
  endMarkedContent,
  endText,
  fill,
  moveText,
  popGraphicsState,
  pushGraphicsState,
  rectangle,
  setFillingGrayscaleColor,
  setFontAndSize,
  showText,
  type PDFFont,
  type PDFOperator,
  type PDFPage,
} from 'pdf-lib';
import { MM_PER_INCH, MM_PER_PT, mmToDots, type LabelLayout } from '../../../shared/labels/layout';
import { boxDots, placeSymbol, symbolRects } from './barcodes';
import { labelFonts, type LabelFonts } from './fonts';

/**
 * The label as a one-page PDF at its physical size, for any printer: vector text in the embedded label TTF (subset),
 * barcodes and rules as filled rectangles on the same dot grid as the 300 dpi raster (so the PDF's symbol is the
 * preview's symbol).
 *
 * Deterministic: the same layout gives the same bytes. Creation and modification dates are fixed (or given), producer
 * and creator are "Veil", there is no random document ID, the font subset tag comes from pdf-lib's seeded generator,
 * and the subset's glyph numbering is fixed by encoding one fixed character set first (so the glyph ids in the content
 * stream do not depend on which characters the label happens to use first, e.g. the kit number's digits).
 *
 * Every element is wrapped in a marked-content sequence tagged `Veil_<field>` (BMC/EMC), so a content stream can be
 * read element by element (tests compare two labels field by field).
 */
export const PDF_FIXED_DATE = new Date(Date.UTC(2000, 0, 1, 0, 0, 0));
/** Geometry grid of barcodes and rules in the PDF: the preview's 300 dpi. */
export const PDF_GRID_DPI = 300;

/** Characters whose glyphs go into every subset first, in this order: printable ASCII, Latin-1, common punctuation. */
const FIXED_CHARSET = (() => {
  let s = '';
  for (let c = 0x20; c <= 0x7e; c++) s += String.fromCharCode(c);
  for (let c = 0xa0; c <= 0xff; c++) s += String.fromCharCode(c);
  return s + '\u2013\u2014\u2018\u2019\u201c\u201d\u2022\u2026\u00b7\u20ac\u2264\u2265\u00b5';
})();

/** Coordinates rounded to 1/10000 pt: short, stable numbers in the content stream. */
const round = (v: number): number => Math.round(v * 10000) / 10000;
const pt = (mm: number): number => round(mm / MM_PER_PT);
/** The two fonts' resource names on the page (fixed, instead of pdf-lib's generated key per drawText call). */
const FONT_KEYS = { regular: 'F1', bold: 'F2' } as const;

export interface PdfOptions {
  fonts?: LabelFonts;
  /** Creation and modification date written into the PDF (default 2000-01-01T00:00:00Z). */
  date?: Date;
  title?: string;
}

async function embed(doc: PDFDocument, bytes: Uint8Array, bold: boolean, fonts: LabelFonts): Promise<PDFFont> {
  // No kerning or ligatures: the PDF's advances must be the plain glyph advances the layout measured.
  const font = await doc.embedFont(bytes, { subset: true, features: { kern: false, liga: false, clig: false, calt: false, dlig: false } });
  const drawable = [...FIXED_CHARSET].filter((ch) => (bold ? fonts.bold : fonts.regular).font.charToGlyphIndex(ch) !== 0).join('');
  font.encodeText(drawable);
  return font;
}

function markedContent(page: PDFPage, field: string, draw: () => void): void {
  page.pushOperators(beginMarkedContent(PDFName.of(`Veil_${field.replace(/\W/g, '_')}`)));
  draw();
  page.pushOperators(endMarkedContent());
}

/** Fills dot rectangles (at PDF_GRID_DPI) in black. */
function fillDotRects(page: PDFPage, heightPt: number, rects: Array<{ x: number; y: number; width: number; height: number }>): void {
  const k = 72 / PDF_GRID_DPI;
  const ops: PDFOperator[] = [pushGraphicsState(), setFillingGrayscaleColor(0)];
  for (const r of rects) ops.push(rectangle(round(r.x * k), round(heightPt - (r.y + r.height) * k), round(r.width * k), round(r.height * k)));
  ops.push(fill(), popGraphicsState());
  page.pushOperators(...ops);
}

export async function renderPdf(layout: LabelLayout, options: PdfOptions = {}): Promise<Uint8Array> {
  const fonts = options.fonts ?? labelFonts();
  const date = options.date ?? PDF_FIXED_DATE;
  const doc = await PDFDocument.create({ updateMetadata: false });
  doc.registerFontkit(fontkit);
  doc.setTitle(options.title ?? `Veil ${layout.name} label`);
  doc.setProducer('Veil');
  doc.setCreator('Veil');
  doc.setCreationDate(date);
  doc.setModificationDate(date);
  const regular = await embed(doc, fonts.regular.bytes, false, fonts);
  const bold = await embed(doc, fonts.bold.bytes, true, fonts);

  const widthPt = pt(layout.widthMm);
  const heightPt = pt(layout.heightMm);
  const page = doc.addPage([widthPt, heightPt]);
  page.node.setFontDictionary(PDFName.of(FONT_KEYS.regular), regular.ref);
  page.node.setFontDictionary(PDFName.of(FONT_KEYS.bold), bold.ref);
  const dpi = PDF_GRID_DPI;
  for (const el of layout.elements) {
    switch (el.kind) {
      case 'text':
        markedContent(page, el.field, () => {
          const ops: PDFOperator[] = [pushGraphicsState(), setFillingGrayscaleColor(0)];
          for (const line of el.lines)
            for (const span of line.spans) {
              if (span.text.trim() === '') continue;
              const font = span.bold ? bold : regular;
              ops.push(
                beginText(),
                setFontAndSize(span.bold ? FONT_KEYS.bold : FONT_KEYS.regular, el.sizePt),
                moveText(pt(span.xMm), round(heightPt - pt(line.baselineMm))),
                showText(font.encodeText(span.text)),
                endText(),
              );
            }
          ops.push(popGraphicsState());
          page.pushOperators(...ops);
        });
        break;
      case 'datamatrix':
      case 'code128':
        markedContent(page, el.field, () => fillDotRects(page, heightPt, symbolRects(placeSymbol(el, dpi))));
        break;
      case 'rule': {
        const t = Math.max(1, mmToDots(el.thicknessMm, dpi));
        const x = mmToDots(el.x, dpi);
        const y = mmToDots(el.y, dpi);
        const rect =
          el.direction === 'horizontal'
            ? { x, y, width: mmToDots(el.x + el.lengthMm, dpi) - x, height: t }
            : { x, y, width: t, height: mmToDots(el.y + el.lengthMm, dpi) - y };
        markedContent(page, el.field ?? 'rule', () => fillDotRects(page, heightPt, [rect]));
        break;
      }
      case 'frame': {
        const b = boxDots(el.box, dpi);
        const t = Math.max(1, mmToDots(el.thicknessMm, dpi));
        const rects = el.filled
          ? [b]
          : [
              { x: b.x, y: b.y, width: b.width, height: t },
              { x: b.x, y: b.y + b.height - t, width: b.width, height: t },
              { x: b.x, y: b.y, width: t, height: b.height },
              { x: b.x + b.width - t, y: b.y, width: t, height: b.height },
            ];
        markedContent(page, el.field ?? 'frame', () => fillDotRects(page, heightPt, rects));
        break;
      }
    }
  }
  return doc.save({ useObjectStreams: false });
}

/** Physical page size of a label in PDF points (for tests and print dialogs). */
export function pdfPageSizePt(layout: LabelLayout): { width: number; height: number } {
  return { width: (layout.widthMm / MM_PER_INCH) * 72, height: (layout.heightMm / MM_PER_INCH) * 72 };
}
