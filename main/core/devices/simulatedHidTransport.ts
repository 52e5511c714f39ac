import type { HidDeviceInfo, HidHandle, HidTransport } from './hidTransport';
import type { VirtualHidDevice } from './models/virtualHidDevice';

/** What node-hid says when a device goes away under an open handle (hidapi's read error). */
export const UNPLUGGED_READ_ERROR = 'could not read from HID device';

interface Plugged {
  path: string;
  device: VirtualHidDevice;
  handles: Set<SimulatedHandle>;
}

class SimulatedHandle implements HidHandle {
  private readonly dataListeners: Array<(report: Uint8Array) => void> = [];
  private readonly errorListeners: Array<(error: Error) => void> = [];
  private closedFlag = false;

  constructor(
    private readonly plugged: Plugged,
    private readonly isPlugged: () => boolean,
  ) {}

  on(event: 'data', listener: (report: Uint8Array) => void): void;
  on(event: 'error', listener: (error: Error) => void): void;
  on(event: 'data' | 'error', listener: ((report: Uint8Array) => void) | ((error: Error) => void)): void {
    if (event === 'data') this.dataListeners.push(listener as (r: Uint8Array) => void);
    else this.errorListeners.push(listener as (e: Error) => void);
  }

  /** An input report from the device: like node-hid, delivered asynchronously and only to a data listener. */
  deliver(report: Uint8Array): void {
    const copy = Uint8Array.from(report);
    setImmediate(() => {
      if (this.closedFlag) return;
      for (const l of this.dataListeners) l(copy);
    });
  }

  unplugged(): void {
    if (this.closedFlag) return;
    this.closedFlag = true;
    setImmediate(() => {
      for (const l of this.errorListeners) l(new Error(UNPLUGGED_READ_ERROR));
    });
  }

  private check(what: string): void {
    if (this.closedFlag && !this.isPlugged()) throw new Error(`Cannot ${what}: the device was unplugged`);
    if (this.closedFlag) throw new Error(`Cannot ${what}: the device is closed`);
  }

  async write(report: Uint8Array): Promise<number> {
    this.check('write to HID device');
    this.plugged.device.output(Uint8Array.from(report));
    return report.length;
  }

  async sendFeatureReport(report: Uint8Array): Promise<number> {
    this.check('send feature report');
    this.plugged.device.feature(Uint8Array.from(report));
    return report.length;
  }

  async close(): Promise<void> {
    if (this.closedFlag) return;
    this.closedFlag = true;
    this.plugged.handles.delete(this);
    if (this.plugged.handles.size === 0 && this.isPlugged()) this.plugged.device.closed();
  }
}

/**
 * In-process virtual HID devices: device models (./models) plugged into a fake bus. Enumeration reports them like
 * node-hid's hidraw backend does (with usage page and usage); `unplug` makes open handles fail like a pulled cable.
 */
export class SimulatedHidTransport implements HidTransport {
  readonly kind = 'simulated' as const;
  private readonly plugged = new Map<string, Plugged>();
  private nextNode = 0;

  /** Plugs a device in; answers its path (a new one each time, as a real re-plug gets a new hidraw node). */
  plug(device: VirtualHidDevice): string {
    const path = `/dev/hidraw-sim${this.nextNode++}`;
    this.plugged.set(path, { path, device, handles: new Set() });
    return path;
  }

  /** Pulls the device out: open handles get a read error, writes fail, enumeration no longer lists it. */
  unplug(device: VirtualHidDevice): void {
    for (const [path, p] of this.plugged) {
      if (p.device !== device) continue;
      this.plugged.delete(path);
      for (const h of p.handles) h.unplugged();
      p.handles.clear();
      device.closed();
    }
  }

  isPlugged(device: VirtualHidDevice): boolean {
    return [...this.plugged.values()].some((p) => p.device === device);
  }

  async enumerate(): Promise<HidDeviceInfo[]> {
    return [...this.plugged.values()].map(({ path, device }) => ({
      vendorId: device.identity.vendorId,
      productId: device.identity.productId,
      path,
      usagePage: device.identity.usagePage,
      usage: device.identity.usage,
      product: device.identity.product,
      manufacturer: device.identity.manufacturer,
      serialNumber: device.identity.serialNumber,
      interface: 0,
    }));
  }

  async open(path: string): Promise<HidHandle> {
    const p = this.plugged.get(path);
    if (!p) throw new Error(`cannot open device with path ${path}`);
    const handle = new SimulatedHandle(p, () => this.plugged.get(path) === p);
    const first = p.handles.size === 0;
    p.handles.add(handle);
    if (first) p.device.opened((report) => p.handles.forEach((h) => h.deliver(report)));
    return handle;
  }
}
