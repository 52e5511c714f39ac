import { PNG } from 'pngjs';
import { labelFonts, type LabelFonts } from '../labels/fonts';
import { Bitmap, fillEdges, pathEdges, type Edge } from '../labels/raster';

/**
 * The chart of an excursion case as a PNG (issue 15, item 3), drawn without a browser or a native canvas: the readings
 * as a line, the location's target range as a green band with its bounds, the excursion's span shaded, the points out
 * of range in red, axes with °C and UTC times. Drawn at SCALE times the size and averaged down (anti-aliased), text
 * filled from the label typeface's outlines (labels/raster.ts). Pure: the same data gives the same bytes.
 */
export interface ChartInput {
  title: string;
  readings: ReadonlyArray<{ atMs: number; centi: number }>;
  minCenti: number;
  maxCenti: number;
  excursion: { startMs: number; endMs: number };
}

type Rgb = readonly [number, number, number];
const INK: Rgb = [33, 37, 41];
const GRID: Rgb = [222, 226, 230];
const BAND: Rgb = [211, 240, 220];
const BOUND: Rgb = [43, 138, 62];
const SPAN: Rgb = [255, 228, 200];
const LINE: Rgb = [25, 77, 160];
const OUT: Rgb = [201, 42, 42];

export const CHART_WIDTH = 1200;
export const CHART_HEIGHT = 520;
const SCALE = 3;
const PLOT = { left: 78, right: 24, top: 62, bottom: 70 };

/** An RGB canvas at SCALE times the output size; coordinates given in output pixels. */
class Canvas {
  readonly w = CHART_WIDTH * SCALE;
  readonly h = CHART_HEIGHT * SCALE;
  readonly px = new Uint8Array(this.w * this.h * 3);
  constructor(private readonly fonts: LabelFonts) {
    this.px.fill(255);
  }
  private setHi(x: number, y: number, c: Rgb) {
    if (x < 0 || y < 0 || x >= this.w || y >= this.h) return;
    const i = (y * this.w + x) * 3;
    this.px[i] = c[0];
    this.px[i + 1] = c[1];
    this.px[i + 2] = c[2];
  }
  rect(x: number, y: number, width: number, height: number, c: Rgb) {
    const x0 = Math.max(0, Math.round(x * SCALE));
    const x1 = Math.min(this.w, Math.round((x + width) * SCALE));
    const y0 = Math.max(0, Math.round(y * SCALE));
    const y1 = Math.min(this.h, Math.round((y + height) * SCALE));
    for (let yy = y0; yy < y1; yy++) for (let xx = x0; xx < x1; xx++) this.setHi(xx, yy, c);
  }
  /** A line `width` output pixels thick (round caps), optionally dashed (dash and gap in output pixels). */
  line(x0: number, y0: number, x1: number, y1: number, width: number, c: Rgb, dash?: [number, number]) {
    const r = (width * SCALE) / 2;
    const length = Math.hypot(x1 - x0, y1 - y0) * SCALE;
    const steps = Math.max(1, Math.ceil(length / Math.max(0.5, r / 2)));
    const rr = Math.ceil(r);
    for (let s = 0; s <= steps; s++) {
      const along = (s / steps) * length;
      if (dash && along % ((dash[0] + dash[1]) * SCALE) > dash[0] * SCALE) continue;
      const cx = (x0 + ((x1 - x0) * s) / steps) * SCALE;
      const cy = (y0 + ((y1 - y0) * s) / steps) * SCALE;
      for (let dy = -rr; dy <= rr; dy++) {
        for (let dx = -rr; dx <= rr; dx++) {
          if (dx * dx + dy * dy <= r * r) this.setHi(Math.round(cx + dx), Math.round(cy + dy), c);
        }
      }
    }
  }
  dot(x: number, y: number, radius: number, c: Rgb) {
    this.line(x, y, x, y, radius * 2, c);
  }
  textWidth(text: string, size: number, bold = false): number {
    const font = (bold ? this.fonts.bold : this.fonts.regular).font;
    let width = 0;
    for (const ch of text) width += ((font.charToGlyph(ch).advanceWidth ?? 0) * size) / font.unitsPerEm;
    return width;
  }
  /** Text at (x, baseline y) in output pixels; `align` from x. */
  text(text: string, x: number, y: number, size: number, c: Rgb, options: { bold?: boolean; align?: 'left' | 'center' | 'right' } = {}) {
    const font = (options.bold ? this.fonts.bold : this.fonts.regular).font;
    const width = this.textWidth(text, size, options.bold);
    const left = options.align === 'center' ? x - width / 2 : options.align === 'right' ? x - width : x;
    const margin = Math.ceil(size * SCALE);
    const box = new Bitmap(Math.ceil(width * SCALE) + 2 * margin, 3 * margin);
    const edges: Edge[] = [];
    // Glyph by glyph, as the label raster does (opentype.js's text shaping does not read every table of the font).
    let gx = margin;
    for (const ch of text) {
      const glyph = font.charToGlyph(ch);
      pathEdges(glyph.getPath(gx, 2 * margin, size * SCALE), edges);
      gx += ((glyph.advanceWidth ?? 0) * size * SCALE) / font.unitsPerEm;
    }
    fillEdges(box, edges);
    const ox = Math.round(left * SCALE) - margin;
    const oy = Math.round(y * SCALE) - 2 * margin;
    for (let yy = 0; yy < box.height; yy++) for (let xx = 0; xx < box.width; xx++) if (box.data[yy * box.width + xx]) this.setHi(ox + xx, oy + yy, c);
  }
  /** Averaged down to the output size: RGB bytes. */
  toPng(): Buffer {
    const png = new PNG({ width: CHART_WIDTH, height: CHART_HEIGHT, colorType: 2, inputColorType: 2, bitDepth: 8, inputHasAlpha: false });
    const out = Buffer.alloc(CHART_WIDTH * CHART_HEIGHT * 3);
    const n = SCALE * SCALE;
    for (let y = 0; y < CHART_HEIGHT; y++) {
      for (let x = 0; x < CHART_WIDTH; x++) {
        let r = 0;
        let g = 0;
        let b = 0;
        for (let sy = 0; sy < SCALE; sy++) {
          for (let sx = 0; sx < SCALE; sx++) {
            const i = ((y * SCALE + sy) * this.w + x * SCALE + sx) * 3;
            r += this.px[i]!;
            g += this.px[i + 1]!;
            b += this.px[i + 2]!;
          }
        }
        const o = (y * CHART_WIDTH + x) * 3;
        out[o] = Math.round(r / n);
        out[o + 1] = Math.round(g / n);
        out[o + 2] = Math.round(b / n);
      }
    }
    png.data = out;
    return PNG.sync.write(png, { colorType: 2, inputColorType: 2, bitDepth: 8, inputHasAlpha: false, deflateLevel: 9 });
  }
}

const MINUTE = 60_000;
const TIME_STEPS = [5, 10, 15, 30, 60, 120, 180, 360, 720, 1440, 2880, 10080].map((m) => m * MINUTE);
const DEGREE_STEPS = [50, 100, 200, 500, 1000, 2000];

const pad = (n: number) => String(n).padStart(2, '0');
const utcDate = (ms: number) => new Date(ms).toISOString().slice(0, 10);
const utcTime = (ms: number) => {
  const d = new Date(ms);
  return `${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}`;
};
const degrees = (centi: number) => `${(centi / 100).toFixed(centi % 100 === 0 ? 0 : 1)} °C`;

/** The chart as PNG bytes (CHART_WIDTH x CHART_HEIGHT). */
export function excursionChartPng(input: ChartInput, fonts: LabelFonts = labelFonts()): Buffer {
  const c = new Canvas(fonts);
  const { readings } = input;
  const plotW = CHART_WIDTH - PLOT.left - PLOT.right;
  const plotH = CHART_HEIGHT - PLOT.top - PLOT.bottom;
  // The time axis spans the readings and the excursion; the °C axis the readings and the range, with a margin.
  const t0 = Math.min(input.excursion.startMs, ...(readings.length ? [readings[0]!.atMs] : []));
  const t1 = Math.max(input.excursion.endMs, ...(readings.length ? [readings[readings.length - 1]!.atMs] : []), t0 + MINUTE);
  let lo = input.minCenti;
  let hi = input.maxCenti;
  for (const r of readings) {
    lo = Math.min(lo, r.centi);
    hi = Math.max(hi, r.centi);
  }
  const yStep = DEGREE_STEPS.find((s) => (hi - lo) / s <= 8) ?? 5000;
  lo = Math.floor((lo - yStep / 2) / yStep) * yStep;
  hi = Math.ceil((hi + yStep / 2) / yStep) * yStep;
  const xOf = (ms: number) => PLOT.left + ((ms - t0) / (t1 - t0)) * plotW;
  const yOf = (centi: number) => PLOT.top + ((hi - centi) / (hi - lo)) * plotH;

  c.text(input.title, PLOT.left, 26, 17, INK, { bold: true });
  // Legend.
  let lx = PLOT.left;
  const legend = (swatch: (x: number) => void, words: string) => {
    swatch(lx);
    c.text(words, lx + 26, 50, 12.5, INK);
    lx += 26 + c.textWidth(words, 12.5) + 22;
  };
  legend((x) => c.rect(x, 40, 20, 12, BAND), `Target range ${degrees(input.minCenti)} to ${degrees(input.maxCenti)}`);
  legend((x) => c.rect(x, 40, 20, 12, SPAN), 'Excursion');
  legend((x) => c.line(x, 46, x + 20, 46, 2.2, LINE), 'Readings');
  legend((x) => c.dot(x + 10, 46, 3.2, OUT), 'Out of range');

  // The range band, the excursion's span, the grid.
  c.rect(PLOT.left, yOf(input.maxCenti), plotW, yOf(input.minCenti) - yOf(input.maxCenti), BAND);
  c.rect(xOf(input.excursion.startMs), PLOT.top, Math.max(1.5, xOf(input.excursion.endMs) - xOf(input.excursion.startMs)), plotH, SPAN);
  for (let v = lo; v <= hi; v += yStep) {
    c.line(PLOT.left, yOf(v), PLOT.left + plotW, yOf(v), 1, GRID);
    c.text(degrees(v), PLOT.left - 8, yOf(v) + 4.5, 12.5, INK, { align: 'right' });
  }
  const xStep = TIME_STEPS.find((s) => (t1 - t0) / s <= 8) ?? 30 * 1440 * MINUTE;
  let lastDate = '';
  for (let t = Math.ceil(t0 / xStep) * xStep; t <= t1; t += xStep) {
    c.line(xOf(t), PLOT.top, xOf(t), PLOT.top + plotH, 1, GRID);
    c.line(xOf(t), PLOT.top + plotH, xOf(t), PLOT.top + plotH + 5, 1.2, INK);
    c.text(utcTime(t), xOf(t), PLOT.top + plotH + 20, 12.5, INK, { align: 'center' });
    if (utcDate(t) !== lastDate) {
      c.text(utcDate(t), xOf(t), PLOT.top + plotH + 36, 11.5, INK, { align: 'center' });
      lastDate = utcDate(t);
    }
  }
  c.text('Time (UTC)', PLOT.left + plotW, CHART_HEIGHT - 10, 12.5, INK, { align: 'right' });
  // The bounds over the band and the span, dashed.
  c.line(PLOT.left, yOf(input.maxCenti), PLOT.left + plotW, yOf(input.maxCenti), 1.6, BOUND, [8, 5]);
  c.line(PLOT.left, yOf(input.minCenti), PLOT.left + plotW, yOf(input.minCenti), 1.6, BOUND, [8, 5]);
  // The readings.
  for (let i = 1; i < readings.length; i++) c.line(xOf(readings[i - 1]!.atMs), yOf(readings[i - 1]!.centi), xOf(readings[i]!.atMs), yOf(readings[i]!.centi), 2.2, LINE);
  if (readings.length === 1) c.dot(xOf(readings[0]!.atMs), yOf(readings[0]!.centi), 2.5, LINE);
  // Out-of-range readings marked (every one while they are few, else the line shows them).
  const out = readings.filter((r) => r.centi < input.minCenti || r.centi > input.maxCenti);
  if (out.length <= 400) for (const r of out) c.dot(xOf(r.atMs), yOf(r.centi), 3.2, OUT);
  // Axes.
  c.line(PLOT.left, PLOT.top, PLOT.left, PLOT.top + plotH, 1.4, INK);
  c.line(PLOT.left, PLOT.top + plotH, PLOT.left + plotW, PLOT.top + plotH, 1.4, INK);
  if (readings.length === 0) c.text('No logger readings for this excursion (hand-read min/max check)', PLOT.left + plotW / 2, PLOT.top + plotH / 2, 14, INK, { align: 'center' });
  return c.toPng();
}
