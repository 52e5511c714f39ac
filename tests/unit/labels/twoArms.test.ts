import { inflateSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { KIT_FIELDS, cartonLabel, syringeLabel } from '../../../shared/labels/blindedLabel';
import { layoutLabel, type LabelLayout } from '../../../shared/labels/layout';
import { bwipSymbolSizer } from '../../../main/core/labels/barcodes';
import { labelFonts } from '../../../main/core/labels/fonts';
import { renderPdf } from '../../../main/core/labels/pdf';
import { renderRaster } from '../../../main/core/labels/raster';
import { renderZpl } from '../../../main/core/labels/zpl';
import { KIT_OF_ARM, decodeRegion, enclosingDots, nsDupiLabel } from './fixtures';

/**
 * The labels of two kits of DIFFERENT arms, dispensed as if to the same patient at the same visit, differ only in the
 * kit number (its text and its DataMatrix). The two inputs are built from identical data except the kit number: the
 * arm, real lot and real expiry of each kit (KIT_OF_ARM) never reach the label; the lot and date printed are the
 * blinded lot and the common use-before date.
 */
const fonts = labelFonts();
const active = KIT_OF_ARM.DUPI300;
const placebo = KIT_OF_ARM.PLACEBO;
expect(active.arm).not.toBe(placebo.arm);

const LABELS = {
  carton: (kit: string): LabelLayout => layoutLabel(cartonLabel(nsDupiLabel(kit)), fonts.measurer, bwipSymbolSizer),
  syringe: (kit: string): LabelLayout => layoutLabel(syringeLabel(nsDupiLabel(kit), fonts.measurer), fonts.measurer, bwipSymbolSizer),
} as const;
const KIT_FIELD_SET = new Set<string>(KIT_FIELDS);

function kitBoxes(layout: LabelLayout) {
  return layout.elements.flatMap((el) => ('box' in el && el.field && KIT_FIELD_SET.has(el.field) ? [{ field: el.field, box: el.box }] : []));
}

describe.each(Object.entries(LABELS))('%s label of two kits of different arms', (_name, build) => {
  const a = build(active.kitNumber);
  const b = build(placebo.kitNumber);

  it('the two inputs differ only in kitNumber', () => {
    const da = nsDupiLabel(active.kitNumber);
    const db = nsDupiLabel(placebo.kitNumber);
    expect({ ...da, kitNumber: 'X' }).toEqual({ ...db, kitNumber: 'X' });
    expect(da.kitNumber).not.toBe(db.kitNumber);
  });

  it('ZPL: only the kit-number fields differ', () => {
    const za = renderZpl(a).split('\n');
    const zb = renderZpl(b).split('\n');
    expect(za.length).toBe(zb.length);
    // Each element starts with a comment line `^FX <field>`; the lines after it up to the next ^FX belong to it.
    const fieldOf = (lines: string[]): string[] => {
      let field = '(header)';
      return lines.map((line) => {
        if (line.startsWith('^FX ')) field = line.slice(4);
        else if (!/^\^(FT|FO|BY|FH)/.test(line)) field = '(layout)';
        return field;
      });
    };
    const fields = fieldOf(za);
    expect(fieldOf(zb)).toEqual(fields);
    const differing = za.flatMap((line, i) => (line !== zb[i] ? [{ field: fields[i]!, a: line, b: zb[i]! }] : []));
    expect(new Set(differing.map((d) => d.field))).toEqual(KIT_FIELD_SET);
    for (const d of differing) {
      expect(d.a).toContain(active.kitNumber);
      expect(d.b).toContain(placebo.kitNumber);
      expect(d.a.replace(active.kitNumber, '#')).toBe(d.b.replace(placebo.kitNumber, '#'));
    }
  });

  it.each([180, 203, 300])('raster at %i dpi: every differing pixel lies inside the kit-number text box or the barcode box', (dpi) => {
    const ra = renderRaster(a, dpi);
    const rb = renderRaster(b, dpi);
    expect([ra.width, ra.height]).toEqual([rb.width, rb.height]);
    const boxes = kitBoxes(a).map((k) => ({ ...k, dots: enclosingDots(k.box, dpi) }));
    expect(boxes.map((k) => k.field).sort()).toEqual([...KIT_FIELDS].sort());
    const differingIn = new Map<string, number>();
    const outside: Array<[number, number]> = [];
    for (let y = 0; y < ra.height; y++)
      for (let x = 0; x < ra.width; x++) {
        if (ra.get(x, y) === rb.get(x, y)) continue;
        const hit = boxes.find((k) => x >= k.dots.x0 && x < k.dots.x1 && y >= k.dots.y0 && y < k.dots.y1);
        if (hit) differingIn.set(hit.field, (differingIn.get(hit.field) ?? 0) + 1);
        else outside.push([x, y]);
      }
    expect(outside).toEqual([]);
    // Both the text and the barcode do differ (the kit numbers are different), and each still reads right.
    expect([...differingIn.keys()].sort()).toEqual([...KIT_FIELDS].sort());
    const barcodeBox = boxes.find((k) => k.field === 'kitBarcode')!.box;
    expect(decodeRegion(ra, barcodeBox, dpi, 'datamatrix')).toBe(active.kitNumber);
    expect(decodeRegion(rb, barcodeBox, dpi, 'datamatrix')).toBe(placebo.kitNumber);
  });

  it('PDF: every object is byte-identical but the page content, whose only differing sections are the kit number and its barcode', async () => {
    const pa = await renderPdf(a);
    const pb = await renderPdf(b);
    const oa = pdfObjects(pa);
    const ob = pdfObjects(pb);
    expect([...oa.keys()]).toEqual([...ob.keys()]);
    const contentA = pageContent(oa);
    const contentB = pageContent(ob);
    // Fonts (the subsets), page, catalog, info: identical bytes.
    for (const [num, body] of oa) if (num !== contentA.objectNumber) expect(body.equals(ob.get(num)!), `object ${num}`).toBe(true);
    const sa = markedSections(contentA.text);
    const sb = markedSections(contentB.text);
    expect(sa.map((s) => s.tag)).toEqual(sb.map((s) => s.tag));
    const differing = sa.filter((s, i) => s.body !== sb[i]!.body).map((s) => s.tag);
    expect(differing.sort()).toEqual(KIT_FIELDS.map((f) => `Veil_${f}`).sort());
    // Outside the marked sections there is nothing at all.
    expect(contentA.text.replace(/\/Veil_\w+ BMC\n[\s\S]*?\nEMC\n?/g, '').trim()).toBe('');
  });
});

/** The indirect objects of a PDF written by pdf-lib without object streams: number -> raw bytes of the object. */
function pdfObjects(pdf: Uint8Array): Map<number, Buffer> {
  const buf = Buffer.from(pdf);
  const text = buf.toString('latin1');
  const objects = new Map<number, Buffer>();
  for (const m of text.matchAll(/(\d+) 0 obj\n([\s\S]*?)\nendobj/g)) objects.set(Number(m[1]), buf.subarray(m.index + m[0].indexOf('\n') + 1, m.index + m[0].length - 7));
  return objects;
}

function pageContent(objects: Map<number, Buffer>): { objectNumber: number; text: string } {
  for (const [num, body] of objects) {
    const head = body.toString('latin1', 0, 200);
    if (!head.includes('/FlateDecode') || head.includes('/Length1')) continue;
    const start = body.indexOf('stream\n') + 7;
    const end = body.lastIndexOf('\nendstream');
    let text: string;
    try {
      text = inflateSync(body.subarray(start, end)).toString('latin1');
    } catch {
      continue;
    }
    if (text.includes(' BMC')) return { objectNumber: num, text };
  }
  throw new Error('no page content stream');
}

function markedSections(content: string): Array<{ tag: string; body: string }> {
  return [...content.matchAll(/\/(Veil_\w+) BMC\n([\s\S]*?)\nEMC/g)].map((m) => ({ tag: m[1]!, body: m[2]! }));
}
