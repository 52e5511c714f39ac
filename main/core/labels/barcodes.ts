import bwipjs from 'bwip-js/node';
import {
  LabelLayoutError,
  MM_PER_INCH,
  QUIET_ZONE_MODULES,
  mmToDots,
  type BarcodeSymbology,
  type LaidOutBarcode,
  type SymbolSizer,
} from '../../../shared/labels/layout';

/**
 * Barcode symbols through bwip-js (pure JavaScript BWIPP): DataMatrix ECC 200 and Code 128. We take bwip-js's raw
 * module output (never its bitmap rendering), so every renderer places the same modules on its own grid: whole dots
 * on the raster and ZPL, rectangles in the PDF.
 */
export interface SymbolMatrix {
  symbology: BarcodeSymbology;
  columns: number;
  rows: number;
  /** Row-major, top row first; 1 = dark module. Code 128 has one row (the bars). */
  modules: Uint8Array;
}

const cache = new Map<string, SymbolMatrix>();

export function symbolMatrix(symbology: BarcodeSymbology, payload: string): SymbolMatrix {
  const key = `${symbology}\u0000${payload}`;
  const hit = cache.get(key);
  if (hit) return hit;
  let matrix: SymbolMatrix;
  try {
    if (symbology === 'datamatrix') {
      // ECC 200, square symbol (the default and what ^BX prints).
      const [raw] = bwipjs.raw('datamatrix', payload, {}) as Array<{ pixs: number[]; pixx: number; pixy: number }>;
      if (!raw) throw new Error('no symbol');
      matrix = { symbology, columns: raw.pixx, rows: raw.pixy, modules: Uint8Array.from(raw.pixs, (v) => (v ? 1 : 0)) };
    } else {
      const [raw] = bwipjs.raw('code128', payload, {}) as Array<{ sbs: number[] }>;
      if (!raw) throw new Error('no symbol');
      const columns = raw.sbs.reduce((a, b) => a + b, 0);
      const modules = new Uint8Array(columns);
      let x = 0;
      raw.sbs.forEach((w, i) => {
        if (i % 2 === 0) modules.fill(1, x, x + w);
        x += w;
      });
      matrix = { symbology, columns, rows: 1, modules };
    }
  } catch (error) {
    throw new LabelLayoutError(symbology, 'invalid', `cannot encode "${payload}" as ${symbology}: ${error instanceof Error ? error.message : String(error)}`);
  }
  cache.set(key, matrix);
  return matrix;
}

export const bwipSymbolSizer: SymbolSizer = {
  modules(symbology, payload) {
    const m = symbolMatrix(symbology, payload);
    return { columns: m.columns, rows: m.rows };
  },
};

/** A barcode placed on a dot grid: top-left of the symbol (quiet zone excluded), module size and bar height in dots. */
export interface PlacedSymbol {
  matrix: SymbolMatrix;
  x: number;
  y: number;
  moduleDots: number;
  /** Height of the symbol in dots (DataMatrix: rows x module; Code 128: the box height). */
  heightDots: number;
  widthDots: number;
}

/** The dot rectangle of a box in mm: the one rounding rule shared by raster, ZPL and PDF. */
export function boxDots(box: { x: number; y: number; width: number; height: number }, dpi: number): { x: number; y: number; width: number; height: number } {
  const x = mmToDots(box.x, dpi);
  const y = mmToDots(box.y, dpi);
  return { x, y, width: mmToDots(box.x + box.width, dpi) - x, height: mmToDots(box.y + box.height, dpi) - y };
}

/**
 * Centres the symbol with its quiet zone in the element's box, with whole-dot modules as large as fit. A module
 * smaller than the element's minimum (at this dpi) is an error, never a silently unreadable code.
 */
export function placeSymbol(el: LaidOutBarcode, dpi: number): PlacedSymbol {
  const matrix = symbolMatrix(el.kind, el.payload);
  const box = boxDots(el.box, dpi);
  const quiet = 2 * QUIET_ZONE_MODULES[el.kind];
  const byWidth = Math.floor(box.width / (matrix.columns + quiet));
  const moduleDots = el.kind === 'datamatrix' ? Math.min(byWidth, Math.floor(box.height / (matrix.rows + quiet))) : byWidth;
  const moduleMm = (moduleDots * MM_PER_INCH) / dpi;
  if (moduleDots < 1 || moduleMm + 1e-9 < el.minModuleMm)
    throw new LabelLayoutError(
      el.field,
      'barcode-too-large',
      `at ${dpi} dpi the ${matrix.columns} x ${matrix.rows} ${el.kind} gets ${moduleDots}-dot modules (${moduleMm.toFixed(3)} mm), below the ${el.minModuleMm} mm minimum`,
    );
  const widthDots = matrix.columns * moduleDots;
  const heightDots = el.kind === 'datamatrix' ? matrix.rows * moduleDots : box.height;
  return {
    matrix,
    moduleDots,
    widthDots,
    heightDots,
    x: box.x + Math.floor((box.width - widthDots) / 2),
    y: box.y + Math.floor((box.height - heightDots) / 2),
  };
}

/** Dark runs of a placed symbol as rectangles in dots (horizontal runs merged; Code 128 bars span the height). */
export function symbolRects(placed: PlacedSymbol): Array<{ x: number; y: number; width: number; height: number }> {
  const { matrix, moduleDots: m } = placed;
  const rects: Array<{ x: number; y: number; width: number; height: number }> = [];
  const rowHeight = matrix.symbology === 'datamatrix' ? m : placed.heightDots;
  for (let r = 0; r < matrix.rows; r++) {
    let c = 0;
    while (c < matrix.columns) {
      if (!matrix.modules[r * matrix.columns + c]) {
        c++;
        continue;
      }
      const start = c;
      while (c < matrix.columns && matrix.modules[r * matrix.columns + c]) c++;
      rects.push({ x: placed.x + start * m, y: placed.y + r * rowHeight, width: (c - start) * m, height: rowHeight });
    }
  }
  return rects;
}
