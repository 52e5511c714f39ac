import { CMD, ESC, HID_REPORT_SIZE, toHidReports } from '../labels/dymo';
import type { HidDeviceInfo, HidHandle, HidTransport } from './hidTransport';
import { PrinterError, seconds, type PrinterSink, type RawPrintJob } from './printerSink';

/**
 * The DYMO LabelManager driver (HARDWARE.md "DYMO LabelManager"): writes a tape job (main/core/labels/dymo.ts) as HID
 * output reports `[0x00, ...up to 64 bytes]`, segment by segment, and after each status request waits for the
 * printer's 8-byte status reply before it writes on, as labelle does every 64 raster lines so that long labels do not
 * time out. A reply that does not come is a clear time-out error; a pulled cable is a "disconnected" error. Either
 * way the caller keeps the job to retry.
 */
export const DYMO_VENDOR_ID = 0x0922;
/** LabelManager products in printer (HID) mode: PnP, 420P, 280, Wireless PnP, MobileLabeler. */
export const DYMO_LABELMANAGER_PRINTER_PRODUCTS: ReadonlyMap<number, string> = new Map([
  [0x1002, 'LabelManager PnP'],
  [0x1004, 'LabelManager 420P'],
  [0x1006, 'LabelManager 280'],
  [0x1008, 'LabelManager Wireless PnP'],
  [0x1009, 'MobileLabeler'],
]);
export const DYMO_STATUS_REPLY_BYTES = 8;

export function isDymoLabelManager(info: Pick<HidDeviceInfo, 'vendorId' | 'productId'>): boolean {
  return info.vendorId === DYMO_VENDOR_ID && DYMO_LABELMANAGER_PRINTER_PRODUCTS.has(info.productId);
}

const endsWithStatusRequest = (segment: Uint8Array): boolean =>
  segment.length >= 2 && segment[segment.length - 2] === ESC && segment[segment.length - 1] === CMD.status;

export interface DymoPrinterOptions {
  /** How long to wait for the status reply (default 5000 ms). */
  statusTimeoutMs?: number;
}

export class DymoLabelManagerPrinter implements PrinterSink {
  readonly description: string;

  constructor(
    private readonly transport: HidTransport,
    private readonly info: HidDeviceInfo,
    private readonly options: DymoPrinterOptions = {},
  ) {
    this.description = `DYMO ${DYMO_LABELMANAGER_PRINTER_PRODUCTS.get(info.productId) ?? 'LabelManager'}`;
  }

  async send(job: RawPrintJob): Promise<void> {
    const timeoutMs = this.options.statusTimeoutMs ?? 5000;
    let handle: HidHandle;
    try {
      handle = await this.transport.open(this.info.path);
    } catch (error) {
      throw new PrinterError('offline', `The ${this.description} could not be opened (${error instanceof Error ? error.message : String(error)}). Is it plugged in and switched on?`);
    }
    const replies: Uint8Array[] = [];
    let waiter: { resolve: (r: Uint8Array) => void; reject: (e: PrinterError) => void } | null = null;
    let dead: PrinterError | null = null;
    handle.on('data', (report) => {
      if (waiter) {
        const w = waiter;
        waiter = null;
        w.resolve(report);
      } else replies.push(report);
    });
    handle.on('error', (error) => {
      dead = new PrinterError('disconnected', `The ${this.description} was disconnected while printing (${error.message}). The label is kept: plug it back in and retry.`);
      waiter?.reject(dead);
      waiter = null;
    });
    const nextReply = (segment: number): Promise<Uint8Array> => {
      if (dead) return Promise.reject(dead);
      const queued = replies.shift();
      if (queued) return Promise.resolve(queued);
      return new Promise<Uint8Array>((resolve, reject) => {
        const timer = setTimeout(() => {
          waiter = null;
          reject(
            new PrinterError(
              'timeout',
              `The ${this.description} did not answer a status request within ${seconds(timeoutMs)} (after part ${segment} of the label). Check the tape cassette and that the printer is on, then retry.`,
            ),
          );
        }, timeoutMs);
        waiter = {
          resolve: (r) => {
            clearTimeout(timer);
            resolve(r);
          },
          reject: (e) => {
            clearTimeout(timer);
            reject(e);
          },
        };
      });
    };

    try {
      const segments = job.segments && job.segments.length > 0 ? job.segments : [job.bytes];
      for (const [i, segment] of segments.entries()) {
        for (const report of toHidReports(segment, HID_REPORT_SIZE)) {
          if (dead) throw dead;
          try {
            await handle.write(report);
          } catch (error) {
            throw dead ?? new PrinterError('disconnected', `The ${this.description} stopped taking data (${error instanceof Error ? error.message : String(error)}). The label is kept: check the cable and retry.`);
          }
        }
        if (endsWithStatusRequest(segment)) {
          const reply = await nextReply(i + 1);
          if (reply.length < DYMO_STATUS_REPLY_BYTES)
            throw new PrinterError('refused', `The ${this.description} answered a status request with ${reply.length} bytes instead of ${DYMO_STATUS_REPLY_BYTES}.`);
        }
      }
    } finally {
      await handle.close().catch(() => undefined);
    }
  }
}
