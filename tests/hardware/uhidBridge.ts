/**
 * Turns a device model (main/core/devices/models, the `VirtualHidDevice` interface) into a real kernel HID device
 * through /dev/uhid: UHID_CREATE2 from the model's identity and report descriptor, UHID_OPEN / UHID_CLOSE into
 * `opened` / `closed`, UHID_OUTPUT into `output`, feature SET_REPORTs into `feature`, the model's input reports into
 * UHID_INPUT2. `unplug()` is UHID_DESTROY: the hidraw node disappears and open handles get a read error, as when the
 * cable is pulled. `plug()` again makes a new device (a new hidraw node), as a re-plug does.
 *
 * Every report that crosses is logged with its direction and time, so a test can print the bytes seen on the device
 * side next to what the driver saw.
 */
import type { VirtualHidDevice } from '../../main/core/devices/models/virtualHidDevice';
import { UHID_REPORT_TYPE, UhidDevice, type UhidEvent } from './uhid';

export interface WireRecord {
  /** 'in' = device to host (input report), 'out' = host to device (output report), 'feature' = feature SET_REPORT. */
  dir: 'in' | 'out' | 'feature';
  bytes: Uint8Array;
  at: number;
}

export function hex(bytes: Uint8Array): string {
  return [...bytes].map((b) => b.toString(16).padStart(2, '0')).join(' ');
}

let plugCounter = 0;

export class UhidPlug {
  private dev: UhidDevice | null = null;
  private isOpen = false;
  private openWaiters: Array<() => void> = [];
  private watchers: Array<(record: WireRecord) => void> = [];
  readonly wire: WireRecord[] = [];
  /** The hidraw node while plugged in. */
  path: string | null = null;

  constructor(
    readonly model: VirtualHidDevice,
    private readonly phys = 'veil-hw-lab/usb-1',
  ) {}

  get plugged(): boolean {
    return this.dev !== null;
  }

  get opened(): boolean {
    return this.isOpen;
  }

  /** Creates the kernel device and waits for its hidraw node; answers the node's path. */
  async plug(): Promise<string> {
    if (this.dev) throw new Error(`${this.model.identity.product} is already plugged in`);
    const id = this.model.identity;
    // HID_UNIQ is what node-hid reports as the serial number; one per plug so the hidraw node can be found by it.
    const uniq = `${id.serialNumber}`;
    const dev = UhidDevice.create({
      name: `${id.manufacturer} ${id.product}`.slice(0, 127),
      phys: `${this.phys}/${++plugCounter}`,
      uniq,
      vendor: id.vendorId,
      product: id.productId,
      descriptor: this.model.reportDescriptor,
    });
    this.dev = dev;
    dev.on('event', (ev: UhidEvent) => this.onEvent(dev, ev));
    dev.onSetReport = (_rnum, rtype, data) => {
      if (rtype !== UHID_REPORT_TYPE.FEATURE) return 0;
      this.record({ dir: 'feature', bytes: Uint8Array.from(data), at: performance.now() });
      this.model.feature(Uint8Array.from(data));
      return 0;
    };
    this.path = await dev.waitForHidraw();
    return this.path;
  }

  /** Pull the cable: UHID_DESTROY. The model is told it was closed if a host had it open. */
  unplug(): void {
    const dev = this.dev;
    if (!dev) return;
    this.dev = null;
    this.path = null;
    dev.destroy();
    if (this.isOpen) {
      this.isOpen = false;
      this.model.closed();
    }
  }

  /** Resolves once a host has opened the device (UHID_OPEN seen and the model told). */
  waitOpen(timeoutMs = 10_000): Promise<void> {
    if (this.isOpen) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`${this.model.identity.product} was not opened by the host within ${timeoutMs} ms`)), timeoutMs);
      this.openWaiters.push(() => {
        clearTimeout(timer);
        resolve();
      });
    });
  }

  /** Resolves once no host has the device open any more. */
  async waitClosed(timeoutMs = 10_000): Promise<void> {
    const until = Date.now() + timeoutMs;
    while (this.isOpen) {
      if (Date.now() > until) throw new Error(`${this.model.identity.product} was still open after ${timeoutMs} ms`);
      await new Promise((r) => setTimeout(r, 5));
    }
  }

  /** Calls fn with every report that crosses from now on (it may unplug the device from inside); answers an off switch. */
  watch(fn: (record: WireRecord) => void): () => void {
    this.watchers.push(fn);
    return () => {
      this.watchers = this.watchers.filter((w) => w !== fn);
    };
  }

  private record(r: WireRecord): void {
    this.wire.push(r);
    for (const w of [...this.watchers]) w(r);
  }

  clearWire(): void {
    this.wire.length = 0;
  }

  private onEvent(dev: UhidDevice, ev: UhidEvent): void {
    if (dev !== this.dev) return;
    switch (ev.type) {
      case 'open':
        if (!this.isOpen) {
          this.isOpen = true;
          this.model.opened((report) => {
            if (this.dev !== dev) return; // unplugged: the bytes go nowhere
            this.record({ dir: 'in', bytes: Uint8Array.from(report), at: performance.now() });
            if (this.dev === dev) dev.input(report); // a watcher may have unplugged it
          });
          const waiters = this.openWaiters;
          this.openWaiters = [];
          for (const w of waiters) w();
        }
        break;
      case 'close':
        if (this.isOpen) {
          this.isOpen = false;
          this.model.closed();
        }
        break;
      case 'output':
        this.record({ dir: 'out', bytes: ev.data, at: performance.now() });
        if (this.dev === dev) this.model.output(ev.data); // a watcher may have unplugged it
        break;
      default:
        break;
    }
  }
}
