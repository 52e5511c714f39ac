import { CupsRawQueueSink, TcpPrinterSink, type PrinterSink, type RawPrintJob } from './printerSink';

/**
 * A Zebra (ZPL II) label printer (HARDWARE.md "Zebra"): no HID mode, so it is reached over raw TCP port 9100 or an
 * OS raw print queue (a USB Zebra through CUPS). Over TCP the printer's host status (~HS) is asked first, so "out of
 * labels", "head open" and "paused" are refused with words instead of a silent non-print.
 */
export type ZebraConnection = { type: 'tcp'; host: string; port: number } | { type: 'queue'; queue: string };

export class ZebraPrinter implements PrinterSink {
  readonly description: string;
  private readonly sink: PrinterSink;

  constructor(connection: ZebraConnection, options: { timeoutMs?: number; name?: string } = {}) {
    if (connection.type === 'tcp') {
      this.description = options.name ?? `Zebra printer at ${connection.host}:${connection.port}`;
      this.sink = new TcpPrinterSink({ host: connection.host, port: connection.port, checkZebraStatus: true, description: this.description, ...(options.timeoutMs ? { timeoutMs: options.timeoutMs } : {}) });
    } else {
      this.sink = new CupsRawQueueSink({ queue: connection.queue, ...(options.timeoutMs ? { timeoutMs: options.timeoutMs } : {}) });
      this.description = options.name ?? `Zebra printer on ${this.sink.description}`;
    }
  }

  /** Sends one ZPL format (`^XA ... ^XZ`). */
  printZpl(zpl: string): Promise<void> {
    return this.send({ bytes: new TextEncoder().encode(zpl) });
  }

  send(job: RawPrintJob): Promise<void> {
    return this.sink.send(job);
  }
}
