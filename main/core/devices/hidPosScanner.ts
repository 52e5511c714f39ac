import { splitAim, type Symbology } from '../../../shared/barcode/aim';
import { HID_POS_USAGE_BAR_CODE_SCANNER, HID_POS_USAGE_PAGE, hexBytes, type HidDeviceInfo, type HidHandle, type HidTransport } from './hidTransport';

/**
 * The HID POS bar code scanner driver (HARDWARE.md "HID POS barcode scanners"): reads the Honeywell input report
 * layout, reassembles bar codes longer than one report, and sends the good-read / error beep.
 *
 * Input report (node-hid offsets, 64 bytes): [0] report id 0x02, [1] n data bytes, [2..4] AIM identifier, [5..5+n)
 * data, [61] code id, [62] reserved, [63] bit 0 = the data continues in the next report. Some scanners put one extra
 * byte before the AIM identifier (unconfirmed): when byte 2 is not `]` but byte 3 is, the AIM is [3..5] and the data
 * starts at 6. Either way the data ends before byte 61.
 */
export const HID_POS_INPUT_REPORT_ID = 0x02;
export const HID_POS_REPORT_SIZE = 64;
const AIM_START = 0x5d; // ']'
const CONTINUES = 0x01;
const DATA_END = 61;
/** A bar code longer than this is refused (a 2D symbol holds at most ~3 kB; this guards the reassembly buffer). */
export const MAX_BARCODE_BYTES = 4096;

/**
 * The trigger output report, HARDWARE.md "Honeywell control": report id 0x04, then one byte of bits — bit 2
 * initiate read, bit 5 error beep, bit 6 good-read beep. Written as [report id, bits].
 */
export const TRIGGER_REPORT_ID = 0x04;
export const GOOD_READ_BEEP_REPORT = Uint8Array.from([TRIGGER_REPORT_ID, 1 << 6]); // 04 40
export const ERROR_BEEP_REPORT = Uint8Array.from([TRIGGER_REPORT_ID, 1 << 5]); // 04 20

export interface ScanEvent {
  /** What the scanner decoded with its AIM identifier in front (`]C0100001`), trailing CR stripped. */
  code: string;
  aim: string;
  symbology: Symbology;
  source: 'scanner';
  at: Date;
}

export interface ScannerDeviceError {
  message: string;
  /** The offending report, hex, when there is one. */
  report?: string;
}

/** A HID POS scanner is what reports the Bar Code Scanner usage; product ids vary by vendor and model. */
export function isHidPosScanner(info: Pick<HidDeviceInfo, 'usagePage' | 'usage'>): boolean {
  return info.usagePage === HID_POS_USAGE_PAGE && info.usage === HID_POS_USAGE_BAR_CODE_SCANNER;
}

export type ParsedReport =
  | { ok: true; aim: string; data: Uint8Array; continues: boolean; variant: boolean }
  | { ok: false; empty: true }
  | { ok: false; empty: false; message: string };

/** One input report, checked. Never throws. */
export function parseHidPosReport(report: Uint8Array): ParsedReport {
  const bad = (message: string): ParsedReport => ({ ok: false, empty: false, message });
  if (report.length === 0) return bad('an empty report');
  if (report[0] !== HID_POS_INPUT_REPORT_ID) return bad(`a report with id 0x${report[0]!.toString(16).padStart(2, '0')} (a scanned-data report has id 0x02)`);
  if (report.length < HID_POS_REPORT_SIZE) return bad(`a truncated report (${report.length} of ${HID_POS_REPORT_SIZE} bytes)`);
  if (report.length > HID_POS_REPORT_SIZE) return bad(`a report of ${report.length} bytes (a scanned-data report has ${HID_POS_REPORT_SIZE})`);
  const n = report[1]!;
  // Some scanners send an all-zero report (e.g. at trigger release): nothing was decoded, nothing to refuse.
  if (n === 0 && report.subarray(2).every((b) => b === 0)) return { ok: false, empty: true };
  const at = report[2] === AIM_START ? 2 : report[3] === AIM_START ? 3 : -1;
  if (at < 0) return bad('a report without an AIM symbology identifier at byte 2 or 3');
  const aim = String.fromCharCode(report[at]!, report[at + 1]!, report[at + 2]!);
  if (!/^\][A-Za-z][0-9A-Za-z]$/.test(aim)) return bad(`a report with a malformed AIM identifier (${hexBytes(report.subarray(at, at + 3))})`);
  const start = at + 3;
  if (start + n > DATA_END) return bad(`a report claiming ${n} data bytes where at most ${DATA_END - start} fit`);
  const status = report[HID_POS_REPORT_SIZE - 1]!;
  return { ok: true, aim, data: report.slice(start, start + n), continues: (status & CONTINUES) !== 0, variant: at === 3 };
}

export interface HidPosScannerOptions {
  now: () => Date;
  /** A bar code whose next report does not come within this time is discarded (default 1000 ms). */
  continuationTimeoutMs?: number;
}

type Listener<T> = (value: T) => void;

/**
 * One open HID POS scanner. Emits one scan per complete bar code; refuses garbage, truncated and inconsistent reports
 * with a device error (never an exception); throws away a half-read bar code when the device disappears, errs or the
 * rest does not come.
 */
export class HidPosScanner {
  private pending: { aim: string; chunks: Uint8Array[]; bytes: number } | null = null;
  private pendingTimer: ReturnType<typeof setTimeout> | null = null;
  private closed = false;
  private readonly scanListeners: Array<Listener<ScanEvent>> = [];
  private readonly errorListeners: Array<Listener<ScannerDeviceError>> = [];
  private readonly goneListeners: Array<Listener<Error>> = [];

  private constructor(
    readonly info: HidDeviceInfo,
    private readonly handle: HidHandle,
    private readonly options: HidPosScannerOptions,
  ) {}

  /** Opens the scanner and starts reading (attaching the data listener is what starts node-hid's reader). */
  static async open(transport: HidTransport, info: HidDeviceInfo, options: HidPosScannerOptions): Promise<HidPosScanner> {
    const handle = await transport.open(info.path);
    const scanner = new HidPosScanner(info, handle, options);
    handle.on('error', (error) => scanner.gone(error));
    handle.on('data', (report) => scanner.receive(report));
    return scanner;
  }

  onScan(listener: Listener<ScanEvent>): void {
    this.scanListeners.push(listener);
  }
  onDeviceError(listener: Listener<ScannerDeviceError>): void {
    this.errorListeners.push(listener);
  }
  /** The device went away (read error = unplugged); the scanner is closed. */
  onGone(listener: Listener<Error>): void {
    this.goneListeners.push(listener);
  }

  get isClosed(): boolean {
    return this.closed;
  }

  /** Good-read or error beep at the scanner, through the trigger output report (see ERROR_BEEP_REPORT). */
  async beep(kind: 'good' | 'error'): Promise<void> {
    if (this.closed) throw new Error('the scanner is not connected');
    await this.handle.write(kind === 'good' ? GOOD_READ_BEEP_REPORT : ERROR_BEEP_REPORT);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.dropPending(null);
    await this.handle.close().catch(() => undefined);
  }

  /** One input report. Public for tests that feed bytes directly; never throws. */
  receive(report: Uint8Array): void {
    if (this.closed) return;
    const parsed = parseHidPosReport(report);
    if (!parsed.ok) {
      if (parsed.empty) return;
      const hadPending = this.pending !== null;
      this.dropPending(null);
      this.emitError({ message: `The scanner sent ${parsed.message}; it was ignored${hadPending ? ', with the part of the bar code read before it' : ''}. Scan again.`, report: hexBytes(report) });
      return;
    }
    if (this.pending && this.pending.aim !== parsed.aim) {
      this.dropPending(`The scanner switched symbology (${this.pending.aim} to ${parsed.aim}) in the middle of a bar code; the part read was discarded. Scan again.`);
    }
    const pending = (this.pending ??= { aim: parsed.aim, chunks: [], bytes: 0 });
    pending.chunks.push(parsed.data);
    pending.bytes += parsed.data.length;
    if (pending.bytes > MAX_BARCODE_BYTES) {
      this.dropPending(`The scanner sent more than ${MAX_BARCODE_BYTES} bytes for one bar code; it was discarded.`);
      return;
    }
    if (parsed.continues) {
      this.armTimer();
      return;
    }
    this.clearTimer();
    this.pending = null;
    const bytes = new Uint8Array(pending.bytes);
    let o = 0;
    for (const c of pending.chunks) {
      bytes.set(c, o);
      o += c.length;
    }
    let end = bytes.length;
    while (end > 0 && (bytes[end - 1] === 0x0d || bytes[end - 1] === 0x0a)) end--;
    if (end === 0) {
      this.emitError({ message: 'The scanner sent a bar code without data; it was ignored.' });
      return;
    }
    let data = '';
    for (let i = 0; i < end; i++) data += String.fromCharCode(bytes[i]!);
    const code = pending.aim + data;
    const event: ScanEvent = { code, aim: pending.aim, symbology: splitAim(code).symbology, source: 'scanner', at: this.options.now() };
    for (const l of this.scanListeners) l(event);
  }

  private gone(error: Error): void {
    if (this.closed) return;
    this.dropPending('The scanner was disconnected in the middle of a bar code; the part read was discarded. Scan again.');
    this.closed = true;
    this.handle.close().catch(() => undefined);
    for (const l of this.goneListeners) l(error);
  }

  private armTimer(): void {
    this.clearTimer();
    this.pendingTimer = setTimeout(() => {
      this.pendingTimer = null;
      this.dropPending('The rest of a long bar code never came from the scanner; the part read was discarded. Scan again.');
    }, this.options.continuationTimeoutMs ?? 1000);
    this.pendingTimer.unref?.();
  }

  private clearTimer(): void {
    if (this.pendingTimer) clearTimeout(this.pendingTimer);
    this.pendingTimer = null;
  }

  private dropPending(message: string | null): void {
    this.clearTimer();
    if (!this.pending) return;
    this.pending = null;
    if (message) this.emitError({ message });
  }

  private emitError(error: ScannerDeviceError): void {
    for (const l of this.errorListeners) l(error);
  }
}
