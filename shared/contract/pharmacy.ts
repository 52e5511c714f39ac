import { z } from 'zod';
import { messageKey } from '../messages/zodIssues';
import { KIT_STATUSES } from '../kits/kitLifecycle';
import { LABEL_LANGUAGES } from '../labels/labelCaptions';
import { channel } from './channel';
import { EXAMPLE_KIT, EXAMPLE_PASSWORD } from './examples';
import { Empty, IsoDate, IsoTime, Reason, SignatureView, TEXT_LIMITS, signedInput, text, tooLongMessage } from './schemas';

/** How a code arrived (21 CFR 11.10(h)): a HID POS scanner, a keyboard-wedge burst, or typed by hand. */
export const ScanSource = z.enum(['scanner', 'keyboard_wedge', 'manual']);
export const KitNumber = text('identifier').min(1, messageKey('validation.scanOrType'));
/** What the scanner gave: a kit number or a whole GS1 pack code (with its AIM prefix and group separators), untrimmed. */
/**
 * A verdict's message by key (shared/messages) beside its English `message`; absent only for a code the barcode reader
 * refused in its own words (shared/barcode).
 */
const SaidFields = { key: z.string().optional(), params: z.record(z.string(), z.union([z.string(), z.number()])).optional() };

export const ScanCode = z.string().min(1, messageKey('validation.scanOrType')).max(TEXT_LIMITS.scan.max, tooLongMessage('scan'));
/** A visit of the study's schedule, by its code ("D1", "W2"). */
export const VisitCode = text('identifier').min(1, messageKey('validation.chooseVisit'));
const PackCheck = z.object({ check: z.enum(['matches', 'mismatch', 'not_checked']), detail: z.string() });

const ShipmentCounts = z.object({ total: z.number(), received: z.number(), damaged: z.number(), missing: z.number(), expected: z.number() });

const ShipmentView = z.object({
  id: z.number().int(),
  reference: z.string(),
  createdAt: IsoTime,
  temperature: z.enum(['alarm', 'no_alarm', 'no_monitor']).nullable(),
  closedAt: IsoTime.nullable(),
  counts: ShipmentCounts,
  kits: z.array(z.object({ kitNumber: z.string(), outcome: z.enum(['expected', 'received', 'damaged', 'missing']), scannedAt: IsoTime.nullable(), source: z.string().nullable(), status: z.enum(KIT_STATUSES) })),
});

const VisitView = z.object({
  code: z.string(),
  name: z.string(),
  kits: z.number().int(),
  due: IsoDate,
  opens: IsoDate,
  closes: IsoDate,
  dispensedAt: IsoTime.nullable(),
  outOfWindowReason: z.string().nullable(),
  // Kit numbers given at the visit, sorted by kit number (never by anything arm-related).
  dispensedKits: z.array(z.string()),
});

export const PatientView = z.object({
  id: z.number().int(),
  screeningNumber: z.string(),
  initials: z.string(),
  yearOfBirth: z.number().int(),
  investigator: z.string(),
  stratum: z.string(),
  status: z.enum(['registered', 'randomized', 'withdrawn']),
  randomizationNumber: z.string().nullable(),
  baselineDate: IsoDate.nullable(),
  registeredAt: IsoTime,
  withdrawnAt: IsoTime.nullable(),
  withdrawalReason: z.string().nullable(),
  /** The blind was broken for this patient in an emergency (who and why are in the unblinding records; never the arm). */
  emergencyUnblinded: z.boolean(),
  visits: z.array(VisitView),
  /** Dispensings outside the visit plan (issue 16): replacement kits and unscheduled dispensings, in time order. */
  extraDispensings: z.array(
    z.object({
      code: z.string(),
      kind: z.enum(['replacement', 'unscheduled']),
      replacesKit: z.string().nullable(),
      reason: z.string(),
      dispensedAt: IsoTime,
      kits: z.array(z.string()),
    }),
  ),
});

const WindowPosition = z.discriminatedUnion('position', [
  z.object({ position: z.literal('in_window') }),
  z.object({ position: z.literal('early'), days: z.number().int() }),
  z.object({ position: z.literal('late'), days: z.number().int() }),
]);

/**
 * A verdict's words by key (shared/messages, group dispensing) with their parameters; `message` is the English. The
 * key is absent only on a code the scan could not read as a kit, or a pack that disagrees with the kit list (the
 * scan resolver's own words).
 */
const VerdictSaid = { key: z.string().optional(), params: z.record(z.string(), z.union([z.string(), z.number()])).optional() };

export const KitVerdict = z.discriminatedUnion('ok', [
  z.object({ ok: z.literal(true), kitNumber: z.string(), message: z.string(), ...VerdictSaid, pack: PackCheck.nullable() }),
  z.object({
    ok: z.literal(false),
    kitNumber: z.string(),
    reason: z.enum(['unknown_kit', 'already_scanned', 'quarantined', 'not_available', 'expiring', 'not_for_patient', 'visit_complete', 'type_complete', 'pack_mismatch']),
    message: z.string(),
    ...VerdictSaid,
    alternatives: z.array(z.string()),
    /** The kit type of the alternatives, by its printed name (null in a study without kit types). */
    alternativesKitType: z.string().nullable(),
    pack: PackCheck.nullable(),
  }),
]);

export const shipmentsChannels = {
  get: channel({
    kind: 'query',
    description: 'One shipment with every kit and its receipt outcome.',
    input: z.object({ shipmentId: z.number().int().positive() }).strict(),
    output: ShipmentView,
    access: 'shipments.receive',
    signature: null,
    examples: [{ shipmentId: 1 }],
  }),
  list: channel({
    kind: 'query',
    description: 'Shipments, newest first, with their kits and receipt counts.',
    input: Empty,
    output: z.array(ShipmentView),
    access: 'shipments.receive',
    signature: null,
    examples: [{}],
  }),
  create: channel({
    kind: 'command',
    description: 'Create a shipment to receive: from a manifest CSV (a kit_number column), the listed kits, or every kit not yet shipped.',
    input: z
      .object({
        reference: text('identifier').min(1, messageKey('validation.shipmentReference')),
        from: z.discriminatedUnion('kind', [
          z.object({ kind: z.literal('manifest'), fileName: text('fileName'), content: z.string().min(1, messageKey('validation.manifestEmpty')).max(TEXT_LIMITS.manifest.max, tooLongMessage('manifest')) }),
          z.object({ kind: z.literal('kits'), kitNumbers: z.array(KitNumber).min(1, messageKey('validation.kitNumbersNeeded')) }),
          z.object({ kind: z.literal('all_unshipped') }),
        ]),
      })
      .strict(),
    output: ShipmentView,
    access: 'shipments.receive',
    signature: null,
    examples: [{ reference: 'SHP-0001', from: { kind: 'all_unshipped' } }],
  }),
  scanKit: channel({
    kind: 'command',
    description: 'Record one scanned kit as received in an open shipment; answers a verdict for the screen and the scanner beep.',
    input: z.object({ shipmentId: z.number().int().positive(), code: ScanCode, source: ScanSource }).strict(),
    output: z.object({
      counts: ShipmentCounts,
      verdict: z.discriminatedUnion('verdict', [
        z.object({ verdict: z.literal('received'), kitNumber: z.string(), message: z.string(), ...SaidFields, pack: PackCheck.nullable() }),
        z.object({ verdict: z.literal('refused'), reason: z.enum(['unknown_kit', 'not_in_shipment', 'already_scanned', 'shipment_closed']), kitNumber: z.string().nullable(), message: z.string(), ...SaidFields }),
      ]),
    }),
    access: 'shipments.receive',
    signature: null,
    key: 'ifHeld',
    // Shipment 3: open, kits still expected.
    examples: [{ shipmentId: 3, code: EXAMPLE_KIT.expected, source: 'scanner' }],
  }),
  markKit: channel({
    kind: 'command',
    description: 'Mark a kit of an open shipment damaged or missing, with a reason.',
    input: z.object({ shipmentId: z.number().int().positive(), kitNumber: KitNumber, outcome: z.enum(['damaged', 'missing']), reason: Reason }).strict(),
    output: ShipmentView,
    access: 'shipments.receive',
    signature: null,
    examples: [{ shipmentId: 3, kitNumber: EXAMPLE_KIT.alsoExpected, outcome: 'damaged', reason: 'Carton crushed' }],
  }),
  close: channel({
    kind: 'command',
    description: 'Finish the receipt with the temperature-monitor answer; an alarm sends every received kit to quarantine.',
    input: z
      .object({
        shipmentId: z.number().int().positive(),
        temperature: z.enum(['alarm', 'no_alarm', 'no_monitor'], { error: messageKey('validation.temperatureAnswer') }),
        reason: text('reason').optional(),
      })
      .strict(),
    output: ShipmentView,
    access: 'shipments.receive',
    signature: null,
    // Shipment 4: every kit scanned, waiting for the temperature answer.
    examples: [{ shipmentId: 4, temperature: 'no_alarm' }],
  }),
  decideQuarantine: channel({
    kind: 'command',
    description: 'Release quarantined kits to stock, or reject them, with a reason.',
    input: signedInput({ kitNumbers: z.array(KitNumber).min(1), decision: z.enum(['release', 'reject']), reason: Reason }),
    output: z.object({ signature: SignatureView }),
    access: 'quarantine.decide',
    signature: 'I have assessed the temperature excursion and decide the fate of these kits',
    key: { requiredWhen: (input) => input.decision === 'release', why: "a release checks the kits' real expiry dates" },
    examples: [{ kitNumbers: [EXAMPLE_KIT.quarantined], decision: 'release', reason: 'Excursion within stability data', signature: { username: 'pharmacist', password: EXAMPLE_PASSWORD } }],
  }),
};

export const inventoryChannels = {
  summary: channel({
    kind: 'query',
    description: 'Kit totals by status (no arm).',
    input: Empty,
    output: z.object({ total: z.number().int(), byStatus: z.record(z.enum(KIT_STATUSES), z.number().int()) }),
    access: 'inventory.read',
    signature: null,
    examples: [{}],
  }),
  kits: channel({
    kind: 'query',
    description: 'Every kit with its type, status, blinded lot and use-before date, in kit-number order.',
    input: z.object({ status: z.enum(KIT_STATUSES).optional() }).strict(),
    // The kit type's name as printed on the kit ("Bottle A"; null in a study without kit types): no arm in it.
    output: z.array(z.object({ kitNumber: z.string(), kitType: z.string().nullable(), status: z.enum(KIT_STATUSES), blindedLot: z.string(), useBefore: IsoDate })),
    access: 'inventory.read',
    signature: null,
    examples: [{}, { status: 'quarantined' }],
  }),
};

export const patientsChannels = {
  list: channel({
    kind: 'query',
    description: 'Patients in screening-number order, with randomization number, schedule and dispensed kit numbers.',
    input: Empty,
    output: z.array(PatientView),
    access: 'patients.read',
    signature: null,
    examples: [{}],
  }),
  due: channel({
    kind: 'query',
    description:
      'The patients with a visit to dispense, soonest due first (then by screening number): one page of them (page 1 the soonest, `limit` a page), found by screening number, randomization number or initials, and how many match in all. Built on the server, so the dispense screen stays as fast with 20,000 patients as with 20.',
    input: z
      .object({
        search: z.string().trim().max(40).optional(),
        limit: z.number().int().min(1).max(200).default(50),
        page: z.number().int().min(1).max(100_000).default(1),
      })
      .strict(),
    output: z.object({ patients: z.array(PatientView), total: z.number().int().nonnegative(), page: z.number().int().positive() }),
    access: 'patients.read',
    signature: null,
    examples: [{}, { search: 'S-00', limit: 5 }, { limit: 2, page: 2 }],
  }),
  get: channel({
    kind: 'query',
    description: 'One patient with the visit schedule and what was dispensed at each visit.',
    input: z.object({ patientId: z.number().int().positive() }).strict(),
    output: PatientView,
    access: 'patients.read',
    signature: null,
    examples: [{ patientId: 1 }],
  }),
  register: channel({
    kind: 'command',
    description: 'Register a screened patient: screening number, initials, year of birth, investigator.',
    input: z
      .object({
        screeningNumber: text('identifier').regex(/^[A-Za-z0-9-]{2,20}$/, messageKey('validation.screeningFormat')),
        initials: text('identifier').regex(/^[A-Za-z]{2,4}$/, messageKey('validation.initialsFormat')).transform((s) => s.toUpperCase()),
        yearOfBirth: z.number({ error: (issue) => (issue.code === 'invalid_type' ? messageKey('validation.yearOfBirth') : undefined) }).int().min(1900).max(2100),
        investigator: text('name').min(2, messageKey('validation.nameInvestigator')),
        stratum: text('identifier').min(1).optional(),
      })
      .strict(),
    output: PatientView,
    access: 'patients.manage',
    signature: null,
    examples: [{ screeningNumber: 'S-0001', initials: 'AB', yearOfBirth: 1980, investigator: 'Dr Inès Moreau' }],
  }),
  randomize: channel({
    kind: 'command',
    description: "Randomize the patient to the next unused randomization number of the patient's stratum.",
    input: signedInput({ patientId: z.number().int().positive() }),
    output: z.object({ patient: PatientView, signature: SignatureView }),
    access: 'patients.randomize',
    signature: 'I confirm this patient is eligible and randomize them',
    // Patient 7 (S-007) is registered and waits for randomization in the demo.
    examples: [{ patientId: 7, signature: { username: 'investigator', password: EXAMPLE_PASSWORD } }],
  }),
  withdraw: channel({
    kind: 'command',
    description: 'Withdraw a patient from the study, with the reason.',
    input: z.object({ patientId: z.number().int().positive(), reason: Reason }).strict(),
    output: PatientView,
    access: 'patients.manage',
    signature: null,
    examples: [{ patientId: 1, reason: 'Consent withdrawn' }],
  }),
};

/**
 * The kits of one type a visit needs (bottle A, bottle B; one entry of type null in a study without kit types), with
 * the suggested kits of that type. Types are printed on the kits: nothing here names an arm or a content.
 */
export const KitsOfTypeView = z.object({ type: z.string().nullable(), typeName: z.string().nullable(), count: z.number().int(), suggestions: z.array(z.string()), shortage: z.boolean() });

export const dispensingChannels = {
  plan: channel({
    kind: 'query',
    description: 'What a visit needs: kits, due date and window, and suggested kits (earliest expiry first).',
    input: z.object({ patientId: z.number().int().positive(), visitCode: VisitCode }).strict(),
    output: z.object({
      patientId: z.number().int(),
      screeningNumber: z.string(),
      randomizationNumber: z.string(),
      visit: z.object({ code: z.string(), name: z.string(), kits: z.number().int(), due: IsoDate, opens: IsoDate, closes: IsoDate }),
      today: IsoDate,
      window: WindowPosition,
      kitsNeeded: z.number().int(),
      suggestions: z.array(z.string()),
      shortage: z.boolean(),
      kitsByType: z.array(KitsOfTypeView),
      previousDispensing: z.object({ visitCode: z.string(), visitName: z.string(), dispensedOn: IsoDate, daysAgo: z.number().int() }).nullable(),
      interval: z.object({ minimumDays: z.number().int(), short: z.boolean(), policy: z.enum(['second_signature', 'refuse']) }),
    }),
    access: 'dispensing.perform',
    signature: null,
    key: 'required',
    // Patient 6 (S-006) had baseline in the demo; week 2 comes next.
    examples: [{ patientId: 6, visitCode: 'W2' }],
  }),
  checkKit: channel({
    kind: 'query',
    description: 'The verdict on one scanned kit for this patient and visit.',
    input: z
      .object({ patientId: z.number().int().positive(), visitCode: VisitCode, code: ScanCode, alreadyScanned: z.array(KitNumber).max(20), source: ScanSource })
      .strict(),
    output: KitVerdict,
    access: 'dispensing.perform',
    signature: null,
    key: 'required',
    examples: [{ patientId: 6, visitCode: 'W2', code: EXAMPLE_KIT.forVisit, alreadyScanned: [], source: 'scanner' }],
  }),
  confirm: channel({
    kind: 'command',
    description: 'Dispense the scanned kits for this visit; the dispensing, its kits, labels to print and the audit event are one transaction.',
    input: signedInput({
      patientId: z.number().int().positive(),
      visitCode: VisitCode,
      kits: z.array(z.object({ kitNumber: KitNumber, source: ScanSource }).strict()).min(1).max(20),
      outOfWindowReason: text('reason').optional(),
      /** A second person below the dispenser when the interval since the last dispensing is shorter than the study's minimum. */
      secondSignature: z.object({ username: text('username').min(1, messageKey('validation.secondSignerUsername')), password: text('password').min(1, messageKey('validation.secondSignerPassword')) }).strict().optional(),
    }),
    output: z.object({ dispensingId: z.number().int(), patient: PatientView, signature: SignatureView }),
    access: 'dispensing.perform',
    signature: 'I dispense these kits to this patient for this visit',
    key: 'required',
    examples: [
      {
        patientId: 6,
        visitCode: 'W2',
        kits: [{ kitNumber: EXAMPLE_KIT.forVisit, source: 'scanner' }],
        outOfWindowReason: 'Patient travels abroad on the due date; visit brought forward',
        // Brought forward to within the study's minimum interval of the baseline: the investigator signs below.
        secondSignature: { username: 'investigator', password: EXAMPLE_PASSWORD },
        signature: { username: 'pharmacist', password: EXAMPLE_PASSWORD },
      },
    ],
  }),
};

const LabelKind = z.enum(['carton', 'syringe']);
/** A label as a file: PDF for any printer, the PNG preview, ZPL for a Zebra, the DYMO LabelManager's HID stream. */
const LabelFileFormat = z.enum(['pdf', 'png', 'zpl', 'dymo']);
/** Another of the study's label languages than its own (the default). */
const LabelLanguage = z.enum(LABEL_LANGUAGES);

export const labelsChannels = {
  queue: channel({
    kind: 'query',
    description: 'Labels of dispensed kits: which still need printing, which a label printer printed and reprinted.',
    input: z.object({ pendingOnly: z.boolean().optional() }).strict(),
    output: z.array(z.object({ kitNumber: z.string(), kind: LabelKind, patient: z.string(), visit: z.string(), dispensedAt: IsoTime, prints: z.number().int(), lastPrintedAt: IsoTime.nullable() })),
    access: 'labels.print',
    signature: null,
    examples: [{}, { pendingOnly: true }],
  }),
  preview: channel({
    kind: 'query',
    description: 'The blinded label of a dispensed kit as the printer will print it (PNG, base64).',
    input: z.object({ kitNumber: KitNumber, kind: LabelKind }).strict(),
    output: z.object({ kitNumber: z.string(), kind: LabelKind, pngBase64: z.string(), widthMm: z.number(), heightMm: z.number() }),
    access: 'labels.print',
    signature: null,
    examples: [{ kitNumber: EXAMPLE_KIT.dispensed, kind: 'carton' }],
  }),
  download: channel({
    kind: 'command',
    description:
      'The blinded label of a dispensed kit as a file, exactly as it prints: PDF (any printer), PNG, ZPL (Zebra) or the DYMO stream; the download is recorded in the audit trail. A download is not a print: a label counts as printed only when a label printer confirms its job (devices.printLabel).',
    input: z.object({ kitNumber: KitNumber, kind: LabelKind, format: LabelFileFormat, language: LabelLanguage.optional() }).strict(),
    output: z.object({ kitNumber: z.string(), kind: LabelKind, format: LabelFileFormat, fileName: z.string(), mime: z.string(), base64: z.string() }),
    access: 'labels.print',
    signature: null,
    examples: [
      { kitNumber: EXAMPLE_KIT.dispensed, kind: 'carton', format: 'pdf' },
      { kitNumber: EXAMPLE_KIT.dispensed, kind: 'syringe', format: 'dymo' },
    ],
  }),
};
