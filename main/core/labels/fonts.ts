import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import opentype from 'opentype.js';
import { MM_PER_PT, type FontStyle, type TextMeasurer } from '../../../shared/labels/layout';

/**
 * The label typeface: DejaVu Sans Condensed (regular and bold) from the `dejavu-fonts-ttf` npm package, read from
 * disk (never downloaded at run time). One font for every output: the layout measures with it, the raster fills its
 * glyph outlines, the PDF embeds it. Condensed saves width on 100 mm and 12 mm labels and stays legible at 5-6 pt.
 */
export const LABEL_FONT_FILES = {
  regular: 'dejavu-fonts-ttf/ttf/DejaVuSansCondensed.ttf',
  bold: 'dejavu-fonts-ttf/ttf/DejaVuSansCondensed-Bold.ttf',
} as const;

export interface LabelFont {
  font: opentype.Font;
  /** The TTF file as read, for embedding into PDFs. */
  bytes: Uint8Array;
}

export interface LabelFonts {
  regular: LabelFont;
  bold: LabelFont;
  measurer: TextMeasurer;
}

/**
 * A `require` that finds the font package from the CommonJS bundle of the app (its own file), from tsx, node or vitest
 * (the entry script lives in the project) and, last, from the working directory. (No `import.meta`: the app's esbuild
 * CommonJS bundle has none.)
 */
function packageRequire(): NodeJS.Require {
  const bases = [typeof __filename === 'string' ? __filename : undefined, process.argv[1], path.join(process.cwd(), 'package.json')];
  for (const base of bases) {
    if (!base) continue;
    const req = createRequire(path.resolve(base));
    try {
      req.resolve(LABEL_FONT_FILES.regular);
      return req;
    } catch {
      // try the next base
    }
  }
  throw new Error(`The label font package is missing: cannot resolve ${LABEL_FONT_FILES.regular} (npm install dejavu-fonts-ttf)`);
}

function parseFont(bytes: Uint8Array): opentype.Font {
  const buffer = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
  return opentype.parse(buffer);
}

export function fontFromBytes(bytes: Uint8Array): LabelFont {
  return { font: parseFont(bytes), bytes };
}

/** Advance width of a string in font units: the plain sum of glyph advances (no kerning, no ligatures). */
export function advanceUnits(font: opentype.Font, text: string): number {
  let sum = 0;
  for (const ch of text) sum += font.charToGlyph(ch).advanceWidth ?? 0;
  return sum;
}

export function createMeasurer(regular: opentype.Font, bold: opentype.Font): TextMeasurer {
  const os2 = regular.tables.os2 as { sTypoAscender?: number; sTypoDescender?: number } | undefined;
  const unitsPerEm = regular.unitsPerEm;
  // Typographic ascent/descent (DejaVu: 0.76 / 0.24 em) cover capitals, ascenders and descenders.
  const ascent = (os2?.sTypoAscender ?? regular.ascender) / unitsPerEm;
  const descent = -(os2?.sTypoDescender ?? regular.descender) / unitsPerEm;
  const pick = (b: boolean): opentype.Font => (b ? bold : regular);
  return {
    ascent,
    descent,
    widthMm(text: string, style: FontStyle): number {
      const font = pick(style.bold);
      return (advanceUnits(font, text) / font.unitsPerEm) * style.sizePt * MM_PER_PT;
    },
    missingCharacters(text: string, b: boolean): string[] {
      const font = pick(b);
      const missing = new Set<string>();
      for (const ch of text) if (font.charToGlyphIndex(ch) === 0) missing.add(ch);
      return [...missing];
    },
  };
}

let cached: LabelFonts | null = null;

/** The label fonts, read once from the installed `dejavu-fonts-ttf` package. */
export function labelFonts(): LabelFonts {
  if (cached) return cached;
  const req = packageRequire();
  const read = (spec: string): Uint8Array => new Uint8Array(readFileSync(req.resolve(spec)));
  const regular = fontFromBytes(read(LABEL_FONT_FILES.regular));
  const bold = fontFromBytes(read(LABEL_FONT_FILES.bold));
  cached = { regular, bold, measurer: createMeasurer(regular.font, bold.font) };
  return cached;
}
