/**
 * The device side of a HID device: what a real scanner or printer does with the bytes the host writes and which
 * input reports it sends. A model knows nothing about how it is attached; two hosts drive the same models:
 * - the in-process simulator (../simulatedHidTransport.ts), for the demo and the unit tests;
 * - issue 7's virtual machine, where a small bridge turns a model into a real kernel HID device through /dev/uhid:
 *   UHID_CREATE2 from `identity` + `reportDescriptor`, UHID_OUTPUT events into `output`, `sendInput` into
 *   UHID_INPUT2, UHID_OPEN / UHID_CLOSE into `opened` / `closed`, UHID_DESTROY for an unplug.
 *
 * Report byte conventions follow node-hid on the host side: an input report starts with its report id when the
 * descriptor numbers reports; `output` and `feature` receive the buffer as the host wrote it (byte 0 = report id, or
 * 0x00 for an unnumbered report).
 */
export interface VirtualHidIdentity {
  vendorId: number;
  productId: number;
  product: string;
  manufacturer: string;
  serialNumber: string;
  /** Top-level collection of the report descriptor, as the hidraw backend reports it. */
  usagePage: number;
  usage: number;
}

export interface VirtualHidDevice {
  readonly identity: VirtualHidIdentity;
  /** The HID report descriptor the device presents (what UHID_CREATE2 carries). */
  readonly reportDescriptor: Uint8Array;
  /** The host opened the device; from now on `sendInput` delivers input reports to it. */
  opened(sendInput: (report: Uint8Array) => void): void;
  /** The host closed the device or it was unplugged: input reports go nowhere until the next `opened`. */
  closed(): void;
  /** An output report the host wrote. */
  output(report: Uint8Array): void;
  /** A feature report the host sent. */
  feature(report: Uint8Array): void;
}
