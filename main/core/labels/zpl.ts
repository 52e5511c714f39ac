import { LabelLayoutError, mmToDots, type LabelLayout, type LaidOutText } from '../../../shared/labels/layout';
import { boxDots, placeSymbol } from './barcodes';
import { fontSizeDots } from './raster';

/**
 * ZPL II for Zebra printers (HARDWARE.md "Zebra (ZPL II)"): one `^XA ... ^XZ` format, UTF-8 (`^CI28`), print width
 * and label length from the layout (`^PW`, `^LL`), at 203 dpi unless told otherwise.
 *
 * - Text: one field per laid-out line, in the printer's scalable font 0 (`^A0N,h,w`, h = the layout's font size in
 *   dots). The line breaks are the layout's (measured with the label TTF), never the printer's. The field is placed
 *   by its baseline with `^FT` (ZPL's typeset origin: x, baseline y), so a line sits where the preview has it whatever
 *   the height of the printer font's cell; `^FO` places barcodes and rules by their top-left corner.
 *   `^`, `~` and `_` in text go through `^FH` as `_5E`, `_7E`, `_5F`.
 * - DataMatrix: `^BXN,module,200,columns,rows,,_` (ECC 200, the symbol size forced to the one the raster has, the
 *   escape character set explicitly to `_`, so `_` in the data is written `__`).
 * - Code 128: `^BYmodule` then `^BCN,height,N,N,N` (no interpretation line: the layout prints its own text).
 * - Rules and frames: `^GB`.
 * One command group per line; printers ignore the line breaks between commands.
 */
export interface ZplOptions {
  dpi?: number;
}

/** Characters that cannot stand as themselves in ^FD text: the command prefixes, the ^FH indicator, controls. */
const needsHex = (ch: string): boolean => ch === '^' || ch === '~' || ch === '_' || ch.charCodeAt(0) < 0x20;

function fieldData(line: string): string {
  // The layout has broken the lines already; a no-break space is an ordinary space to the printer's font.
  const text = line.replace(/\u00a0/g, ' ');
  const chars = [...text];
  if (!chars.some(needsHex)) return `^FD${text}^FS`;
  const escaped = chars.map((ch) => (needsHex(ch) ? `_${ch.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0')}` : ch)).join('');
  return `^FH_^FD${escaped}^FS`;
}

function barcodeData(field: string, payload: string, escape: string | null): string {
  if ([...payload].some((ch) => ch === '^' || ch === '~' || ch.charCodeAt(0) < 0x20 || ch.charCodeAt(0) > 0x7e))
    throw new LabelLayoutError(field, 'invalid', `the barcode data "${payload}" has characters ZPL cannot carry in ^FD (^, ~, control or non-ASCII)`);
  return `^FD${escape ? payload.split(escape).join(escape + escape) : payload}^FS`;
}

function textFields(el: LaidOutText, dpi: number): string[] {
  const h = Math.max(1, Math.round(fontSizeDots(el.sizePt, dpi)));
  return el.lines.map((line) => {
    const x = mmToDots(line.spans[0]?.xMm ?? el.box.x, dpi);
    const y = mmToDots(line.baselineMm, dpi);
    // Font 0 has one weight, so the spans of a line are one field (separate fields would leave gaps where the
    // printer's font is narrower than the TTF).
    return `^FT${x},${y}^A0N,${h},${h}${fieldData(line.spans.map((s) => s.text).join(''))}`;
  });
}

export function renderZpl(layout: LabelLayout, options: ZplOptions = {}): string {
  const dpi = options.dpi ?? 203;
  const out: string[] = ['^XA', '^CI28', `^PW${mmToDots(layout.widthMm, dpi)}`, `^LL${mmToDots(layout.heightMm, dpi)}`, '^LH0,0'];
  for (const el of layout.elements) {
    switch (el.kind) {
      case 'text':
        out.push(`^FX ${el.field}`, ...textFields(el, dpi));
        break;
      case 'datamatrix': {
        const p = placeSymbol(el, dpi);
        out.push(`^FX ${el.field}`, `^FO${p.x},${p.y}^BXN,${p.moduleDots},200,${p.matrix.columns},${p.matrix.rows},,_${barcodeData(el.field, el.payload, '_')}`);
        break;
      }
      case 'code128': {
        const p = placeSymbol(el, dpi);
        // `>` starts a subset/function invocation in ^BC data; a literal `>` is `><`.
        out.push(`^FX ${el.field}`, `^BY${p.moduleDots}^FO${p.x},${p.y}^BCN,${p.heightDots},N,N,N${barcodeData(el.field, el.payload.split('>').join('><'), null)}`);
        break;
      }
      case 'rule': {
        const t = Math.max(1, mmToDots(el.thicknessMm, dpi));
        const x = mmToDots(el.x, dpi);
        const y = mmToDots(el.y, dpi);
        const [w, h] = el.direction === 'horizontal' ? [mmToDots(el.x + el.lengthMm, dpi) - x, t] : [t, mmToDots(el.y + el.lengthMm, dpi) - y];
        out.push(`^FO${x},${y}^GB${w},${h},${Math.min(w, h)}^FS`);
        break;
      }
      case 'frame': {
        const b = boxDots(el.box, dpi);
        const t = el.filled ? Math.min(b.width, b.height) : Math.max(1, mmToDots(el.thicknessMm, dpi));
        out.push(`^FO${b.x},${b.y}^GB${b.width},${b.height},${t}^FS`);
        break;
      }
    }
  }
  out.push('^PQ1', '^XZ');
  return out.join('\n') + '\n';
}
