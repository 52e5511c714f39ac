import { bitmapToPng } from '../labels/png';
import { DymoLabelManagerModel } from './models/dymoLabelManagerModel';
import { HidPosScannerModel } from './models/hidPosScannerModel';
import { ZebraLoopbackSink } from './models/zebraLoopbackSink';
import { SimulatedHidTransport } from './simulatedHidTransport';

/**
 * The device simulator of the demo and the tests: one virtual HID POS scanner and one virtual DYMO LabelManager PnP
 * on the simulated HID bus, and a network Zebra on the loopback interface. The drivers above them are the production
 * ones; only the bytes' other end is simulated.
 */
export class DeviceSimulator {
  readonly transport = new SimulatedHidTransport();
  readonly scanner: HidPosScannerModel;
  readonly dymo: DymoLabelManagerModel;
  readonly zebra = new ZebraLoopbackSink();
  private started = false;

  constructor(options: { scanner?: HidPosScannerModel; dymo?: DymoLabelManagerModel } = {}) {
    this.scanner = options.scanner ?? new HidPosScannerModel();
    this.dymo = options.dymo ?? new DymoLabelManagerModel();
  }

  /** Plugs the scanner and the DYMO in and starts the loopback Zebra. */
  async start(): Promise<void> {
    if (this.started) return;
    this.started = true;
    this.transport.plug(this.scanner);
    this.transport.plug(this.dymo);
    await this.zebra.start();
  }

  async stop(): Promise<void> {
    await this.zebra.stop();
  }

  zebraAddress(): { host: string; port: number } | null {
    return this.zebra.listening ? { host: '127.0.0.1', port: this.zebra.port } : null;
  }

  /** The AIM identifier a scanner would report for this text: GS1 DataMatrix for a GS1 element string, else Code 128. */
  static aimFor(code: string): ']C0' | ']d2' {
    return code.includes('\x1d') || /^01\d{14}/.test(code) ? ']d2' : ']C0';
  }

  /** The last label the virtual DYMO printed, as a PNG (what it "burned"), or null. */
  lastDymoLabelPng(): { pngBase64: string; widthDots: number; heightDots: number; at: Date } | null {
    const last = this.dymo.lastLabel;
    if (!last) return null;
    return { pngBase64: bitmapToPng(last.decoded.bitmap, { dpi: 180 }).toString('base64'), widthDots: last.decoded.bitmap.width, heightDots: last.decoded.bitmap.height, at: last.at };
  }
}
