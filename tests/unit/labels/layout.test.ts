import { describe, expect, it } from 'vitest';
import {
  LabelLayoutError,
  MM_PER_PT,
  labelTexts,
  layoutLabel,
  textBlockHeightMm,
  type LabelSpec,
  type LaidOutText,
  type TextSpec,
} from '../../../shared/labels/layout';
import { cartonLabel, syringeLabel } from '../../../shared/labels/blindedLabel';
import { bwipSymbolSizer } from '../../../main/core/labels/barcodes';
import { labelFonts } from '../../../main/core/labels/fonts';
import { fakeMeasurer, nsDupiLabel } from './fixtures';

/** One text element on a 100 x 50 mm label; at 10 pt the fake measurer makes every character exactly 1 mm wide. */
function oneText(text: Partial<TextSpec> & { runs: TextSpec['runs'] }): LabelSpec {
  return {
    name: 'test',
    widthMm: 100,
    heightMm: 50,
    elements: [{ kind: 'text', field: 'storage', box: { x: 5, y: 5, width: 20, height: textBlockHeightMm(2, 10) }, sizePt: 10, ...text }],
  };
}

function layoutError(fn: () => unknown): LabelLayoutError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(LabelLayoutError);
    return error as LabelLayoutError;
  }
  throw new Error('expected a LabelLayoutError');
}

describe('text that does not fit is an error naming the field, never cut', () => {
  it('a single line 3 mm too long', () => {
    const e = layoutError(() => layoutLabel(oneText({ wrap: 'none', runs: [{ text: 'Store at 2-8 C, dark.!!' }] }), fakeMeasurer));
    expect(e.field).toBe('storage');
    expect(e.problem).toBe('text-too-long');
    expect(e.overflowMm).toBeCloseTo(3, 6);
    expect(e.message).toBe('Label field "storage": "Store at 2-8 C, dark.!!" is 3.0 mm too long for its 20.0 mm box at 10 pt');
  });

  it('wrapped text needing more lines than the box holds', () => {
    // 3 lines of at most 20 characters; the box holds 2.
    const e = layoutError(() => layoutLabel(oneText({ runs: [{ text: 'Store at 2-8 C. Do not freeze. Keep in the carton.' }] }), fakeMeasurer));
    expect(e.field).toBe('storage');
    expect(e.problem).toBe('too-many-lines');
    expect(e.message).toContain('needs 3 lines at 10 pt but its 20.0 x 8.1 mm box holds 2');
    expect(e.overflowMm).toBeCloseTo('the carton.'.length, 6);
    expect(e.message).toContain('11.0 mm of text too long');
  });

  it('a word longer than the box cannot be wrapped', () => {
    const e = layoutError(() => layoutLabel(oneText({ runs: [{ text: 'Pseudopseudohypoparathyroidism' }] }), fakeMeasurer));
    expect(e.field).toBe('storage');
    expect(e.problem).toBe('word-too-long');
    expect(e.overflowMm).toBeCloseTo(10, 6);
  });

  it('a character the font cannot print', () => {
    const e = layoutError(() => layoutLabel(oneText({ runs: [{ text: 'Keep cool \u{1F600}' }] }), fakeMeasurer));
    expect(e.field).toBe('storage');
    expect(e.problem).toBe('missing-glyphs');
    // The real label font cannot print CJK either.
    const real = layoutError(() => layoutLabel(oneText({ runs: [{ text: '冷藏' }] }), labelFonts().measurer));
    expect(real.problem).toBe('missing-glyphs');
  });

  it('a stack that runs past its bottom names the first field that does not fit and by how much', () => {
    const spec: LabelSpec = {
      name: 'test',
      widthMm: 100,
      heightMm: 30,
      elements: [
        {
          kind: 'stack',
          field: 'column',
          box: { x: 0, y: 0, width: 20, height: textBlockHeightMm(3, 10) },
          items: [
            { kind: 'text', field: 'product', sizePt: 10, runs: [{ text: 'dupilumab or placebo' }] },
            { kind: 'text', field: 'directions', sizePt: 10, runs: [{ text: 'Inject as directed by the investigator on each visit day' }] },
            { kind: 'text', field: 'storage', sizePt: 10, runs: [{ text: '2-8 C' }] },
          ],
        },
      ],
    };
    const e = layoutError(() => layoutLabel(spec, fakeMeasurer));
    expect(e.field).toBe('directions');
    expect(e.problem).toBe('too-many-lines');
    // product 1 line + directions 3 lines + storage 1 line = 5 lines in a 3-line block.
    expect(e.overflowMm).toBeCloseTo(textBlockHeightMm(2, 10), 6);
    expect(e.message).toContain('does not fit in the "column" block');
  });

  it('real font: a storage text too long for the carton is refused naming the field that runs out of room', () => {
    const data = nsDupiLabel('483920');
    data.product.storage = `${data.product.storage} ${'Protect from light and keep the syringe in its outer carton until use. '.repeat(2)}`;
    const e = layoutError(() => layoutLabel(cartonLabel(data), labelFonts().measurer));
    expect(e.problem).toBe('too-many-lines');
    expect(e.message).toMatch(/mm too long/);
    expect(e.overflowMm).toBeGreaterThan(0);
  });

  it('real font: a kit number wider than its box is refused as kitNumber', () => {
    const e = layoutError(() => layoutLabel(cartonLabel(nsDupiLabel('KIT-0000000000000000000000000')), labelFonts().measurer));
    expect(e.field).toBe('kitNumber');
    expect(e.problem).toBe('text-too-long');
  });

  it('real font: a syringe label longer than the tape allows names the label and the excess', () => {
    const data = nsDupiLabel('483920', {});
    data.contacts.emergency.phone = '+33 5 00 00 00 02 / +33 5 00 00 00 03 / +33 5 00 00 00 04';
    const e = layoutError(() => syringeLabel(data, labelFonts().measurer));
    expect(e.field).toBe('syringe');
    expect(e.message).toMatch(/needs \d+\.\d mm of tape but may be at most 80 mm long \(\d+\.\d mm too long\)/);
  });
});

describe('layout model', () => {
  it('wraps at spaces, keeps run styles, aligns and places baselines in mm', () => {
    const layout = layoutLabel(
      oneText({ align: 'right', runs: [{ text: 'Lot ' }, { text: 'AB12', bold: true }, { text: ' use before 09/2027' }] }),
      fakeMeasurer,
    );
    const el = layout.elements[0] as LaidOutText;
    expect(el.lines.map((l) => l.spans.map((s) => `${s.bold ? '*' : ''}${s.text}`))).toEqual([['Lot ', '*AB12', ' use before'], ['09/2027']]);
    // Right-aligned: the first line is 4 + 4.8 + 11 = 19.8 mm wide, ending at the box's right edge (25 mm).
    expect(el.lines[0]!.widthMm).toBeCloseTo(19.8, 9);
    expect(el.lines[0]!.spans[0]!.xMm).toBeCloseTo(25 - 19.8, 9);
    expect(el.lines[1]!.spans[0]!.xMm).toBeCloseTo(25 - 7, 9);
    // Baselines: half-leading (0.075 em) + ascent (0.8 em), then one pitch (1.15 em) per line.
    const em = 10 * MM_PER_PT;
    expect(el.lines[0]!.baselineMm).toBeCloseTo(5 + 0.075 * em + 0.8 * em, 9);
    expect(el.lines[1]!.baselineMm - el.lines[0]!.baselineMm).toBeCloseTo(1.15 * em, 9);
    expect(labelTexts(layout)).toEqual([{ field: 'storage', text: 'Lot AB12 use before\n09/2027' }]);
  });

  it('a forced line break', () => {
    const el = layoutLabel(oneText({ runs: [{ text: 'one\ntwo' }] }), fakeMeasurer).elements[0] as LaidOutText;
    expect(el.lines.map((l) => l.spans[0]!.text)).toEqual(['one', 'two']);
  });

  it('refuses boxes outside the label and overlapping boxes', () => {
    const outside = layoutError(() =>
      layoutLabel({ name: 't', widthMm: 50, heightMm: 20, elements: [{ kind: 'datamatrix', field: 'kitBarcode', box: { x: 45, y: 5, width: 10, height: 10 }, payload: '1' }] }, fakeMeasurer),
    );
    expect(outside.problem).toBe('outside-label');
    expect(outside.overflowMm).toBeCloseTo(5, 9);
    const overlap = layoutError(() =>
      layoutLabel(
        {
          name: 't',
          widthMm: 50,
          heightMm: 20,
          elements: [
            { kind: 'text', field: 'kitNumber', box: { x: 0, y: 0, width: 30, height: 5 }, sizePt: 8, runs: [{ text: '1' }] },
            { kind: 'datamatrix', field: 'kitBarcode', box: { x: 25, y: 2, width: 10, height: 10 }, payload: '1' },
          ],
        },
        fakeMeasurer,
      ),
    );
    expect(overlap.field).toBe('kitBarcode');
    expect(overlap.problem).toBe('overlap');
  });

  it('refuses a barcode box too small for its symbol at the minimum module size', () => {
    const e = layoutError(() =>
      layoutLabel(
        { name: 't', widthMm: 50, heightMm: 20, elements: [{ kind: 'datamatrix', field: 'kitBarcode', box: { x: 1, y: 1, width: 2.5, height: 2.5 }, payload: '483920' }] },
        fakeMeasurer,
        bwipSymbolSizer,
      ),
    );
    expect(e.field).toBe('kitBarcode');
    expect(e.problem).toBe('barcode-too-large');
    // 10 x 10 modules + 1 quiet module each side at 0.25 mm = 3 mm.
    expect(e.overflowMm).toBeCloseTo(0.5, 9);
  });
});
