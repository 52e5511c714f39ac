import type { HidDeviceInfo, HidHandle, HidTransport } from './hidTransport';

/** The part of node-hid 3.x this adapter uses (its own typings describe the 1.x API plus HIDAsync). */
interface NodeHidAsyncDevice {
  on(event: 'data', listener: (data: Buffer) => void): unknown;
  on(event: 'error', listener: (error: unknown) => void): unknown;
  write(values: number[] | Buffer): Promise<number>;
  sendFeatureReport(data: number[] | Buffer): Promise<number>;
  close(): Promise<void>;
}
interface NodeHidModule {
  devicesAsync(): Promise<Array<HidDeviceInfo & { path?: string | undefined }>>;
  HIDAsync: { open(path: string): Promise<NodeHidAsyncDevice> };
}

/** node-hid could not be loaded (no binary for this platform, libusb missing, ...): devices are off, the app runs. */
export class NodeHidUnavailableError extends Error {
  constructor(cause: unknown) {
    super(`The USB device library (node-hid) could not be loaded, so scanners and DYMO printers cannot be used: ${cause instanceof Error ? cause.message : String(cause)}`);
    this.name = 'NodeHidUnavailableError';
  }
}

let loading: Promise<NodeHidModule> | null = null;

/**
 * Loads node-hid on first use only, so that Veil starts (and everything but the USB devices works) when the native
 * module fails to load. The failure is kept: it is reported, not retried on every enumeration.
 */
function loadNodeHid(): Promise<NodeHidModule> {
  loading ??= import('node-hid').then(
    (m) => {
      const mod = ((m as { default?: unknown }).default ?? m) as NodeHidModule;
      if (typeof mod.devicesAsync !== 'function' || typeof mod.HIDAsync?.open !== 'function') throw new Error('this node-hid has no async API (need 3.x)');
      return mod;
    },
  ).catch((error: unknown) => {
    throw new NodeHidUnavailableError(error);
  });
  return loading;
}

const toError = (e: unknown): Error => (e instanceof Error ? e : new Error(String(e)));

class NodeHidHandle implements HidHandle {
  constructor(private readonly device: NodeHidAsyncDevice) {}

  on(event: 'data', listener: (report: Uint8Array) => void): void;
  on(event: 'error', listener: (error: Error) => void): void;
  on(event: 'data' | 'error', listener: ((report: Uint8Array) => void) | ((error: Error) => void)): void {
    // Attaching the data listener is what starts node-hid's read thread (HIDAsync: readStart on 'newListener'); the
    // thread blocks in the OS read, so there is no polling here.
    if (event === 'data') this.device.on('data', (data: Buffer) => (listener as (r: Uint8Array) => void)(new Uint8Array(data)));
    else this.device.on('error', (error: unknown) => (listener as (e: Error) => void)(toError(error)));
  }

  write(report: Uint8Array): Promise<number> {
    return this.device.write(Buffer.from(report));
  }

  sendFeatureReport(report: Uint8Array): Promise<number> {
    return this.device.sendFeatureReport(Buffer.from(report));
  }

  close(): Promise<void> {
    return this.device.close();
  }
}

/** Real HID devices through node-hid 3.x's async API (HARDWARE.md "node-hid 3.x"). Main process only. */
export class NodeHidTransport implements HidTransport {
  readonly kind = 'node-hid' as const;

  async enumerate(): Promise<HidDeviceInfo[]> {
    const hid = await loadNodeHid();
    const list = await hid.devicesAsync();
    return list
      .filter((d): d is typeof d & { path: string } => typeof d.path === 'string' && d.path.length > 0)
      .map((d) => ({
        vendorId: d.vendorId,
        productId: d.productId,
        path: d.path,
        usagePage: d.usagePage,
        usage: d.usage,
        product: d.product,
        manufacturer: d.manufacturer,
        serialNumber: d.serialNumber,
        interface: d.interface,
      }));
  }

  async open(path: string): Promise<HidHandle> {
    const hid = await loadNodeHid();
    return new NodeHidHandle(await hid.HIDAsync.open(path));
  }
}
