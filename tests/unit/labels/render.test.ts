import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { cartonLabel, syringeLabel } from '../../../shared/labels/blindedLabel';
import { layoutLabel, mmToDots, type LabelLayout, type LabelSpec } from '../../../shared/labels/layout';
import { bwipSymbolSizer, placeSymbol } from '../../../main/core/labels/barcodes';
import { encodeDymoJob } from '../../../main/core/labels/dymo';
import { labelFonts } from '../../../main/core/labels/fonts';
import { PDF_FIXED_DATE, renderPdf } from '../../../main/core/labels/pdf';
import { bitmapToPng, pngToBits } from '../../../main/core/labels/png';
import { renderRaster } from '../../../main/core/labels/raster';
import { renderZpl } from '../../../main/core/labels/zpl';
import { GOLDEN_DIR, decodeRegion, fakeMeasurer, nsDupiLabel, outDir } from './fixtures';

const fonts = labelFonts();
const KIT = '483920';
const carton = layoutLabel(cartonLabel(nsDupiLabel(KIT)), fonts.measurer, bwipSymbolSizer);
const syringe = layoutLabel(syringeLabel(nsDupiLabel(KIT), fonts.measurer), fonts.measurer, bwipSymbolSizer);

describe('ZPL II golden files (203 dpi)', () => {
  // Written once from the implementation with UPDATE_GOLDEN=1, reviewed by eye against HARDWARE.md, then compared byte
  // for byte.
  it.each([
    ['carton.zpl', carton],
    ['syringe.zpl', syringe],
  ])('%s', (file, layout) => {
    const zpl = renderZpl(layout);
    const golden = path.join(GOLDEN_DIR, file);
    if (process.env.UPDATE_GOLDEN === '1' || !existsSync(golden)) writeFileSync(golden, zpl);
    expect(Buffer.from(zpl, 'utf8').equals(readFileSync(golden))).toBe(true);
  });

  it('has the frame HARDWARE.md asks for: ^XA ^CI28 ^PW ^LL ... ^XZ, DataMatrix ECC 200 with an explicit escape character', () => {
    const zpl = renderZpl(carton);
    expect(zpl.startsWith('^XA\n^CI28\n^PW799\n^LL400\n')).toBe(true);
    expect(zpl.trimEnd().endsWith('^XZ')).toBe(true);
    expect(zpl).toMatch(/\^FO\d+,\d+\^BXN,\d+,200,10,10,,_\^FD483920\^FS/);
    expect(renderZpl(syringe)).toMatch(/^\^XA\n\^CI28\n\^PW\d+\n\^LL72\n/);
  });

  it('escapes ^ ~ _ in text with ^FH, doubles _ in DataMatrix data, and writes Code 128 with ^BY/^BC', () => {
    const spec: LabelSpec = {
      name: 't',
      widthMm: 60,
      heightMm: 20,
      elements: [
        { kind: 'text', field: 'note', box: { x: 1, y: 1, width: 40, height: 4 }, sizePt: 8, wrap: 'none', runs: [{ text: 'a^b~c_d é' }] },
        { kind: 'datamatrix', field: 'dm', box: { x: 45, y: 1, width: 12, height: 12 }, payload: 'K_1' },
        { kind: 'code128', field: 'c128', box: { x: 1, y: 8, width: 40, height: 8 }, payload: 'K-1>2' },
      ],
    };
    const zpl = renderZpl(layoutLabel(spec, fakeMeasurer));
    expect(zpl).toContain('^FH_^FDa_5Eb_7Ec_5Fd é^FS');
    expect(zpl).toMatch(/\^BXN,\d+,200,\d+,\d+,,_\^FDK__1\^FS/);
    expect(zpl).toMatch(/\^BY\d+\^FO\d+,\d+\^BCN,\d+,N,N,N\^FDK-1><2\^FS/);
    expect(() => renderZpl(layoutLabel({ ...spec, elements: [{ kind: 'datamatrix', field: 'dm', box: { x: 1, y: 1, width: 12, height: 12 }, payload: 'a^b' }] }, fakeMeasurer))).toThrow(/\^/);
  });
});

describe('renderers', () => {
  it('are deterministic: the same layout gives the same bytes (raster, PNG, ZPL, PDF, DYMO)', async () => {
    const again = layoutLabel(cartonLabel(nsDupiLabel(KIT)), fonts.measurer, bwipSymbolSizer);
    expect(renderRaster(again, 300).equals(renderRaster(carton, 300))).toBe(true);
    expect(bitmapToPng(renderRaster(again, 300), { dpi: 300 }).equals(bitmapToPng(renderRaster(carton, 300), { dpi: 300 }))).toBe(true);
    expect(renderZpl(again)).toBe(renderZpl(carton));
    const [a, b] = [await renderPdf(carton), await renderPdf(again)];
    expect(Buffer.from(a).equals(Buffer.from(b))).toBe(true);
    expect(Buffer.from(encodeDymoJob(renderRaster(syringe, 180)).bytes).equals(Buffer.from(encodeDymoJob(renderRaster(syringe, 180)).bytes))).toBe(true);
  });

  it('the PDF is one page at the label size, fixed dates and producer, the TTF embedded, no random ID', async () => {
    const pdf = Buffer.from(await renderPdf(carton)).toString('latin1');
    const box = /\/MediaBox \[ 0 0 ([\d.]+) ([\d.]+) \]/.exec(pdf)!;
    expect(Number(box[1])).toBeCloseTo((100 / 25.4) * 72, 3);
    expect(Number(box[2])).toBeCloseTo((50 / 25.4) * 72, 3);
    expect(pdf).toContain('/CreationDate (D:20000101000000Z)');
    expect(pdf).toContain('/ModDate (D:20000101000000Z)');
    expect(pdf).toContain('/FontFile2');
    expect(pdf).not.toMatch(/\/ID\s*\[/);
    const dated = Buffer.from(await renderPdf(carton, { date: new Date(Date.UTC(2026, 10, 25, 9, 30)) })).toString('latin1');
    expect(dated).toContain('/CreationDate (D:20261125093000Z)');
    expect(PDF_FIXED_DATE.toISOString()).toBe('2000-01-01T00:00:00.000Z');
  });

  it('barcodes read back with an independent reader at every printer resolution, with whole-dot modules', () => {
    for (const dpi of [180, 203, 300]) {
      for (const layout of [carton, syringe]) {
        const el = layout.elements.find((e) => e.kind === 'datamatrix')!;
        if (el.kind !== 'datamatrix') throw new Error('no barcode');
        const placed = placeSymbol(el, dpi);
        expect(Number.isInteger(placed.moduleDots) && placed.moduleDots >= 2).toBe(true);
        expect(decodeRegion(renderRaster(layout, dpi), el.box, dpi, 'datamatrix')).toBe(KIT);
      }
    }
    const code128: LabelLayout = layoutLabel(
      { name: 't', widthMm: 60, heightMm: 15, elements: [{ kind: 'code128', field: 'c', box: { x: 2, y: 2, width: 56, height: 10 }, payload: 'KIT-483920' }] },
      fakeMeasurer,
      bwipSymbolSizer,
    );
    for (const dpi of [203, 300]) expect(decodeRegion(renderRaster(code128, dpi), { x: 0, y: 0, width: 60, height: 15 }, dpi, 'code128')).toBe('KIT-483920');
  });

  it('a module below the minimum at a coarse resolution is an error, not an unreadable code', () => {
    const tiny = layoutLabel({ name: 't', widthMm: 20, heightMm: 20, elements: [{ kind: 'datamatrix', field: 'kitBarcode', box: { x: 1, y: 1, width: 3.2, height: 3.2 }, payload: KIT }] }, fakeMeasurer, bwipSymbolSizer);
    expect(() => renderRaster(tiny, 180)).toThrow(/kitBarcode.*below the 0.25 mm minimum/);
    expect(() => renderRaster(tiny, 600)).not.toThrow();
  });

  it('raster sizes follow the label size at each printer resolution', () => {
    expect([renderRaster(carton, 203).width, renderRaster(carton, 203).height]).toEqual([799, 400]);
    expect(renderRaster(syringe, 180).height).toBe(64);
    expect(renderRaster(syringe, 180).width).toBe(mmToDots(syringe.widthMm, 180));
  });

  it('writes the previews (PNG, PDF, ZPL, DYMO stream) to tests/unit/labels/out to look at; the PNG reads back as the raster', async () => {
    const dir = outDir();
    const previews: Array<[string, LabelLayout, number, number]> = [
      ['carton-300dpi.png', carton, 300, 1],
      ['carton-203dpi-zebra.png', carton, 203, 2],
      ['syringe-180dpi-dymo.png', syringe, 180, 4],
      ['syringe-203dpi-zebra.png', syringe, 203, 4],
      ['syringe-300dpi.png', syringe, 300, 2],
    ];
    for (const [file, layout, dpi, scale] of previews) {
      const raster = renderRaster(layout, dpi);
      const png = bitmapToPng(raster, { dpi, scale });
      writeFileSync(path.join(dir, file), png);
      if (scale === 1) {
        const back = pngToBits(png);
        expect([back.width, back.height]).toEqual([raster.width, raster.height]);
        expect(Buffer.from(back.data).equals(Buffer.from(raster.data))).toBe(true);
      }
    }
    writeFileSync(path.join(dir, 'carton.pdf'), await renderPdf(carton));
    writeFileSync(path.join(dir, 'syringe.pdf'), await renderPdf(syringe));
    writeFileSync(path.join(dir, 'carton.zpl'), renderZpl(carton));
    writeFileSync(path.join(dir, 'syringe.dymo.bin'), encodeDymoJob(renderRaster(syringe, 180)).bytes);
  });
});
