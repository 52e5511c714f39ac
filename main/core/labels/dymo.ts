import { Bitmap } from './raster';

/**
 * The DYMO LabelManager (PnP, 280, 420P, Wireless PnP) tape job, byte for byte (HARDWARE.md "DYMO LabelManager"),
 * from a 1-bit raster at 180 dpi, and the decoder that turns such a stream back into the image (the virtual printer
 * of the simulator and the round-trip test use it).
 *
 * The job, as lprint's tape mode sends it:
 *   23 x NUL                      clear the printer's input buffer
 *   ESC C 0                       tape colour: black on white
 *   ESC D 0, 17 x SYN             leader: 17 blank feed lines (bytes per line 0)
 *   ESC B 0                       dot tab 0
 *   ESC D n                       n bytes per raster line (floor(8 * tape_mm / 12): 8 for 12 mm = 64 dots)
 *   SYN + n bytes, per column     one raster line = one column of the label, leading end first
 *   ESC A  after every 64 lines   status request (8-byte reply) so long labels do not time out [labelle]
 *   ESC D 0, 58 x SYN             trailer: feed the label past the cutter
 *   ESC E                         cut
 *
 * The label is printed as columns: the print head lies across the tape. HARDWARE.md: "rotate 270 degrees, mirror,
 * pack 8 px per byte, bit-reverse each byte". For the label bitmap (x along the tape, y across it, y = 0 at the top
 * edge of the text) that is: raster line x carries column x; byte j of the line holds pixels y = 8j .. 8j+7 with
 * y = 8j in the least significant bit (rotating by 270 degrees makes column x a line running bottom to top, the
 * mirror turns it top to bottom, packing puts y = 8j in the most significant bit and the bit reversal moves it to the
 * least significant bit).
 */
export const ESC = 0x1b;
export const SYN = 0x16;
export const NUL = 0x00;
export const CMD = { tapeColour: 0x43, bytesPerLine: 0x44, dotTab: 0x42, status: 0x41, cut: 0x45 } as const;

export const DYMO_DPI = 180;
export const HID_REPORT_SIZE = 64;

export interface DymoJobOptions {
  /** Tape width in mm (6, 9, 12, 19, 24): sets the bytes per line. Default 12. */
  tapeMm?: number;
  /** Blank lines fed before the label (lprint's LabelManager PnP value: 17). */
  leaderLines?: number;
  /** Blank lines fed after the label so it clears the cutter (lprint's PnP value: 58). */
  trailerLines?: number;
  /** A status request after every this many raster lines (default 64). */
  statusEvery?: number;
}

/** Bytes per raster line for a tape width: floor(8 * tape_mm / 12), at most 8 (the PnP head is 64 dots). */
export function dymoBytesPerLine(tapeMm: number): number {
  const n = Math.floor((8 * tapeMm) / 12);
  if (n < 1) throw new RangeError(`no DYMO tape is ${tapeMm} mm wide`);
  return Math.min(n, 8);
}

/** One raster line (column x of the bitmap) as `bytesPerLine` bytes, y = 8j in bit 0 of byte j. */
export function columnBytes(bitmap: Bitmap, x: number, bytesPerLine: number): Uint8Array {
  const line = new Uint8Array(bytesPerLine);
  for (let y = 0; y < Math.min(bitmap.height, bytesPerLine * 8); y++) if (bitmap.data[y * bitmap.width + x]) line[y >> 3]! |= 1 << (y & 7);
  return line;
}

export interface DymoJob {
  /** The whole job as one byte stream. */
  bytes: Uint8Array;
  /**
   * The stream cut after each status request: a driver writes a segment (as HID reports), reads the 8-byte status
   * reply, then writes the next. Concatenated they are `bytes`.
   */
  segments: Uint8Array[];
  bytesPerLine: number;
  rasterLines: number;
}

export function encodeDymoJob(bitmap: Bitmap, options: DymoJobOptions = {}): DymoJob {
  const bytesPerLine = dymoBytesPerLine(options.tapeMm ?? 12);
  const leader = options.leaderLines ?? 17;
  const trailer = options.trailerLines ?? 58;
  const statusEvery = options.statusEvery ?? 64;
  if (bitmap.height > bytesPerLine * 8)
    throw new RangeError(`the label is ${bitmap.height} dots high but a ${options.tapeMm ?? 12} mm tape prints ${bytesPerLine * 8}`);
  if (bitmap.width < 1) throw new RangeError('the label has no columns');

  const segments: number[][] = [[]];
  const push = (...b: number[]): void => {
    segments[segments.length - 1]!.push(...b);
  };
  push(...new Array<number>(23).fill(NUL));
  push(ESC, CMD.tapeColour, 0);
  push(ESC, CMD.bytesPerLine, 0, ...new Array<number>(leader).fill(SYN));
  push(ESC, CMD.dotTab, 0);
  push(ESC, CMD.bytesPerLine, bytesPerLine);
  for (let x = 0; x < bitmap.width; x++) {
    push(SYN, ...columnBytes(bitmap, x, bytesPerLine));
    if ((x + 1) % statusEvery === 0) {
      push(ESC, CMD.status);
      segments.push([]);
    }
  }
  push(ESC, CMD.bytesPerLine, 0, ...new Array<number>(trailer).fill(SYN));
  push(ESC, CMD.cut);
  const segs = segments.filter((s) => s.length > 0).map((s) => Uint8Array.from(s));
  const bytes = new Uint8Array(segs.reduce((n, s) => n + s.length, 0));
  let o = 0;
  for (const s of segs) {
    bytes.set(s, o);
    o += s.length;
  }
  return { bytes, segments: segs, bytesPerLine, rasterLines: bitmap.width };
}

/**
 * HID output reports for node-hid: the bytes in chunks of at most 64, each written as `[0x00, ...chunk]` (report id
 * 0). Pass each segment of a job separately so a report never straddles a status request.
 */
export function toHidReports(bytes: Uint8Array, reportSize = HID_REPORT_SIZE): Uint8Array[] {
  const reports: Uint8Array[] = [];
  for (let i = 0; i < bytes.length; i += reportSize) {
    const chunk = bytes.subarray(i, i + reportSize);
    const report = new Uint8Array(chunk.length + 1);
    report.set(chunk, 1);
    reports.push(report);
  }
  return reports;
}

export class DymoStreamError extends Error {
  readonly offset: number;
  constructor(offset: number, message: string) {
    super(`DYMO stream, byte ${offset}: ${message}`);
    this.name = 'DymoStreamError';
    this.offset = offset;
  }
}

export interface DecodedDymoJob {
  /** The printed image: from the first to the last raster line with data (blank feeds in between are blank columns). */
  bitmap: Bitmap;
  /** Bytes per line of the (last) raster line with data; 0 when none was sent. */
  bytesPerLine: number;
  dotTab: number;
  tapeColour: number | null;
  leaderLines: number;
  trailerLines: number;
  /** Leading NUL bytes. */
  nulBytes: number;
  /** The number of raster lines sent before each status request. */
  statusRequestsAfterLine: number[];
  cut: boolean;
  /** Bytes after the cut (a following job), not decoded. */
  rest: Uint8Array;
}

/**
 * Decodes a LabelManager byte stream (the job's bytes, or HID reports' payloads concatenated) into the image. Accepts
 * what lprint and labelle send too: `ESC D n` before every line, blank feeds (`ESC D 0` + SYN) inside the label, a
 * dot tab. Any byte that is not part of a known command is an error with its offset.
 */
export function decodeDymoStream(stream: Uint8Array): DecodedDymoJob {
  let i = 0;
  let nulBytes = 0;
  let bytesPerLine = 0;
  let dotTab = 0;
  let tapeColour: number | null = null;
  let cut = false;
  let maxBytes = 0;
  let dataBytesPerLine = 0;
  const lines: Array<Uint8Array | null> = []; // null: a blank feed line
  const statusAfter: number[] = [];
  const need = (n: number, what: string): void => {
    if (i + n > stream.length) throw new DymoStreamError(i, `stream ends inside ${what}`);
  };
  while (i < stream.length && !cut) {
    const b = stream[i]!;
    if (b === NUL) {
      if (lines.length > 0 || tapeColour !== null) throw new DymoStreamError(i, 'NUL byte inside the job');
      nulBytes++;
      i++;
    } else if (b === SYN) {
      i++;
      if (bytesPerLine === 0) lines.push(null);
      else {
        need(bytesPerLine, 'a raster line');
        const line = new Uint8Array(dotTab + bytesPerLine);
        line.set(stream.subarray(i, i + bytesPerLine), dotTab);
        lines.push(line);
        maxBytes = Math.max(maxBytes, line.length);
        dataBytesPerLine = bytesPerLine;
        i += bytesPerLine;
      }
    } else if (b === ESC) {
      need(2, 'a command');
      const cmd = stream[i + 1]!;
      switch (cmd) {
        case CMD.tapeColour:
          need(3, 'ESC C');
          tapeColour = stream[i + 2]!;
          i += 3;
          break;
        case CMD.bytesPerLine:
          need(3, 'ESC D');
          bytesPerLine = stream[i + 2]!;
          i += 3;
          break;
        case CMD.dotTab:
          need(3, 'ESC B');
          dotTab = stream[i + 2]!;
          i += 3;
          break;
        case CMD.status:
          statusAfter.push(lines.length);
          i += 2;
          break;
        case CMD.cut:
          cut = true;
          i += 2;
          break;
        default:
          throw new DymoStreamError(i, `unknown command ESC 0x${cmd.toString(16).padStart(2, '0')}`);
      }
    } else throw new DymoStreamError(i, `unexpected byte 0x${b.toString(16).padStart(2, '0')}`);
  }
  const first = lines.findIndex((l) => l !== null);
  let last = lines.length - 1;
  while (last >= 0 && lines[last] === null) last--;
  const printed = first < 0 ? [] : lines.slice(first, last + 1);
  const bitmap = new Bitmap(printed.length, maxBytes * 8);
  printed.forEach((line, x) => {
    if (!line) return;
    for (let y = 0; y < line.length * 8; y++) if (line[y >> 3]! & (1 << (y & 7))) bitmap.data[y * bitmap.width + x] = 1;
  });
  return {
    bitmap,
    bytesPerLine: dataBytesPerLine,
    dotTab,
    tapeColour,
    leaderLines: first < 0 ? lines.length : first,
    trailerLines: first < 0 ? 0 : lines.length - 1 - last,
    nulBytes,
    statusRequestsAfterLine: statusAfter.map((n) => (first < 0 ? 0 : Math.max(0, n - first))),
    cut,
    rest: stream.subarray(i),
  };
}

/** Decodes HID output reports as node-hid writes them (`[0x00, ...chunk]`): strips the report id and decodes. */
export function decodeDymoHidReports(reports: Uint8Array[]): DecodedDymoJob {
  const payload = new Uint8Array(reports.reduce((n, r) => n + Math.max(0, r.length - 1), 0));
  let o = 0;
  for (const r of reports) {
    if (r[0] !== 0) throw new DymoStreamError(o, `HID report starts with report id ${r[0]}, expected 0`);
    payload.set(r.subarray(1), o);
    o += r.length - 1;
  }
  return decodeDymoStream(payload);
}
