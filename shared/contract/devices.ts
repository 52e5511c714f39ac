import { z } from 'zod';
import { messageKey } from '../messages/zodIssues';
import { channel } from './channel';
import { EXAMPLE_KIT } from './examples';
import { IsoTime, Reason, text } from './schemas';
import { KitNumber } from './pharmacy';

const LabelKind = z.enum(['carton', 'syringe']);

/** Where a label goes. */
export const PrinterTarget = z.discriminatedUnion('type', [
  /** The first DYMO LabelManager plugged in (USB HID). */
  z.object({ type: z.literal('dymo') }).strict(),
  /** A Zebra on the network, raw TCP (port 9100). */
  z
    .object({
      type: z.literal('zebra_tcp'),
      host: text('host')
        .min(1, 'Give the printer address')
        .regex(/^[A-Za-z0-9.:-]+$/, 'A host name or IP address'),
      port: z.number().int().min(1).max(65535),
    })
    .strict(),
  /** A Zebra through an OS print queue in raw mode (CUPS). */
  z
    .object({
      type: z.literal('zebra_queue'),
      queue: text('printQueue').regex(/^[A-Za-z0-9._-]{1,127}$/, 'A print queue name (letters, digits, dot, dash, underscore)'),
    })
    .strict(),
  /** The simulator's network Zebra (a loopback TCP sink): demo and browser mode only. */
  z.object({ type: z.literal('simulated_zebra') }).strict(),
]);
export type PrinterTarget = z.infer<typeof PrinterTarget>;

/** Label stock: DYMO tape widths, Zebra label sizes (width x height in mm). */
export const LABEL_SIZES = {
  tape_12mm: { printer: 'dymo', widthMm: null, heightMm: 9.03, tapeMm: 12 },
  tape_9mm: { printer: 'dymo', widthMm: null, heightMm: 6.77, tapeMm: 9 },
  tape_6mm: { printer: 'dymo', widthMm: null, heightMm: 4.52, tapeMm: 6 },
  zebra_102x51: { printer: 'zebra', widthMm: 101.6, heightMm: 50.8, tapeMm: null },
  zebra_102x76: { printer: 'zebra', widthMm: 101.6, heightMm: 76.2, tapeMm: null },
  zebra_57x32: { printer: 'zebra', widthMm: 57.2, heightMm: 31.8, tapeMm: null },
  zebra_51x25: { printer: 'zebra', widthMm: 50.8, heightMm: 25.4, tapeMm: null },
} as const;
export const LabelSize = z.enum(['tape_12mm', 'tape_9mm', 'tape_6mm', 'zebra_102x51', 'zebra_102x76', 'zebra_57x32', 'zebra_51x25']);
export type LabelSize = z.infer<typeof LabelSize>;

export const PrinterChoice = z.object({ printer: PrinterTarget, labelSize: LabelSize }).strict();
export type PrinterChoice = z.infer<typeof PrinterChoice>;

/** The printer and label stock for each label kind (null: not chosen yet). */
export const PrinterSettings = z.object({ carton: PrinterChoice.nullable(), syringe: PrinterChoice.nullable() });
export type PrinterSettings = z.infer<typeof PrinterSettings>;

/**
 * Keyboard-wedge scanners (they type each code as keystrokes): how each one frames its codes, as set up with the
 * configuration barcodes of its manual. The renderer tells a scan from typing with these (21 CFR 11.10(h) device check;
 * renderer/src/common/scan/wedgeClassifier.ts). A prefix or AIM identifiers make the check exact.
 */
export const WedgeSuffix = z.enum(['Enter', 'Tab']);
export type WedgeSuffix = z.infer<typeof WedgeSuffix>;

export const WedgeScanner = z
  .object({
    name: z.string().trim().min(1, messageKey('validation.scannerName')).max(60, 'A scanner name has at most 60 characters'),
    /** Characters the scanner sends before each code; '' for none. Symbols only: letters or digits could begin a code. */
    prefix: z
      .string()
      .max(8, messageKey('validation.prefixTooLong'))
      .regex(/^[^\p{L}\p{N}\s]*$/u, messageKey('validation.prefixSymbols')),
    /** The key(s) the scanner sends after each code. */
    suffixes: z.array(WedgeSuffix).min(1, messageKey('validation.endKey')).max(2),
    /** The scanner sends an AIM symbology identifier (]C0, ]d2...) before each code. */
    aim: z.boolean(),
  })
  .strict();
export type WedgeScanner = z.infer<typeof WedgeScanner>;

export const KeyboardWedgeSettings = z
  .object({
    scanners: z.array(WedgeScanner).min(1, 'Keep at least one scanner').max(8, 'At most 8 scanners'),
    /** A code has at least this many characters (its prefix and AIM identifier not counted). */
    minLength: z.number().int().min(4, 'At least 4').max(30, 'At most 30'),
    /** A scanner's keys come less than this many milliseconds apart (people type at 80-300 ms a key). */
    fastKeyMs: z.number().int().min(10, 'At least 10 ms').max(60, 'At most 60 ms'),
  })
  .strict();
export type KeyboardWedgeSettings = z.infer<typeof KeyboardWedgeSettings>;

/** Any scanner, framed or not, ending with Enter or Tab; codes of 6 characters or more; keys under 30 ms apart. */
export const DEFAULT_KEYBOARD_WEDGE: KeyboardWedgeSettings = Object.freeze({
  scanners: [{ name: 'Keyboard-wedge scanner', prefix: '', suffixes: ['Enter', 'Tab'], aim: false }],
  minLength: 6,
  fastKeyMs: 30,
}) as KeyboardWedgeSettings;

const DeviceProblem = z.object({ message: z.string(), at: IsoTime });

export const ScannerStatus = z.object({
  id: z.string(),
  name: z.string(),
  vendorId: z.number().int(),
  productId: z.number().int(),
  connected: z.boolean(),
  lastError: DeviceProblem.nullable(),
  lastScanAt: IsoTime.nullable(),
  scans: z.number().int(),
});

export const PrinterStatus = z.object({
  id: z.string(),
  type: z.enum(['dymo', 'zebra_tcp', 'zebra_queue', 'simulated_zebra']),
  name: z.string(),
  /** null: not known until something is printed on it (network printers and queues are not probed). */
  connected: z.boolean().nullable(),
  lastError: DeviceProblem.nullable(),
  lastPrintedAt: IsoTime.nullable(),
  /** The label kinds set to print here. */
  usedFor: z.array(LabelKind),
});

export const LabelJob = z.object({
  id: z.number().int(),
  kitNumber: z.string(),
  kind: LabelKind,
  status: z.enum(['queued', 'printed', 'failed']),
  printer: z.string().nullable(),
  error: z.string().nullable(),
  requestedAt: IsoTime,
  doneAt: IsoTime.nullable(),
  reprint: z.boolean(),
  /** Being sent to the printer right now. */
  printing: z.boolean(),
});
export type LabelJob = z.infer<typeof LabelJob>;

export const DevicesStatus = z.object({
  transport: z.object({ kind: z.enum(['node-hid', 'simulated', 'none']), available: z.boolean(), error: z.string().nullable() }),
  simulator: z.object({
    active: z.boolean(),
    /** The last label the virtual DYMO printed, decoded from the bytes it received (PNG base64). */
    lastDymoLabel: z.object({ pngBase64: z.string(), widthDots: z.number().int(), heightDots: z.number().int(), at: IsoTime }).nullable(),
    dymoLabels: z.number().int(),
    zplJobs: z.number().int(),
    lastZpl: z.string().nullable(),
  }),
  scanners: z.array(ScannerStatus),
  printers: z.array(PrinterStatus),
  settings: PrinterSettings,
  queue: z.object({ queued: z.number().int(), failed: z.number().int(), printed: z.number().int() }),
  /** Queued and failed jobs first (oldest first), then the last printed ones. */
  jobs: z.array(LabelJob),
  /** The last device problems, newest first. */
  problems: z.array(DeviceProblem.extend({ device: z.string() })),
});
export type DevicesStatus = z.infer<typeof DevicesStatus>;

export const devicesChannels = {
  status: channel({
    kind: 'query',
    description: 'Scanners and label printers: connected or not, last errors, printer choices and the label print queue. refresh: look for USB devices first.',
    input: z.object({ refresh: z.boolean().optional() }).strict(),
    output: DevicesStatus,
    access: 'devices.read',
    signature: null,
    examples: [{}, { refresh: true }],
  }),
  configurePrinter: channel({
    kind: 'command',
    description: 'Choose the printer and label stock for a label kind (null: none).',
    input: z.object({ kind: LabelKind, choice: PrinterChoice.nullable() }).strict(),
    output: DevicesStatus,
    access: 'devices.manage',
    signature: null,
    examples: [
      { kind: 'syringe', choice: { printer: { type: 'dymo' }, labelSize: 'tape_12mm' } },
      { kind: 'carton', choice: { printer: { type: 'zebra_tcp', host: '192.0.2.10', port: 9100 }, labelSize: 'zebra_102x51' } },
    ],
  }),
  testPrint: channel({
    kind: 'command',
    description: 'Print a test label (no patient data) on the printer chosen for a label kind.',
    input: z.object({ kind: LabelKind }).strict(),
    output: z.object({ ok: z.boolean(), printer: z.string(), message: z.string(), pngBase64: z.string() }),
    access: 'devices.manage',
    signature: null,
    examples: [{ kind: 'syringe' }],
  }),
  printLabel: channel({
    kind: 'command',
    description:
      'Queue the blinded label of a dispensed kit and send it to its printer. A failure keeps the job (failed, with the reason) to retry; the dispensing is never touched. A reprint needs a reason.',
    input: z
      .object({ kitNumber: KitNumber, kind: LabelKind, printer: PrinterTarget.optional(), reprintReason: Reason.optional() })
      .strict(),
    output: z.object({ job: LabelJob }),
    access: 'labels.print',
    signature: null,
    examples: [{ kitNumber: EXAMPLE_KIT.dispensed, kind: 'syringe' }],
  }),
  retryJob: channel({
    kind: 'command',
    description: 'Send a queued or failed label job to its printer again (or to another printer).',
    input: z.object({ jobId: z.number().int().positive(), printer: PrinterTarget.optional() }).strict(),
    output: z.object({ job: LabelJob }),
    access: 'labels.print',
    signature: null,
    // Job 1: a label that failed on a printer that was off (tests/helpers/exampleWorld.ts).
    examples: [{ jobId: 1 }],
  }),
  keyboardWedge: channel({
    kind: 'query',
    description: 'How the keyboard-wedge scanners frame their codes (prefix, end key, AIM identifiers): every scanning screen reads it.',
    input: z.object({}).strict(),
    output: KeyboardWedgeSettings,
    access: 'session',
    signature: null,
    examples: [{}],
  }),
  configureKeyboardWedge: channel({
    kind: 'command',
    description: 'Set how the keyboard-wedge scanners frame their codes (recorded in the audit trail: a device check setting).',
    input: KeyboardWedgeSettings,
    output: KeyboardWedgeSettings,
    access: 'devices.manage',
    signature: null,
    examples: [
      { scanners: [{ name: 'Bench scanner', prefix: '~', suffixes: ['Enter'], aim: true }], minLength: 6, fastKeyMs: 30 },
      { scanners: [{ name: 'Keyboard-wedge scanner', prefix: '', suffixes: ['Enter', 'Tab'], aim: false }], minLength: 6, fastKeyMs: 30 },
    ],
  }),
  simulateScan: channel({
    kind: 'command',
    description:
      'Developer panel (simulator only): the virtual HID POS scanner decodes this code and sends its real HID reports through the production driver, as a scan at the bench would.',
    input: z
      .object({
        code: z.string().min(1, 'Type a kit number or a code').max(300),
        aim: z.enum([']C0', ']C1', ']d1', ']d2', ']Q1', ']Q3']).optional(),
      })
      .strict(),
    output: z.object({ scanner: z.string(), reports: z.number().int(), firstReport: z.string() }),
    access: 'devices.manage',
    signature: null,
    examples: [{ code: '100001' }],
  }),
};

export const devicesEvents = {
  'devices.scan': {
    description: 'A HID POS scanner read a bar code: treat it as a scan at the scan field (source scanner).',
    payload: z.object({ code: z.string(), aim: z.string().nullable(), symbology: z.string(), source: z.literal('scanner'), at: IsoTime, scanner: z.string() }),
  },
  'devices.changed': {
    description: 'A device was plugged or unplugged, failed, or a label job changed: read devices.status again.',
    payload: z.object({ reason: z.string() }),
  },
} as const;
