import type opentype from 'opentype.js';
import { LabelLayoutError, MM_PER_INCH, MM_PER_PT, mmToDots, type LabelLayout, type LaidOutText } from '../../../shared/labels/layout';
import { boxDots, placeSymbol, symbolRects } from './barcodes';
import { labelFonts, type LabelFonts } from './fonts';

/**
 * The 1-bit raster of a label at a printer's resolution: 180 dpi (DYMO LabelManager), 203 dpi (Zebra), 300 dpi (the
 * preview and the PDF's geometry). This raster IS what the user sees in the preview and what the DYMO prints.
 */

/** A 1-bit image, one byte per pixel (1 = black, printed), row-major, top row first. */
export class Bitmap {
  readonly width: number;
  readonly height: number;
  readonly data: Uint8Array;
  constructor(width: number, height: number, data?: Uint8Array) {
    if (!Number.isInteger(width) || !Number.isInteger(height) || width < 0 || height < 0) throw new RangeError(`bad bitmap size ${width} x ${height}`);
    if (data && data.length !== width * height) throw new RangeError('bitmap data does not match its size');
    this.width = width;
    this.height = height;
    this.data = data ?? new Uint8Array(width * height);
  }
  get(x: number, y: number): number {
    return x >= 0 && y >= 0 && x < this.width && y < this.height ? this.data[y * this.width + x]! : 0;
  }
  set(x: number, y: number, value = 1): void {
    if (x >= 0 && y >= 0 && x < this.width && y < this.height) this.data[y * this.width + x] = value ? 1 : 0;
  }
  /** Blackens a rectangle (clipped to the bitmap). */
  fillRect(x: number, y: number, width: number, height: number): void {
    const x0 = Math.max(0, x);
    const x1 = Math.min(this.width, x + width);
    for (let yy = Math.max(0, y); yy < Math.min(this.height, y + height); yy++) if (x1 > x0) this.data.fill(1, yy * this.width + x0, yy * this.width + x1);
  }
  equals(other: Bitmap): boolean {
    if (other.width !== this.width || other.height !== this.height) return false;
    for (let i = 0; i < this.data.length; i++) if (this.data[i] !== other.data[i]) return false;
    return true;
  }
  /** Number of black pixels. */
  ink(): number {
    let n = 0;
    for (const v of this.data) n += v;
    return n;
  }
}

/** Sub-scanlines per pixel row for the coverage estimate. */
const SUBSAMPLES = 4;
/** A pixel is black when at least this share of it is covered by the glyph. */
const COVERAGE_THRESHOLD = 0.5;
/** Straight segments per quadratic or cubic curve. */
const CURVE_STEPS = 8;

export interface Edge {
  x0: number;
  y0: number;
  x1: number;
  y1: number;
  /** +1 when the edge goes down (y grows), -1 when it goes up: the non-zero winding rule of TrueType outlines. */
  dir: number;
}

export function pathEdges(path: opentype.Path, edges: Edge[]): void {
  let sx = 0;
  let sy = 0;
  let cx = 0;
  let cy = 0;
  const line = (x: number, y: number): void => {
    if (y !== cy) edges.push(y > cy ? { x0: cx, y0: cy, x1: x, y1: y, dir: 1 } : { x0: x, y0: y, x1: cx, y1: cy, dir: -1 });
    cx = x;
    cy = y;
  };
  for (const cmd of path.commands) {
    switch (cmd.type) {
      case 'M':
        if (cx !== sx || cy !== sy) line(sx, sy);
        sx = cx = cmd.x;
        sy = cy = cmd.y;
        break;
      case 'L':
        line(cmd.x, cmd.y);
        break;
      case 'Q': {
        const [x0, y0] = [cx, cy];
        for (let i = 1; i <= CURVE_STEPS; i++) {
          const t = i / CURVE_STEPS;
          const u = 1 - t;
          line(u * u * x0 + 2 * u * t * cmd.x1 + t * t * cmd.x, u * u * y0 + 2 * u * t * cmd.y1 + t * t * cmd.y);
        }
        break;
      }
      case 'C': {
        const [x0, y0] = [cx, cy];
        for (let i = 1; i <= CURVE_STEPS; i++) {
          const t = i / CURVE_STEPS;
          const u = 1 - t;
          line(
            u * u * u * x0 + 3 * u * u * t * cmd.x1 + 3 * u * t * t * cmd.x2 + t * t * t * cmd.x,
            u * u * u * y0 + 3 * u * u * t * cmd.y1 + 3 * u * t * t * cmd.y2 + t * t * t * cmd.y,
          );
        }
        break;
      }
      case 'Z':
        line(sx, sy);
        break;
    }
  }
  if (cx !== sx || cy !== sy) line(sx, sy);
}

/**
 * Fills outlines (non-zero winding) into the bitmap: per pixel row, SUBSAMPLES scanlines measure the covered length
 * exactly along x; a pixel at least COVERAGE_THRESHOLD covered is black. Deterministic (no floating-point order
 * dependence beyond the fixed edge order).
 */
export function fillEdges(bitmap: Bitmap, edges: Edge[]): void {
  if (edges.length === 0) return;
  let minY = Infinity;
  let maxY = -Infinity;
  for (const e of edges) {
    minY = Math.min(minY, e.y0);
    maxY = Math.max(maxY, e.y1);
  }
  const rowStart = Math.max(0, Math.floor(minY));
  const rowEnd = Math.min(bitmap.height, Math.ceil(maxY));
  const coverage = new Float64Array(bitmap.width + 1);
  const crossings: Array<{ x: number; dir: number }> = [];
  // Active edge list: edges sorted by their top, added when the row reaches them, dropped below their bottom.
  const pending = [...edges].sort((a, b) => a.y0 - b.y0);
  let next = 0;
  let active: Edge[] = [];
  for (let row = rowStart; row < rowEnd; row++) {
    while (next < pending.length && pending[next]!.y0 < row + 1) active.push(pending[next++]!);
    active = active.filter((e) => e.y1 > row);
    if (active.length === 0) continue;
    coverage.fill(0);
    let touched = false;
    for (let s = 0; s < SUBSAMPLES; s++) {
      const y = row + (s + 0.5) / SUBSAMPLES;
      crossings.length = 0;
      for (const e of active) {
        if (y < e.y0 || y >= e.y1) continue;
        crossings.push({ x: e.x0 + ((y - e.y0) * (e.x1 - e.x0)) / (e.y1 - e.y0), dir: e.dir });
      }
      if (crossings.length === 0) continue;
      crossings.sort((a, b) => a.x - b.x || a.dir - b.dir);
      let winding = 0;
      for (let i = 0; i < crossings.length - 1; i++) {
        winding += crossings[i]!.dir;
        if (winding === 0) continue;
        const a = Math.max(0, crossings[i]!.x);
        const b = Math.min(bitmap.width, crossings[i + 1]!.x);
        if (b <= a) continue;
        touched = true;
        const pa = Math.floor(a);
        const pb = Math.floor(b);
        if (pa === pb) coverage[pa]! += b - a;
        else {
          coverage[pa]! += pa + 1 - a;
          for (let p = pa + 1; p < pb; p++) coverage[p]! += 1;
          if (pb < bitmap.width) coverage[pb]! += b - pb;
        }
      }
    }
    if (!touched) continue;
    for (let x = 0; x < bitmap.width; x++) if (coverage[x]! / SUBSAMPLES >= COVERAGE_THRESHOLD) bitmap.data[row * bitmap.width + x] = 1;
  }
}

/** Font size in dots of a text element at a resolution. */
export function fontSizeDots(sizePt: number, dpi: number): number {
  return (sizePt * MM_PER_PT * dpi) / MM_PER_INCH;
}

function drawText(bitmap: Bitmap, el: LaidOutText, dpi: number, fonts: LabelFonts): void {
  const sizeDots = fontSizeDots(el.sizePt, dpi);
  const dotsPerMm = dpi / MM_PER_INCH;
  for (const line of el.lines) {
    const edges: Edge[] = [];
    const baseline = line.baselineMm * dotsPerMm;
    for (const span of line.spans) {
      const font = (span.bold ? fonts.bold : fonts.regular).font;
      const scale = sizeDots / font.unitsPerEm;
      let x = span.xMm * dotsPerMm;
      for (const ch of span.text) {
        const glyph = font.charToGlyph(ch);
        pathEdges(glyph.getPath(x, baseline, sizeDots), edges);
        x += (glyph.advanceWidth ?? 0) * scale;
      }
    }
    fillEdges(bitmap, edges);
  }
}

/** Renders a laid-out label to a 1-bit raster at `dpi`. */
export function renderRaster(layout: LabelLayout, dpi: number, fonts: LabelFonts = labelFonts()): Bitmap {
  if (!(dpi > 0)) throw new LabelLayoutError(layout.name, 'invalid', `bad resolution ${dpi} dpi`);
  const bitmap = new Bitmap(mmToDots(layout.widthMm, dpi), mmToDots(layout.heightMm, dpi));
  for (const el of layout.elements) {
    switch (el.kind) {
      case 'text':
        drawText(bitmap, el, dpi, fonts);
        break;
      case 'datamatrix':
      case 'code128':
        for (const r of symbolRects(placeSymbol(el, dpi))) bitmap.fillRect(r.x, r.y, r.width, r.height);
        break;
      case 'rule': {
        const t = Math.max(1, mmToDots(el.thicknessMm, dpi));
        const x = mmToDots(el.x, dpi);
        const y = mmToDots(el.y, dpi);
        if (el.direction === 'horizontal') bitmap.fillRect(x, y, mmToDots(el.x + el.lengthMm, dpi) - x, t);
        else bitmap.fillRect(x, y, t, mmToDots(el.y + el.lengthMm, dpi) - y);
        break;
      }
      case 'frame': {
        const b = boxDots(el.box, dpi);
        if (el.filled) bitmap.fillRect(b.x, b.y, b.width, b.height);
        else {
          const t = Math.max(1, mmToDots(el.thicknessMm, dpi));
          bitmap.fillRect(b.x, b.y, b.width, t);
          bitmap.fillRect(b.x, b.y + b.height - t, b.width, t);
          bitmap.fillRect(b.x, b.y, t, b.height);
          bitmap.fillRect(b.x + b.width - t, b.y, t, b.height);
        }
        break;
      }
    }
  }
  return bitmap;
}
