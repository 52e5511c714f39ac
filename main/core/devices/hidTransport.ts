/**
 * The HID transport the drivers talk to (DESIGN.md section 6 "Devices sit behind small interfaces"). Two
 * implementations: node-hid for real devices (nodeHidTransport.ts) and the in-process simulator
 * (simulatedHidTransport.ts); issue 7's virtual machine runs the node-hid one against real /dev/hidraw nodes.
 *
 * Byte conventions are node-hid's (HARDWARE.md "node-hid 3.x"):
 * - an input report arrives with its report id in byte 0 when the device numbers its reports, without one otherwise;
 * - a write or feature report starts with the report id, or 0x00 when the device does not number its reports.
 */
export interface HidDeviceInfo {
  vendorId: number;
  productId: number;
  /** The OS path that `open` takes (hidraw node on Linux); unique while the device is plugged in. */
  path: string;
  /** Only the hidraw backend (Linux default), Windows and macOS report these; libusb does not. */
  usagePage?: number | undefined;
  usage?: number | undefined;
  product?: string | undefined;
  manufacturer?: string | undefined;
  serialNumber?: string | undefined;
  interface?: number | undefined;
}

export interface HidHandle {
  /** Input reports. node-hid only starts reading once a data listener is attached; nothing is buffered before. */
  on(event: 'data', listener: (report: Uint8Array) => void): void;
  /** A read failed: on every platform this is what an unplugged device looks like. The handle is dead afterwards. */
  on(event: 'error', listener: (error: Error) => void): void;
  /** One output report, byte 0 = report id (0x00 when the device does not number them). Resolves to bytes written. */
  write(report: Uint8Array): Promise<number>;
  sendFeatureReport(report: Uint8Array): Promise<number>;
  close(): Promise<void>;
}

export interface HidTransport {
  readonly kind: 'node-hid' | 'simulated';
  /** One enumeration of the HID devices present now (a full USB enumeration with node-hid: call it sparingly). */
  enumerate(): Promise<HidDeviceInfo[]>;
  open(path: string): Promise<HidHandle>;
}

/** Usage page and usage of a HID POS bar code scanner (HID Usage Tables, Bar Code Scanner page 0x8C). */
export const HID_POS_USAGE_PAGE = 0x8c;
export const HID_POS_USAGE_BAR_CODE_SCANNER = 0x02;

/** "0x0c2e" */
export const hex4 = (n: number): string => `0x${n.toString(16).padStart(4, '0')}`;

/** Bytes as "02 38 5d ..." for messages and test output (at most `max` bytes, then "..."). */
export function hexBytes(bytes: Uint8Array, max = 16): string {
  const shown = [...bytes.subarray(0, max)].map((b) => b.toString(16).padStart(2, '0')).join(' ');
  return bytes.length > max ? `${shown} ... (${bytes.length} bytes)` : shown;
}
