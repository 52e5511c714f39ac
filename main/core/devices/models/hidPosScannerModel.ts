import type { VirtualHidDevice, VirtualHidIdentity } from './virtualHidDevice';

/**
 * A HID POS bar code scanner in the Honeywell report layout (HARDWARE.md "HID POS barcode scanners"), device side:
 * it turns a decoded bar code into 64-byte input reports and records what the host writes to it (trigger report,
 * serial commands, feature reports). Used by the in-process simulator and, through /dev/uhid, by issue 7's VM.
 *
 * Input report 0x02, node-hid buffer offsets:
 *   [0] report id 0x02   [1] n = data bytes in this report   [2..4] AIM symbology identifier (`]d2`, `]C0`, ...)
 *   [5..60] decoded data, zero padded after n   [61] Honeywell code id   [62] reserved
 *   [63] bit 0: the decoded data continues in the next report
 * Offset variant (*unconfirmed*, HARDWARE.md): one extra byte before the AIM identifier, so the AIM is at [3..5] and
 * the data at [6..60] (55 bytes per report); [61..63] as above.
 * Output report 0x04 (trigger report): bit 2 initiate read, bit 5 error beep, bit 6 good-read beep.
 * Output report 0xFD: Honeywell serial command (beep: FD 03 16 07 0D). Feature report FE 01: output to HID POS.
 */
export const SCANNER_INPUT_REPORT_ID = 0x02;
export const SCANNER_REPORT_SIZE = 64;
export const SCANNER_TRIGGER_REPORT_ID = 0x04;
export const SCANNER_SERIAL_COMMAND_REPORT_ID = 0xfd;
export const SCANNER_FEATURE_HID_POS_ID = 0xfe;

/**
 * The report descriptor this model presents. What the real Honeywell descriptor looks like is not public: the
 * structure below follows the byte layout above, with the HID Usage Tables' Bar Code Scanner usages where the layout
 * has a known meaning (Scanned Data Report 0x12, Symbology Identifier 1-3 0xFB-0xFD, Decoded Data 0xFE, Decode Data
 * Continued 0xFF, Trigger Report 0x14, Initiate Barcode Read 0x60, Sound Error Beep 0x85, Sound Good Read Beep 0x86).
 * Unknown on the real device, and vendor-defined here (usage page 0xFF00): the byte count field [1], the code id and
 * reserved bytes [61..62], the extra byte of the offset variant, the serial command report 0xFD and the feature
 * report 0xFE. Only the top level (usage page 0x8C, usage 0x02), which identifies the scanner, is certain.
 */
export function hidPosScannerDescriptor(offsetVariant: boolean): Uint8Array {
  const dataBytes = offsetVariant ? 55 : 56;
  // prettier-ignore
  return Uint8Array.from([
    0x05, 0x8c,             // Usage Page (Bar Code Scanner)
    0x09, 0x02,             // Usage (Bar Code Scanner)
    0xa1, 0x01,             // Collection (Application)
    0x85, SCANNER_INPUT_REPORT_ID, //   Report ID (2)
    0x09, 0x12,             //   Usage (Scanned Data Report)
    0xa1, 0x02,             //   Collection (Logical)
    0x15, 0x00,             //     Logical Minimum (0)
    0x26, 0xff, 0x00,       //     Logical Maximum (255)
    0x75, 0x08,             //     Report Size (8)
    0x06, 0x00, 0xff,       //     Usage Page (Vendor 0xFF00): [1] byte count (+ [2] extra byte in the variant)
    0x09, 0x01,             //     Usage (Vendor 1)
    0x95, offsetVariant ? 0x02 : 0x01, // Report Count
    0x81, 0x02,             //     Input (Data, Var, Abs)
    0x05, 0x8c,             //     Usage Page (Bar Code Scanner)
    0x09, 0xfb, 0x09, 0xfc, 0x09, 0xfd, // Usage (Symbology Identifier 1, 2, 3)
    0x95, 0x03,             //     Report Count (3)
    0x81, 0x02,             //     Input (Data, Var, Abs)
    0x09, 0xfe,             //     Usage (Decoded Data)
    0x95, dataBytes,        //     Report Count (56, or 55 in the variant)
    0x82, 0x02, 0x01,       //     Input (Data, Var, Abs, Buffered Bytes)
    0x06, 0x00, 0xff,       //     Usage Page (Vendor 0xFF00): [61] code id, [62] reserved
    0x09, 0x02,             //     Usage (Vendor 2)
    0x95, 0x02,             //     Report Count (2)
    0x81, 0x02,             //     Input (Data, Var, Abs)
    0x05, 0x8c,             //     Usage Page (Bar Code Scanner)
    0x09, 0xff,             //     Usage (Decode Data Continued): [63] bit 0
    0x25, 0x01,             //     Logical Maximum (1)
    0x75, 0x01,             //     Report Size (1)
    0x95, 0x01,             //     Report Count (1)
    0x81, 0x02,             //     Input (Data, Var, Abs)
    0x95, 0x07,             //     Report Count (7)
    0x81, 0x03,             //     Input (Const): bits 1-7 of [63]
    0xc0,                   //   End Collection
    0x85, SCANNER_TRIGGER_REPORT_ID, // Report ID (4)
    0x09, 0x14,             //   Usage (Trigger Report)
    0xa1, 0x02,             //   Collection (Logical)
    0x75, 0x01,             //     Report Size (1)
    0x95, 0x02,             //     Report Count (2)
    0x91, 0x03,             //     Output (Const): bits 0-1
    0x09, 0x60,             //     Usage (Initiate Barcode Read): bit 2
    0x95, 0x01,             //     Report Count (1)
    0x91, 0x02,             //     Output (Data, Var, Abs)
    0x95, 0x02,             //     Report Count (2)
    0x91, 0x03,             //     Output (Const): bits 3-4
    0x09, 0x85,             //     Usage (Sound Error Beep): bit 5
    0x09, 0x86,             //     Usage (Sound Good Read Beep): bit 6
    0x95, 0x02,             //     Report Count (2)
    0x91, 0x02,             //     Output (Data, Var, Abs)
    0x95, 0x01,             //     Report Count (1)
    0x91, 0x03,             //     Output (Const): bit 7
    0xc0,                   //   End Collection
    0x06, 0x00, 0xff,       //   Usage Page (Vendor 0xFF00)
    0x85, SCANNER_SERIAL_COMMAND_REPORT_ID, // Report ID (0xFD): serial commands
    0x09, 0x03,             //   Usage (Vendor 3)
    0x75, 0x08,             //   Report Size (8)
    0x26, 0xff, 0x00,       //   Logical Maximum (255)
    0x95, 0x3f,             //   Report Count (63)
    0x91, 0x02,             //   Output (Data, Var, Abs)
    0x85, SCANNER_FEATURE_HID_POS_ID, // Report ID (0xFE)
    0x09, 0x04,             //   Usage (Vendor 4)
    0x95, 0x01,             //   Report Count (1)
    0xb1, 0x02,             //   Feature (Data, Var, Abs)
    0xc0,                   // End Collection
  ]);
}

export interface HidPosReportOptions {
  /** One extra byte before the AIM identifier (HARDWARE.md, unconfirmed variant). */
  offsetVariant?: boolean;
  /** The Honeywell code id in byte 61 (e.g. 'j' Code 128, 'w' DataMatrix). */
  codeId?: string;
}

/** Latin-1 bytes of a string as a scanner sends it (GS stays 0x1D). Characters above U+00FF are refused. */
export function latin1Bytes(text: string): Uint8Array {
  const bytes = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c > 0xff) throw new RangeError(`character U+${c.toString(16)} cannot be sent by the scanner`);
    bytes[i] = c;
  }
  return bytes;
}

/** The input reports a Honeywell HID POS scanner sends for one decoded bar code. */
export function hidPosReports(data: Uint8Array | string, aim: string, options: HidPosReportOptions = {}): Uint8Array[] {
  const bytes = typeof data === 'string' ? latin1Bytes(data) : data;
  if (!/^\][A-Za-z][0-9A-Za-z]$/.test(aim)) throw new RangeError(`"${aim}" is not an AIM symbology identifier`);
  const aimAt = options.offsetVariant ? 3 : 2;
  const dataAt = aimAt + 3;
  const perReport = 61 - dataAt; // data ends before byte 61 (code id)
  const reports: Uint8Array[] = [];
  let offset = 0;
  do {
    const n = Math.min(perReport, bytes.length - offset);
    const r = new Uint8Array(SCANNER_REPORT_SIZE);
    r[0] = SCANNER_INPUT_REPORT_ID;
    r[1] = n;
    for (let i = 0; i < 3; i++) r[aimAt + i] = aim.charCodeAt(i);
    r.set(bytes.subarray(offset, offset + n), dataAt);
    r[61] = (options.codeId ?? 'j').charCodeAt(0);
    offset += n;
    r[63] = offset < bytes.length ? 0x01 : 0x00;
    reports.push(r);
  } while (offset < bytes.length);
  return reports;
}

export interface HidPosScannerOptions extends HidPosReportOptions {
  vendorId?: number;
  productId?: number;
  serialNumber?: string;
  product?: string;
}

export type ScannerIndication = 'good-read-beep' | 'error-beep' | 'initiate-read' | 'serial-beep';

/**
 * The virtual scanner. `scan` sends a bar code the way the real one does after a decode; `sendRaw` sends any bytes
 * (garbage, a truncated report, half a long bar code); everything the host writes is kept in `outputs` and read
 * into `indications`.
 */
export class HidPosScannerModel implements VirtualHidDevice {
  readonly identity: VirtualHidIdentity;
  readonly reportDescriptor: Uint8Array;
  /** Every output report the host wrote, as written (byte 0 = report id). */
  readonly outputs: Uint8Array[] = [];
  readonly features: Uint8Array[] = [];
  /** What the output reports asked the scanner to do, in order. */
  readonly indications: ScannerIndication[] = [];
  /** Every input report sent to the host. */
  readonly sent: Uint8Array[] = [];
  hidPosOutputEnabled = false;
  private sendInput: ((report: Uint8Array) => void) | null = null;

  constructor(private readonly options: HidPosScannerOptions = {}) {
    this.identity = {
      // Honeywell's vendor id; the product id is illustrative (the drivers find scanners by usage page, never by it).
      vendorId: options.vendorId ?? 0x0c2e,
      productId: options.productId ?? 0x0b61,
      product: options.product ?? (options.offsetVariant ? 'Virtual HID POS scanner (offset variant)' : 'Virtual HID POS scanner'),
      manufacturer: 'Veil simulator',
      serialNumber: options.serialNumber ?? 'SIM-SCANNER-1',
      usagePage: 0x8c,
      usage: 0x02,
    };
    this.reportDescriptor = hidPosScannerDescriptor(options.offsetVariant ?? false);
  }

  get isOpen(): boolean {
    return this.sendInput !== null;
  }

  opened(sendInput: (report: Uint8Array) => void): void {
    this.sendInput = sendInput;
  }

  closed(): void {
    this.sendInput = null;
  }

  /** The reports of one decoded bar code (AIM identifier in the report, not in the data; `suffix` e.g. "\r"). */
  reportsFor(data: string, aim = ']C0', suffix = ''): Uint8Array[] {
    return hidPosReports(data + suffix, aim, this.options);
  }

  /** Decodes a bar code: sends its reports to the host. Answers the reports, or null when no host has it open. */
  scan(data: string, aim = ']C0', suffix = ''): Uint8Array[] | null {
    const reports = this.reportsFor(data, aim, suffix);
    if (!this.sendInput) return null;
    for (const r of reports) this.sendRaw(r);
    return reports;
  }

  /** Sends one input report exactly as given. False when no host has the device open (the bytes are lost). */
  sendRaw(report: Uint8Array): boolean {
    if (!this.sendInput) return false;
    this.sent.push(Uint8Array.from(report));
    this.sendInput(report);
    return true;
  }

  output(report: Uint8Array): void {
    this.outputs.push(Uint8Array.from(report));
    if (report[0] === SCANNER_TRIGGER_REPORT_ID && report.length >= 2) {
      const bits = report[1]!;
      if (bits & 0x04) this.indications.push('initiate-read');
      if (bits & 0x20) this.indications.push('error-beep');
      if (bits & 0x40) this.indications.push('good-read-beep');
    } else if (report[0] === SCANNER_SERIAL_COMMAND_REPORT_ID && [...report.subarray(1, 5)].join(',') === '3,22,7,13') {
      this.indications.push('serial-beep');
    }
  }

  feature(report: Uint8Array): void {
    this.features.push(Uint8Array.from(report));
    if (report[0] === SCANNER_FEATURE_HID_POS_ID && report[1] === 0x01) this.hidPosOutputEnabled = true;
  }
}
