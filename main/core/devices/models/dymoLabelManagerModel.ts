import { CMD, ESC, NUL, SYN, decodeDymoStream, type DecodedDymoJob } from '../../labels/dymo';
import type { VirtualHidDevice, VirtualHidIdentity } from './virtualHidDevice';

/**
 * A DYMO LabelManager PnP in printer mode (vendor 0x0922, product 0x1002; HARDWARE.md "DYMO LabelManager"), device
 * side: it takes the command stream in output reports of report id 0 (`[0x00, ...up to 64 bytes]`), answers every
 * status request (ESC A) with an 8-byte input report, and at each cut (ESC E) decodes the job it received into the
 * printed image with the same decoder as main/core/labels/dymo.ts.
 *
 * Not modelled: the mass-storage mode of a fresh PnP (product 0x1001, which is not a HID device until switched).
 */
export const DYMO_VENDOR_ID = 0x0922;
export const DYMO_LABELMANAGER_PNP = 0x1002;
export const DYMO_STATUS_REPLY_SIZE = 8;

/**
 * The report descriptor this model presents. The LabelManager PnP's real descriptor is not public: this one is an
 * assumption in the shape the protocol needs: one vendor-defined collection without report ids, an 8-byte input
 * report (the status reply) and a 64-byte output report (the command stream).
 */
// prettier-ignore
export const DYMO_REPORT_DESCRIPTOR = Uint8Array.from([
  0x06, 0x00, 0xff,   // Usage Page (Vendor 0xFF00)        [assumed]
  0x09, 0x01,         // Usage (Vendor 1)
  0xa1, 0x01,         // Collection (Application)
  0x15, 0x00,         //   Logical Minimum (0)
  0x26, 0xff, 0x00,   //   Logical Maximum (255)
  0x75, 0x08,         //   Report Size (8)
  0x09, 0x02,         //   Usage (Vendor 2): status reply
  0x95, 0x08,         //   Report Count (8)
  0x81, 0x02,         //   Input (Data, Var, Abs)
  0x09, 0x03,         //   Usage (Vendor 3): command stream
  0x95, 0x40,         //   Report Count (64)
  0x91, 0x02,         //   Output (Data, Var, Abs)
  0xc0,               // End Collection
]);

/**
 * What the model answers to ESC A. The meaning of the LabelManager's 8 status bytes is not published (labelle reads
 * and ignores them); the model answers zeros, and the driver only relies on an answer arriving.
 */
export const DYMO_MODEL_STATUS_REPLY = new Uint8Array(DYMO_STATUS_REPLY_SIZE);

export interface PrintedDymoLabel {
  decoded: DecodedDymoJob;
  /** The job's bytes as received (report ids stripped). */
  bytes: Uint8Array;
  at: Date;
}

export interface DymoModelOptions {
  /** false: never answers a status request (a stalled printer), for the time-out test. Default true. */
  answerStatus?: boolean;
  serialNumber?: string;
  productId?: number;
}

export class DymoLabelManagerModel implements VirtualHidDevice {
  readonly identity: VirtualHidIdentity;
  readonly reportDescriptor = DYMO_REPORT_DESCRIPTOR;
  /** Every output report as written. */
  readonly reports: Uint8Array[] = [];
  /** Labels printed (each ended with a cut), in order. */
  readonly printed: PrintedDymoLabel[] = [];
  /** Problems in what the host sent (bad report id, oversize report, unknown command), in order. */
  readonly protocolErrors: string[] = [];
  /** Jobs that were cut short (the host closed or the cable was pulled before ESC E). */
  abandonedJobs = 0;
  statusRequests = 0;
  answerStatus: boolean;
  private sendInput: ((report: Uint8Array) => void) | null = null;
  /** The bytes of the job being received, report ids stripped. */
  private job: number[] = [];
  /** How far `job` has been parsed into complete commands. */
  private parsed = 0;
  private bytesPerLine = 0;

  constructor(options: DymoModelOptions = {}) {
    this.answerStatus = options.answerStatus ?? true;
    this.identity = {
      vendorId: DYMO_VENDOR_ID,
      productId: options.productId ?? DYMO_LABELMANAGER_PNP,
      product: 'LabelManager PnP (virtual)',
      manufacturer: 'DYMO',
      serialNumber: options.serialNumber ?? 'SIM-DYMO-1',
      usagePage: 0xff00,
      usage: 0x01,
    };
  }

  opened(sendInput: (report: Uint8Array) => void): void {
    this.sendInput = sendInput;
  }

  closed(): void {
    this.sendInput = null;
    // Powered by USB: an unplugged or abandoned job is lost with the printer's buffer.
    if (this.job.some((b) => b !== NUL)) this.abandonedJobs++;
    this.resetJob();
  }

  feature(): void {
    // The LabelManager has no feature reports.
  }

  output(report: Uint8Array): void {
    this.reports.push(Uint8Array.from(report));
    if (report[0] !== 0x00) {
      this.protocolErrors.push(`output report with report id ${report[0]} (the LabelManager numbers no reports: expected 0)`);
      return;
    }
    if (report.length > 65) {
      this.protocolErrors.push(`output report of ${report.length} bytes (at most 64 after the report id)`);
      return;
    }
    for (const b of report.subarray(1)) this.job.push(b);
    this.consume();
  }

  /** The image of the last printed label, or null. */
  get lastLabel(): PrintedDymoLabel | null {
    return this.printed[this.printed.length - 1] ?? null;
  }

  private resetJob(): void {
    this.job = [];
    this.parsed = 0;
    this.bytesPerLine = 0;
  }

  /** Walks the complete commands received so far; answers status requests and prints at the cut. */
  private consume(): void {
    const buf = this.job;
    let i = this.parsed;
    while (i < buf.length) {
      const b = buf[i]!;
      if (b === NUL) i++;
      else if (b === SYN) {
        if (i + 1 + this.bytesPerLine > buf.length) break;
        i += 1 + this.bytesPerLine;
      } else if (b === ESC) {
        if (i + 2 > buf.length) break;
        const cmd = buf[i + 1]!;
        if (cmd === CMD.status) {
          i += 2;
          this.statusRequests++;
          if (this.answerStatus && this.sendInput) this.sendInput(Uint8Array.from(DYMO_MODEL_STATUS_REPLY));
        } else if (cmd === CMD.cut) {
          i += 2;
          this.print(Uint8Array.from(buf.slice(0, i)));
          buf.splice(0, i);
          i = 0;
          this.bytesPerLine = 0;
        } else if (cmd === CMD.bytesPerLine || cmd === CMD.dotTab || cmd === CMD.tapeColour) {
          if (i + 3 > buf.length) break;
          if (cmd === CMD.bytesPerLine) this.bytesPerLine = buf[i + 2]!;
          i += 3;
        } else {
          this.protocolErrors.push(`unknown command ESC 0x${cmd.toString(16).padStart(2, '0')} at byte ${i} of the job: job discarded`);
          this.resetJob();
          return;
        }
      } else {
        this.protocolErrors.push(`unexpected byte 0x${b.toString(16).padStart(2, '0')} at byte ${i} of the job: job discarded`);
        this.resetJob();
        return;
      }
    }
    this.parsed = i;
  }

  private print(bytes: Uint8Array): void {
    try {
      this.printed.push({ decoded: decodeDymoStream(bytes), bytes, at: new Date() });
    } catch (error) {
      this.protocolErrors.push(`job could not be decoded: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
}
