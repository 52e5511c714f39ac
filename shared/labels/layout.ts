/**
 * The label layout model: one description of a label in millimetres, independent of any printer's dots, that every
 * output (1-bit raster at 180/203/300 dpi, PNG preview, PDF, ZPL II, DYMO byte stream) renders.
 *
 * Two steps:
 *   1. A builder (blindedLabel.ts) writes a `LabelSpec`: the label size and its elements, each in a fixed box.
 *   2. `layoutLabel(spec, measurer)` measures and wraps the text with a pluggable `TextMeasurer` (main/core provides
 *      the one backed by the real TTF font, tests may use a fake) and returns a `LabelLayout` where every text line
 *      has its position. Text that does not fit its box is an ERROR (`LabelLayoutError` naming the field and how much
 *      too long), never silently cut, shrunk or allowed to run over its neighbour.
 *
 * Pure TypeScript: no Node, no DOM (shared/ is imported by main and renderer alike).
 *
 * Coordinates: millimetres from the label's top-left corner, x to the right, y downwards (like the printers and the
 * raster). Font sizes in points (1 pt = 25.4/72 mm).
 */

export const MM_PER_INCH = 25.4;
export const MM_PER_PT = MM_PER_INCH / 72;

/** A rectangle in millimetres, from the label's top-left corner. */
export interface BoxMm {
  x: number;
  y: number;
  width: number;
  height: number;
}

export interface FontStyle {
  sizePt: number;
  bold: boolean;
}

/**
 * How wide a piece of text is, and the font's vertical metrics. Width is the plain sum of the glyph advances (no
 * kerning, no ligatures), which is what the raster, the PDF (embedded TTF) and the measurer all agree on.
 */
export interface TextMeasurer {
  /** Advance width of `text` in millimetres at the given style. */
  widthMm(text: string, style: FontStyle): number;
  /** Ascent above the baseline and descent below it, as fractions of the em (font size). */
  readonly ascent: number;
  readonly descent: number;
  /** The characters of `text` the font cannot draw (they would print as empty boxes); empty when all are fine. */
  missingCharacters(text: string, bold: boolean): string[];
}

/** Module counts of a 2D or linear symbol for a payload, so barcode boxes are checked at layout time too. */
export interface SymbolSizer {
  /** Columns x rows of modules, without quiet zone (Code 128: rows = 1). */
  modules(symbology: BarcodeSymbology, payload: string): { columns: number; rows: number };
}

export type BarcodeSymbology = 'datamatrix' | 'code128';

/** Quiet zone, in modules, that every renderer keeps around a symbol inside its box. */
export const QUIET_ZONE_MODULES: Readonly<Record<BarcodeSymbology, number>> = { datamatrix: 1, code128: 10 };

/**
 * A run of text in one style; runs are wrapped together at spaces as one paragraph. `\n` forces a new line; a no-break
 * space (U+00A0) joins words that must stay on one line.
 */
export interface TextRun {
  text: string;
  bold?: boolean;
}

export interface TextSpec {
  kind: 'text';
  /** Names the element in errors and in tests (e.g. "storage", "kitNumber"). Unique within a label. */
  field: string;
  box: BoxMm;
  sizePt: number;
  /** Default style of the runs (a run's own `bold` wins). */
  bold?: boolean;
  runs: TextRun[];
  /** 'none': one line per `\n`, never wrapped; 'words' (default): wrapped at spaces. Words are never broken. */
  wrap?: 'none' | 'words';
  align?: 'left' | 'center' | 'right';
  /** Line pitch as a multiple of the font size (default 1.15). */
  lineHeight?: number;
}

export interface BarcodeSpec {
  kind: BarcodeSymbology;
  field: string;
  /** The symbol and its quiet zone are centred in this box with whole-dot modules as large as fit. */
  box: BoxMm;
  payload: string;
  /** Smallest acceptable module (x-dimension) in mm; the layout refuses a box that cannot hold it (default 0.25). */
  minModuleMm?: number;
}

/** A straight horizontal or vertical rule. */
export interface RuleSpec {
  kind: 'rule';
  field?: string;
  x: number;
  y: number;
  /** Length along the rule's direction. */
  lengthMm: number;
  direction: 'horizontal' | 'vertical';
  thicknessMm: number;
}

/** A rectangle outline (`thicknessMm`) or, with `filled`, a solid rectangle. */
export interface FrameSpec {
  kind: 'frame';
  field?: string;
  box: BoxMm;
  thicknessMm: number;
  filled?: boolean;
}

/** A text element inside a stack: its box is the stack's width, its height what its lines take. */
export interface StackTextItem extends Omit<TextSpec, 'box'> {
  /** Space above this item (default 0). */
  spaceBeforeMm?: number;
}

/** A full-width horizontal rule inside a stack. */
export interface StackRuleItem {
  kind: 'rule';
  field?: string;
  thicknessMm: number;
  spaceBeforeMm?: number;
}

/**
 * A column of text items placed one below the other, each taking the lines it needs (so a one-line storage text
 * leaves room for a two-line address). When the items need more height than the box has, the layout fails naming
 * the first item that runs past the bottom and by how many mm the column is too short.
 */
export interface StackSpec {
  kind: 'stack';
  field: string;
  box: BoxMm;
  items: Array<StackTextItem | StackRuleItem>;
  /**
   * Leaves room beside a fixed element (e.g. the kit number and its barcode in a corner): an item that starts above
   * `yMm` is only `widthMm` wide; items from `yMm` down take the box's full width.
   */
  narrowUntil?: { yMm: number; widthMm: number };
}

export type ElementSpec = TextSpec | BarcodeSpec | RuleSpec | FrameSpec | StackSpec;

export interface LabelSpec {
  /** e.g. "carton", "syringe". */
  name: string;
  widthMm: number;
  heightMm: number;
  elements: ElementSpec[];
}

export interface LaidOutSpan {
  text: string;
  bold: boolean;
  /** Left edge of the span's first glyph (its origin), mm from the label's left edge. */
  xMm: number;
  widthMm: number;
}

export interface LaidOutLine {
  /** Baseline, mm from the label's top edge. */
  baselineMm: number;
  spans: LaidOutSpan[];
  widthMm: number;
}

export interface LaidOutText {
  kind: 'text';
  field: string;
  box: BoxMm;
  sizePt: number;
  align: 'left' | 'center' | 'right';
  lines: LaidOutLine[];
}

export interface LaidOutBarcode {
  kind: BarcodeSymbology;
  field: string;
  box: BoxMm;
  payload: string;
  minModuleMm: number;
}

export type LaidOutElement = LaidOutText | LaidOutBarcode | RuleSpec | FrameSpec;

export interface LabelLayout {
  name: string;
  widthMm: number;
  heightMm: number;
  elements: LaidOutElement[];
  /** The font's ascent/descent (em fractions) the layout was made with; renderers that place text by the top of the
   * line (ZPL ^FO) need them. */
  fontMetrics: { ascent: number; descent: number };
}

export type LabelLayoutProblem =
  | 'text-too-long'
  | 'too-many-lines'
  | 'word-too-long'
  | 'missing-glyphs'
  | 'outside-label'
  | 'overlap'
  | 'barcode-too-large'
  | 'invalid';

/** A label that cannot be printed as specified. Thrown at layout (or render) time, never swallowed. */
export class LabelLayoutError extends Error {
  readonly field: string;
  readonly problem: LabelLayoutProblem;
  /** How much too long or too large, in mm, where that applies (0 otherwise). */
  readonly overflowMm: number;
  constructor(field: string, problem: LabelLayoutProblem, message: string, overflowMm = 0) {
    super(`Label field "${field}": ${message}`);
    this.name = 'LabelLayoutError';
    this.field = field;
    this.problem = problem;
    this.overflowMm = overflowMm;
  }
}

export const DEFAULT_LINE_HEIGHT = 1.15;
export const DEFAULT_MIN_MODULE_MM = 0.25;
const EPSILON_MM = 1e-6;

/** Height in mm that `lines` lines of text at `sizePt` take (what a builder reserves for a text box). */
export function textBlockHeightMm(lines: number, sizePt: number, lineHeight = DEFAULT_LINE_HEIGHT): number {
  return lines * lineHeight * sizePt * MM_PER_PT;
}

/** The dot (pixel) count of a length in mm at a resolution: the one rounding rule every renderer uses. */
export function mmToDots(mm: number, dpi: number): number {
  return Math.round((mm * dpi) / MM_PER_INCH);
}

const fmt = (mm: number): string => mm.toFixed(1);

interface Word {
  /** Pieces of the word in their styles (a word may change style mid-way, e.g. "no.:" + bold value). */
  parts: Array<{ text: string; bold: boolean }>;
  width: number;
  /** Width of the space before this word (in the style of the space), 0 at the start of a line. */
  spaceBefore: number;
  spaceBold: boolean;
  /** A forced line break comes before this word. */
  breakBefore: boolean;
}

/** Splits the runs into words (separated by spaces) keeping each character's style; `\n` becomes a forced break. */
function splitWords(runs: TextRun[], defaultBold: boolean): Array<Omit<Word, 'width' | 'spaceBefore'>> {
  const words: Array<Omit<Word, 'width' | 'spaceBefore'>> = [];
  let current: Omit<Word, 'width' | 'spaceBefore'> | null = null;
  let pendingSpace = false;
  let pendingSpaceBold = defaultBold;
  let pendingBreak = false;
  for (const run of runs) {
    const bold = run.bold ?? defaultBold;
    for (const ch of run.text) {
      if (ch === '\n') {
        if (current) words.push(current);
        current = null;
        pendingBreak = true;
        pendingSpace = false;
      } else if (ch === ' ' || ch === '\t') {
        if (current) words.push(current);
        current = null;
        if (!pendingSpace) pendingSpaceBold = bold;
        pendingSpace = true;
      } else {
        if (!current) {
          current = { parts: [], spaceBold: pendingSpaceBold, breakBefore: pendingBreak };
          pendingBreak = false;
          pendingSpace = false;
        }
        const last = current.parts[current.parts.length - 1];
        if (last && last.bold === bold) last.text += ch;
        else current.parts.push({ text: ch, bold });
      }
    }
  }
  if (current) words.push(current);
  return words;
}

function layoutText(spec: TextSpec, measurer: TextMeasurer): LaidOutText {
  const { field, box, sizePt } = spec;
  const defaultBold = spec.bold ?? false;
  const wrap = spec.wrap ?? 'words';
  const align = spec.align ?? 'left';
  const lineHeight = spec.lineHeight ?? DEFAULT_LINE_HEIGHT;
  if (!(sizePt > 0) || !(lineHeight > 0)) throw new LabelLayoutError(field, 'invalid', `font size ${sizePt} pt and line height ${lineHeight} must be positive`);

  for (const run of spec.runs) {
    const missing = measurer.missingCharacters(run.text.replace(/[\n\t]/g, ''), run.bold ?? defaultBold);
    if (missing.length > 0)
      throw new LabelLayoutError(field, 'missing-glyphs', `the label font cannot print ${missing.map((c) => JSON.stringify(c)).join(', ')}`);
  }

  const width = (text: string, bold: boolean): number => measurer.widthMm(text, { sizePt, bold });
  const words: Word[] = splitWords(spec.runs, defaultBold).map((w) => ({
    ...w,
    width: w.parts.reduce((sum, p) => sum + width(p.text, p.bold), 0),
    spaceBefore: width(' ', w.spaceBold),
  }));
  if (words.length === 0) throw new LabelLayoutError(field, 'invalid', 'the text is empty');

  // Greedy line filling. A line holds whole words; a forced break or (when wrapping) a word that would run past the
  // box starts a new line.
  const lines: Word[][] = [];
  for (const word of words) {
    const line = lines[lines.length - 1];
    if (!line || word.breakBefore) {
      lines.push([word]);
      continue;
    }
    const lineWidth = line.reduce((s, w, i) => s + w.width + (i > 0 ? w.spaceBefore : 0), 0);
    if (wrap === 'words' && lineWidth + word.spaceBefore + word.width > box.width + EPSILON_MM) lines.push([word]);
    else line.push(word);
  }
  const lineWidths = lines.map((line) => line.reduce((s, w, i) => s + w.width + (i > 0 ? w.spaceBefore : 0), 0));
  const lineText = (line: Word[]): string => line.map((w) => w.parts.map((p) => p.text).join('')).join(' ');

  // Width: a line wider than the box is an error (no wrapping, or one word longer than the box).
  lineWidths.forEach((w, i) => {
    if (w > box.width + EPSILON_MM) {
      const over = w - box.width;
      const line = lines[i]!;
      if (wrap === 'words' && line.length === 1)
        throw new LabelLayoutError(field, 'word-too-long', `"${lineText(line)}" is ${fmt(over)} mm wider than its ${fmt(box.width)} mm box at ${sizePt} pt and cannot be wrapped`, over);
      throw new LabelLayoutError(field, 'text-too-long', `"${lineText(line)}" is ${fmt(over)} mm too long for its ${fmt(box.width)} mm box at ${sizePt} pt`, over);
    }
  });

  // Height: the lines must fit the box.
  const sizeMm = sizePt * MM_PER_PT;
  const pitch = lineHeight * sizeMm;
  const maxLines = Math.floor((box.height + EPSILON_MM) / pitch);
  if (lines.length > maxLines) {
    const overflowLines = lines.slice(maxLines);
    const overflowMm = overflowLines.reduce((s, _l, i) => s + lineWidths[maxLines + i]!, 0);
    const cut = overflowLines.map(lineText).join(' ');
    throw new LabelLayoutError(
      field,
      'too-many-lines',
      `needs ${lines.length} lines at ${sizePt} pt but its ${fmt(box.width)} x ${fmt(box.height)} mm box holds ${maxLines}; ` +
        `${fmt(overflowMm)} mm of text too long ("${cut.length > 40 ? cut.slice(0, 40) + '...' : cut}" does not fit)`,
      overflowMm,
    );
  }

  // Baselines: each line sits in a line box of height `pitch`, with the half-leading above the ascent (as in CSS).
  const halfLeading = (pitch - (measurer.ascent + measurer.descent) * sizeMm) / 2;
  const laidLines: LaidOutLine[] = lines.map((line, i) => {
    const lineWidth = lineWidths[i]!;
    const startX = align === 'left' ? box.x : align === 'right' ? box.x + box.width - lineWidth : box.x + (box.width - lineWidth) / 2;
    const spans: LaidOutSpan[] = [];
    let x = startX;
    line.forEach((word, wi) => {
      if (wi > 0) {
        // The space joins the previous span when the styles agree, so a line is as few spans as possible.
        const prev = spans[spans.length - 1]!;
        if (prev.bold === word.spaceBold) {
          prev.text += ' ';
          prev.widthMm += word.spaceBefore;
        } else spans.push({ text: ' ', bold: word.spaceBold, xMm: x, widthMm: word.spaceBefore });
        x += word.spaceBefore;
      }
      for (const part of word.parts) {
        const w = width(part.text, part.bold);
        const prev = spans[spans.length - 1];
        if (prev && prev.bold === part.bold) {
          prev.text += part.text;
          prev.widthMm += w;
        } else spans.push({ text: part.text, bold: part.bold, xMm: x, widthMm: w });
        x += w;
      }
    });
    return { baselineMm: box.y + i * pitch + halfLeading + measurer.ascent * sizeMm, spans, widthMm: lineWidth };
  });
  return { kind: 'text', field, box: { ...box }, sizePt, align, lines: laidLines };
}

function checkInside(field: string, box: BoxMm, spec: LabelSpec): void {
  const { x, y, width, height } = box;
  if (![x, y, width, height].every(Number.isFinite) || width <= 0 || height <= 0)
    throw new LabelLayoutError(field, 'invalid', `box ${JSON.stringify(box)} is not a positive rectangle`);
  const overRight = x + width - spec.widthMm;
  const overBottom = y + height - spec.heightMm;
  if (x < -EPSILON_MM || y < -EPSILON_MM || overRight > EPSILON_MM || overBottom > EPSILON_MM)
    throw new LabelLayoutError(
      field,
      'outside-label',
      `box (${fmt(x)}, ${fmt(y)}) ${fmt(width)} x ${fmt(height)} mm does not lie inside the ${fmt(spec.widthMm)} x ${fmt(spec.heightMm)} mm label`,
      Math.max(0, -x, -y, overRight, overBottom),
    );
}

function overlaps(a: BoxMm, b: BoxMm): boolean {
  return a.x < b.x + b.width - EPSILON_MM && b.x < a.x + a.width - EPSILON_MM && a.y < b.y + b.height - EPSILON_MM && b.y < a.y + a.height - EPSILON_MM;
}

function layoutStack(
  stack: StackSpec,
  measurer: TextMeasurer,
  claimField: (field: string) => void,
  claimBox: (field: string, box: BoxMm) => void,
): LaidOutElement[] {
  const out: LaidOutElement[] = [];
  const bottom = stack.box.y + stack.box.height;
  const widthAt = (y: number): number => (stack.narrowUntil && y < stack.narrowUntil.yMm - EPSILON_MM ? stack.narrowUntil.widthMm : stack.box.width);
  let cursor = stack.box.y;
  let firstOver: string | null = null;
  stack.items.forEach((item, i) => {
    cursor += item.spaceBeforeMm ?? 0;
    const width = widthAt(cursor);
    if (item.kind === 'rule') {
      const field = item.field ?? `${stack.field}.rule${i + 1}`;
      out.push({ kind: 'rule', field, x: stack.box.x, y: cursor, lengthMm: width, direction: 'horizontal', thicknessMm: item.thicknessMm });
      cursor += item.thicknessMm;
      if (cursor > bottom + EPSILON_MM && firstOver === null) firstOver = field;
      return;
    }
    claimField(item.field);
    const { spaceBeforeMm: _space, ...text } = item;
    // Laid out in a box as high as needed; the block's height is checked below, over all items at once.
    const laid = layoutText({ ...text, box: { x: stack.box.x, y: cursor, width, height: Number.MAX_SAFE_INTEGER } }, measurer);
    laid.box.height = laid.lines.length * (item.lineHeight ?? DEFAULT_LINE_HEIGHT) * item.sizePt * MM_PER_PT;
    cursor += laid.box.height;
    if (cursor > bottom + EPSILON_MM) {
      if (firstOver === null) firstOver = item.field;
    } else claimBox(item.field, laid.box);
    out.push(laid);
  });
  if (firstOver !== null) {
    const over = cursor - bottom;
    throw new LabelLayoutError(
      firstOver,
      'too-many-lines',
      `does not fit in the "${stack.field}" block: its text needs ${fmt(cursor - stack.box.y)} mm of height but the block is ${fmt(stack.box.height)} mm high (${fmt(over)} mm too long)`,
      over,
    );
  }
  return out;
}

/**
 * Lays the label out: measures and wraps every text element, checks every box lies inside the label, that no two
 * text, stack or barcode boxes overlap (so one field can never print over another), and, when a `SymbolSizer` is
 * given, that every barcode fits its box at its minimum module size. Throws `LabelLayoutError` on the first problem.
 */
export function layoutLabel(spec: LabelSpec, measurer: TextMeasurer, sizer?: SymbolSizer): LabelLayout {
  if (!(spec.widthMm > 0) || !(spec.heightMm > 0)) throw new LabelLayoutError(spec.name, 'invalid', 'the label size must be positive');
  const fields = new Set<string>();
  const claimField = (field: string): void => {
    if (fields.has(field)) throw new LabelLayoutError(field, 'invalid', 'two elements have this field name');
    fields.add(field);
  };
  const boxed: Array<{ field: string; box: BoxMm }> = [];
  const claimBox = (field: string, box: BoxMm): void => {
    checkInside(field, box, spec);
    for (const other of boxed) if (overlaps(other.box, box)) throw new LabelLayoutError(field, 'overlap', `its box overlaps the box of "${other.field}"`);
    boxed.push({ field, box });
  };
  const elements: LaidOutElement[] = spec.elements.flatMap((el): LaidOutElement[] => {
    switch (el.kind) {
      case 'stack':
        // The block itself only has to lie inside the label; each of its items claims its own box, so a fixed element
        // beside a narrow part (narrowUntil) does not count as an overlap, and one that a text runs into does.
        claimField(el.field);
        checkInside(el.field, el.box, spec);
        return layoutStack(el, measurer, claimField, claimBox);
      case 'text':
        claimField(el.field);
        claimBox(el.field, el.box);
        return [layoutText(el, measurer)];
      case 'datamatrix':
      case 'code128': {
        claimField(el.field);
        claimBox(el.field, el.box);
        const minModuleMm = el.minModuleMm ?? DEFAULT_MIN_MODULE_MM;
        if (el.payload.length === 0) throw new LabelLayoutError(el.field, 'invalid', 'the barcode payload is empty');
        if (sizer) {
          const { columns, rows } = sizer.modules(el.kind, el.payload);
          const quiet = 2 * QUIET_ZONE_MODULES[el.kind];
          const needW = (columns + quiet) * minModuleMm;
          const needH = el.kind === 'datamatrix' ? (rows + quiet) * minModuleMm : 0;
          if (needW > el.box.width + EPSILON_MM || needH > el.box.height + EPSILON_MM)
            throw new LabelLayoutError(
              el.field,
              'barcode-too-large',
              `a ${columns} x ${rows} module ${el.kind} with its quiet zone needs ${fmt(needW)} x ${fmt(needH)} mm at ${minModuleMm} mm per module; the box is ${fmt(el.box.width)} x ${fmt(el.box.height)} mm`,
              Math.max(needW - el.box.width, needH - el.box.height),
            );
        }
        return [{ kind: el.kind, field: el.field, box: { ...el.box }, payload: el.payload, minModuleMm }];
      }
      case 'rule': {
        const box: BoxMm =
          el.direction === 'horizontal'
            ? { x: el.x, y: el.y, width: el.lengthMm, height: el.thicknessMm }
            : { x: el.x, y: el.y, width: el.thicknessMm, height: el.lengthMm };
        checkInside(el.field ?? 'rule', box, spec);
        return [{ ...el }];
      }
      case 'frame':
        checkInside(el.field ?? 'frame', el.box, spec);
        return [{ ...el, box: { ...el.box } }];
    }
  });
  return { name: spec.name, widthMm: spec.widthMm, heightMm: spec.heightMm, elements, fontMetrics: { ascent: measurer.ascent, descent: measurer.descent } };
}

/** All the text a laid-out label prints, field by field, lines joined by `\n`, no-break spaces as plain spaces (for
 * tests and for a plain-text copy of a printed label). */
export function labelTexts(layout: LabelLayout): Array<{ field: string; text: string }> {
  return layout.elements
    .filter((el): el is LaidOutText => el.kind === 'text')
    .map((el) => ({ field: el.field, text: el.lines.map((l) => l.spans.map((s) => s.text).join('')).join('\n').replace(/\u00a0/g, ' ') }));
}
