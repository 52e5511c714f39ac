/**
 * Helpers of the hardware scenarios (inside the VM): a recording wrapper around the production node-hid transport (it
 * only logs what crosses, so the bytes seen by the driver can be printed next to the device's), decoy HID devices,
 * polling waits and hex dumps.
 */
import type { HidDeviceInfo, HidHandle, HidTransport } from '../../main/core/devices/hidTransport';
import type { VirtualHidDevice, VirtualHidIdentity } from '../../main/core/devices/models/virtualHidDevice';
import type { WireRecord } from './uhidBridge';

export interface DriverRecord {
  dir: 'in' | 'out' | 'feature';
  path: string;
  bytes: Uint8Array;
  at: number;
}

/** Delegates everything to the wrapped transport (node-hid) and logs each report that crosses, with its time. */
export class RecordingTransport implements HidTransport {
  readonly log: DriverRecord[] = [];
  /** Every path the drivers opened, in order. */
  readonly opened: string[] = [];
  enumerations = 0;

  constructor(private readonly inner: HidTransport) {}

  get kind(): HidTransport['kind'] {
    return this.inner.kind;
  }

  async enumerate(): Promise<HidDeviceInfo[]> {
    this.enumerations++;
    return this.inner.enumerate();
  }

  async open(path: string): Promise<HidHandle> {
    const handle = await this.inner.open(path);
    this.opened.push(path);
    const log = this.log;
    const wrapped: HidHandle = {
      on(event: 'data' | 'error', listener: ((r: Uint8Array) => void) | ((e: Error) => void)): void {
        if (event === 'data') {
          handle.on('data', (report) => {
            log.push({ dir: 'in', path, bytes: Uint8Array.from(report), at: performance.now() });
            (listener as (r: Uint8Array) => void)(report);
          });
        } else handle.on('error', listener as (e: Error) => void);
      },
      async write(report) {
        log.push({ dir: 'out', path, bytes: Uint8Array.from(report), at: performance.now() });
        return handle.write(report);
      },
      async sendFeatureReport(report) {
        log.push({ dir: 'feature', path, bytes: Uint8Array.from(report), at: performance.now() });
        return handle.sendFeatureReport(report);
      },
      close: () => handle.close(),
    } as HidHandle;
    return wrapped;
  }
}

/** A HID device that only exists to be ignored: keyboards, mice, a scale. Drops whatever the host writes. */
export class DecoyDevice implements VirtualHidDevice {
  outputs = 0;
  constructor(
    readonly identity: VirtualHidIdentity,
    readonly reportDescriptor: Uint8Array,
  ) {}
  opened(): void {}
  closed(): void {}
  output(): void {
    this.outputs++;
  }
  feature(): void {}
}

// prettier-ignore
const BOOT_KEYBOARD = Uint8Array.from([
  0x05, 0x01, 0x09, 0x06, 0xa1, 0x01, 0x05, 0x07, 0x19, 0xe0, 0x29, 0xe7, 0x15, 0x00, 0x25, 0x01, 0x75, 0x01, 0x95, 0x08,
  0x81, 0x02, 0x95, 0x01, 0x75, 0x08, 0x81, 0x01, 0x95, 0x05, 0x75, 0x01, 0x05, 0x08, 0x19, 0x01, 0x29, 0x05, 0x91, 0x02,
  0x95, 0x01, 0x75, 0x03, 0x91, 0x01, 0x95, 0x06, 0x75, 0x08, 0x15, 0x00, 0x25, 0x65, 0x05, 0x07, 0x19, 0x00, 0x29, 0x65,
  0x81, 0x00, 0xc0,
]);
// prettier-ignore
const BOOT_MOUSE = Uint8Array.from([
  0x05, 0x01, 0x09, 0x02, 0xa1, 0x01, 0x09, 0x01, 0xa1, 0x00, 0x05, 0x09, 0x19, 0x01, 0x29, 0x03, 0x15, 0x00, 0x25, 0x01,
  0x95, 0x03, 0x75, 0x01, 0x81, 0x02, 0x95, 0x01, 0x75, 0x05, 0x81, 0x01, 0x05, 0x01, 0x09, 0x30, 0x09, 0x31, 0x15, 0x81,
  0x25, 0x7f, 0x75, 0x08, 0x95, 0x02, 0x81, 0x06, 0xc0, 0xc0,
]);
/** A USB scale on the Scale usage page (0x8D). The usages inside are illustrative; only the top level matters here. */
// prettier-ignore
const SCALE = Uint8Array.from([
  0x05, 0x8d, 0x09, 0x01, 0xa1, 0x01, 0x85, 0x03, 0x15, 0x00, 0x26, 0xff, 0x00, 0x75, 0x08, 0x95, 0x05, 0x09, 0x40, 0x81,
  0x02, 0xc0,
]);

/**
 * Devices a pharmacy computer also has, chosen to tempt a careless discovery: a Honeywell scanner in keyboard-wedge
 * mode (the scanner vendor, but a keyboard: usage page 1, usage 6), an ordinary mouse, and a DYMO postal scale (the
 * printer vendor, but no LabelManager product id).
 */
export function decoys(): DecoyDevice[] {
  const id = (vendorId: number, productId: number, product: string, manufacturer: string, serialNumber: string, usagePage: number, usage: number): VirtualHidIdentity => ({
    vendorId,
    productId,
    product,
    manufacturer,
    serialNumber,
    usagePage,
    usage,
  });
  return [
    new DecoyDevice(id(0x0c2e, 0x0b6a, 'Scanner in keyboard-wedge mode', 'Honeywell', 'DECOY-KBD-1', 0x01, 0x06), BOOT_KEYBOARD),
    new DecoyDevice(id(0x046d, 0xc077, 'USB Optical Mouse', 'Logitech', 'DECOY-MOUSE-1', 0x01, 0x02), BOOT_MOUSE),
    new DecoyDevice(id(0x0922, 0x8003, 'M10 10 kg Digital Postal Scale', 'DYMO', 'DECOY-SCALE-1', 0x8d, 0x01), SCALE),
  ];
}

export async function waitFor<T>(what: string, probe: () => T | null | undefined | false, timeoutMs = 10_000, everyMs = 10): Promise<T> {
  const until = performance.now() + timeoutMs;
  for (;;) {
    const v = probe();
    if (v) return v;
    if (performance.now() > until) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** "02 38 5d 64 32 ..." with each run of 4 or more zero bytes shortened to "(00 x N)". */
export function hexCompact(bytes: Uint8Array): string {
  const out: string[] = [];
  for (let i = 0; i < bytes.length; ) {
    let j = i;
    while (j < bytes.length && bytes[j] === 0) j++;
    if (j - i >= 4) {
      out.push(`(00 x${j - i})`);
      i = j;
    } else {
      out.push(bytes[i]!.toString(16).padStart(2, '0'));
      i++;
    }
  }
  return out.join(' ');
}

/** Prints the reports of both sides as a two-column story, for the test output. */
export function printWire(title: string, device: WireRecord[], driver: DriverRecord[]): void {
  console.log(`      ${title}`);
  console.log(`        device side (uhid: UHID_INPUT2 sent, UHID_OUTPUT received), ${device.length} reports:`);
  for (const [i, r] of device.entries()) console.log(`          ${r.dir === 'in' ? 'sent' : 'got '} #${i + 1} [${r.bytes.length}] ${hexCompact(r.bytes)}`);
  console.log(`        driver side (node-hid: data events, writes), ${driver.length} reports:`);
  for (const [i, r] of driver.entries()) console.log(`          ${r.dir === 'in' ? 'read ' : 'wrote'} #${i + 1} [${r.bytes.length}] ${hexCompact(r.bytes)}`);
}

export function ms(n: number): string {
  return `${n.toFixed(1)} ms`;
}
