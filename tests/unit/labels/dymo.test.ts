import { describe, expect, it } from 'vitest';
import { syringeLabel } from '../../../shared/labels/blindedLabel';
import { layoutLabel } from '../../../shared/labels/layout';
import { bwipSymbolSizer } from '../../../main/core/labels/barcodes';
import {
  DymoStreamError,
  decodeDymoHidReports,
  decodeDymoStream,
  dymoBytesPerLine,
  encodeDymoJob,
  toHidReports,
} from '../../../main/core/labels/dymo';
import { labelFonts } from '../../../main/core/labels/fonts';
import { Bitmap, renderRaster } from '../../../main/core/labels/raster';
import { nsDupiLabel } from './fixtures';

const ESC = 0x1b;
const SYN = 0x16;
const times = (n: number, byte: number): number[] => new Array<number>(n).fill(byte);

/** 130 columns x 64 rows with five known pixels. */
function knownBitmap(): Bitmap {
  const b = new Bitmap(130, 64);
  b.set(0, 0); // column 0, top dot -> byte 0, bit 0
  b.set(1, 7); // column 1, dot 7 -> byte 0, bit 7
  b.set(2, 63); // column 2, bottom dot -> byte 7, bit 7
  b.set(3, 8); // column 3, dot 8 -> byte 1, bit 0
  b.set(129, 32); // last column, dot 32 -> byte 4, bit 0
  return b;
}

describe('DYMO LabelManager tape job', () => {
  it('bytes per raster line follow floor(8 * tape_mm / 12)', () => {
    expect([6, 9, 12].map(dymoBytesPerLine)).toEqual([4, 6, 8]);
  });

  it('encodes a known bitmap to the exact byte stream: leader, dot tab, bytes per line, columns, status every 64 lines, trailer, cut', () => {
    const line = (bytes: Record<number, number> = {}): number[] => [SYN, ...Array.from({ length: 8 }, (_v, i) => bytes[i] ?? 0)];
    const columns: number[] = [];
    for (let x = 0; x < 130; x++) {
      const known: Record<number, Record<number, number>> = { 0: { 0: 0x01 }, 1: { 0: 0x80 }, 2: { 7: 0x80 }, 3: { 1: 0x01 }, 129: { 4: 0x01 } };
      columns.push(...line(known[x]));
      if (x === 63 || x === 127) columns.push(ESC, 0x41); // ESC A after raster lines 64 and 128
    }
    const expected = [
      ...times(23, 0x00), // clear the input buffer
      ESC, 0x43, 0, // ESC C 0: tape colour
      ESC, 0x44, 0, ...times(17, SYN), // ESC D 0 + 17 SYN: leader
      ESC, 0x42, 0, // ESC B 0: dot tab
      ESC, 0x44, 8, // ESC D 8: 8 bytes per line (12 mm tape, 64 dots)
      ...columns,
      ESC, 0x44, 0, ...times(58, SYN), // trailer
      ESC, 0x45, // ESC E: cut
    ];
    const job = encodeDymoJob(knownBitmap());
    expect([...job.bytes]).toEqual(expected);
    expect(job.bytesPerLine).toBe(8);
    expect(job.rasterLines).toBe(130);
  });

  it('splits the job after each status request and writes HID reports of at most 64 bytes behind report id 0', () => {
    const job = encodeDymoJob(knownBitmap());
    expect(job.segments).toHaveLength(3);
    for (const seg of job.segments.slice(0, -1)) expect([...seg.subarray(-2)]).toEqual([ESC, 0x41]);
    expect(Buffer.concat(job.segments).equals(Buffer.from(job.bytes))).toBe(true);
    const reports = job.segments.flatMap((seg) => toHidReports(seg));
    for (const r of reports) {
      expect(r[0]).toBe(0x00);
      expect(r.length).toBeGreaterThan(1);
      expect(r.length).toBeLessThanOrEqual(65);
    }
    expect(Buffer.concat(reports.map((r) => r.subarray(1))).equals(Buffer.from(job.bytes))).toBe(true);
    expect(toHidReports(new Uint8Array(130)).map((r) => r.length)).toEqual([65, 65, 3]);
  });

  it('refuses a bitmap taller than the tape prints', () => {
    expect(() => encodeDymoJob(new Bitmap(10, 65))).toThrow(/65 dots high but a 12 mm tape prints 64/);
    expect(() => encodeDymoJob(new Bitmap(10, 40), { tapeMm: 6 })).toThrow(/prints 32/);
  });
});

describe('DYMO decoder (the simulated printer)', () => {
  it('round trip: the decoded image of the syringe label equals the preview raster pixel for pixel', () => {
    const fonts = labelFonts();
    const layout = layoutLabel(syringeLabel(nsDupiLabel('483920'), fonts.measurer), fonts.measurer, bwipSymbolSizer);
    const raster = renderRaster(layout, 180);
    expect(raster.height).toBe(64);
    const job = encodeDymoJob(raster);
    const decoded = decodeDymoStream(job.bytes);
    expect(decoded.bitmap.equals(raster)).toBe(true);
    expect(decoded.bitmap.ink()).toBeGreaterThan(1000);
    expect(decoded).toMatchObject({ bytesPerLine: 8, dotTab: 0, tapeColour: 0, leaderLines: 17, trailerLines: 58, nulBytes: 23, cut: true });
    expect(decoded.statusRequestsAfterLine).toEqual(Array.from({ length: Math.floor(raster.width / 64) }, (_v, i) => (i + 1) * 64));
    // The same through the HID reports a virtual printer receives.
    const viaHid = decodeDymoHidReports(job.segments.flatMap((s) => toHidReports(s)));
    expect(viaHid.bitmap.equals(raster)).toBe(true);
  });

  it('round trip of the known bitmap', () => {
    const b = knownBitmap();
    expect(decodeDymoStream(encodeDymoJob(b).bytes).bitmap.equals(b)).toBe(true);
  });

  it('reads lprint-style streams: ESC D before every line, blank feeds inside the label, a dot tab', () => {
    const stream = Uint8Array.from([
      ESC, 0x43, 0,
      ESC, 0x44, 0, SYN, SYN, SYN, // leader of 3
      ESC, 0x42, 2, // dot tab: data starts at byte 2 (dot 16)
      ESC, 0x44, 2, SYN, 0x01, 0x80, // line 0: dots 16 and 31
      ESC, 0x44, 0, SYN, SYN, // two blank lines inside the label
      ESC, 0x44, 2, SYN, 0x00, 0x01, // line 3: dot 24
      ESC, 0x44, 0, SYN, SYN, SYN, SYN, SYN, // trailer of 5
      ESC, 0x45,
      0x99, // after the cut: not decoded
    ]);
    const d = decodeDymoStream(stream);
    expect([d.bitmap.width, d.bitmap.height]).toEqual([4, 32]);
    const ink: Array<[number, number]> = [];
    for (let y = 0; y < d.bitmap.height; y++) for (let x = 0; x < d.bitmap.width; x++) if (d.bitmap.get(x, y)) ink.push([x, y]);
    expect(ink).toEqual([
      [0, 16],
      [3, 24],
      [0, 31],
    ]);
    expect(d).toMatchObject({ leaderLines: 3, trailerLines: 5, dotTab: 2, cut: true });
    expect([...d.rest]).toEqual([0x99]);
  });

  it('refuses garbage and truncated streams with the byte offset, without crashing', () => {
    const bad = (bytes: number[], message: RegExp, offset: number) => {
      let error: unknown;
      try {
        decodeDymoStream(Uint8Array.from(bytes));
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(DymoStreamError);
      expect((error as DymoStreamError).offset).toBe(offset);
      expect((error as Error).message).toMatch(message);
    };
    bad([ESC, 0x43, 0, 0x99], /unexpected byte 0x99/, 3);
    bad([ESC, 0x44, 8, SYN, 1, 2, 3], /ends inside a raster line/, 4);
    bad([ESC, 0x5a, 1], /unknown command ESC 0x5a/, 0);
    bad([ESC], /ends inside a command/, 0);
    bad([ESC, 0x43, 0, 0x00], /NUL byte inside the job/, 3);
    expect(() => decodeDymoHidReports([Uint8Array.from([1, ESC, 0x45])])).toThrow(/report id 1/);
  });
});
