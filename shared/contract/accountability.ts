import { z } from 'zod';
import { messageKey } from '../messages/zodIssues';
import { channel } from './channel';
import { EXAMPLE_KIT, EXAMPLE_PASSPHRASE, EXAMPLE_PASSWORD } from './examples';
import { Empty, IsoTime, Reason, SignatureView, signedInput, text } from './schemas';
import { KitNumber, ScanCode, ScanSource } from './pharmacy';

const Condition = z.enum(['used', 'unused', 'partly_used', 'damaged', 'missing']);
/** The units of a kit that came back (none for a missing kit: the service checks that against the condition). */
const UnitsReturned = z.number({ error: messageKey('validation.wholeUnits') }).int(messageKey('validation.wholeUnits')).min(0).max(100);

const ReturnView = z.object({
  kitNumber: z.string(),
  patientId: z.number().int(),
  screeningNumber: z.string(),
  returnedAt: IsoTime,
  condition: Condition,
  unitsReturned: z.number().int(),
  unitsMissing: z.number().int(),
  note: z.string().nullable(),
  source: z.string(),
  verifiedBy: z.string().nullable(),
  verifiedAt: IsoTime.nullable(),
});

const Discrepancy = z.enum([
  'missing_at_receipt',
  'damaged_at_receipt',
  'lost_on_site',
  'return_missing',
  'return_overdue',
  'partial_dose',
  'dose_not_taken',
  'status_without_receipt',
  // Impossible sequences (issue 11, item 11): a step dated before the one it depends on.
  'dispensed_before_receipt',
  'dispensed_before_randomization',
  'returned_before_dispensing',
  'destroyed_before_return',
  'return_verified_after_destruction',
]);

/** One kit's line of the reconciliation: receipt, dispensing, return, destruction, where it is now and its discrepancies. */
export const ReconciliationKitLine = z.object({
  kitNumber: z.string(),
  lot: z.string(),
  status: z.string(),
  shipment: z.string().nullable(),
  receivedAt: IsoTime.nullable(),
  patient: z.string().nullable(),
  visit: z.string().nullable(),
  dispensedAt: IsoTime.nullable(),
  returnDue: z.string().nullable(),
  returnCondition: Condition.nullable(),
  unitsReturned: z.number().int().nullable(),
  returnVerified: z.boolean(),
  destroyedOn: z.string().nullable(),
  whereabouts: z.enum(['not_received', 'on_hand', 'with_patient', 'destroyed', 'lost']),
  discrepancies: z.array(Discrepancy),
});

/** The most kit lines one page of the reconciliation holds. */
export const RECONCILIATION_PAGE_MAX = 200;

/**
 * Which kit lines of the reconciliation, a page at a time (issue 12: a pharmacy's tens of thousands of kits are never
 * sent whole): every kit, those with a discrepancy, or those changed since the last sign-off; `search` keeps the kits
 * whose number, patient or lot (as the caller's view shows it) contains it.
 */
export const ReconciliationKitsInput = z
  .object({
    page: z.number().int().min(1).max(1_000_000_000).default(1),
    pageSize: z.number().int().min(1).max(RECONCILIATION_PAGE_MAX).default(100),
    search: text('identifier').default(''),
    only: z.enum(['all', 'discrepancies', 'sinceSignOff']).default('all'),
  })
  .strict();

/** One page of kit lines, with how many kits the filter matches and how many the study holds. */
export const ReconciliationKitsPage = z.object({
  asOf: IsoTime,
  kits: z.array(ReconciliationKitLine),
  matching: z.number().int(),
  total: z.number().int(),
  page: z.number().int(),
  pageSize: z.number().int(),
});

export const ReconciliationView = z.object({
  asOf: IsoTime,
  /** Every kit of the study: the lines themselves come a page at a time (reconciliation.kits). */
  kitCount: z.number().int(),
  lots: z.array(
    z.object({
      lot: z.string(),
      received: z.number().int(),
      dispensed: z.number().int(),
      returned: z.number().int(),
      destroyed: z.number().int(),
      onHand: z.number().int(),
      withPatient: z.number().int(),
      lost: z.number().int(),
      lostAfterReceipt: z.number().int(),
      notReceived: z.number().int(),
      balanced: z.boolean(),
    }),
  ),
  patients: z.array(
    z.object({
      screeningNumber: z.string(),
      dispensed: z.number().int(),
      returnsRecorded: z.number().int(),
      used: z.number().int(),
      partlyUsed: z.number().int(),
      unused: z.number().int(),
      damaged: z.number().int(),
      missing: z.number().int(),
      overdue: z.number().int(),
      compliancePercent: z.number().int().nullable(),
    }),
  ),
  discrepancies: z.array(z.object({ kitNumber: z.string(), lot: z.string(), patient: z.string().nullable(), discrepancies: z.array(Discrepancy) })),
  unverifiedReturns: z.number().int(),
});

/** What the return screen learns from a scan before any form opens (issue 11, item 7): blinded facts only. */
const ReturnLookupView = z.discriminatedUnion('verdict', [
  z.object({ kitNumber: z.string(), verdict: z.literal('not_dispensed') }),
  z.object({
    kitNumber: z.string(),
    verdict: z.enum(['returnable', 'already_recorded']),
    patientId: z.number().int(),
    screeningNumber: z.string(),
    visitCode: z.string(),
    dispensedAt: IsoTime,
    condition: Condition.nullable(),
  }),
]);

/** The monitor's comment on a kit's discrepancies (issue 11, item 8). */
const DiscrepancyCommentView = z.object({ kitNumber: z.string(), discrepancies: z.array(Discrepancy), comment: z.string(), by: z.string(), at: IsoTime });

const SignOffStatus = z
  .object({
    signedAt: IsoTime,
    snapshotHash: z.string(),
    discrepancies: z.number().int(),
    signature: SignatureView,
    voidedBy: z.object({ seq: z.number().int(), action: z.string(), username: z.string(), atUtc: IsoTime, entityId: z.string() }).nullable(),
  })
  .nullable();

const DestructionView = z.object({
  id: z.number().int(),
  destroyedOn: z.string(),
  method: z.string(),
  place: z.string(),
  recordedAt: IsoTime,
  kits: z.array(z.object({ kitNumber: z.string(), blindedLot: z.string() })),
  signature: SignatureView,
  witnessSignature: SignatureView,
});

export const returnsChannels = {
  list: channel({
    kind: 'query',
    description: 'Patient returns recorded, per kit, with their verification.',
    input: Empty,
    output: z.array(ReturnView),
    access: 'returns.read',
    signature: null,
    examples: [{}],
  }),
  record: channel({
    kind: 'command',
    description: 'Record a returned kit (scanned or typed): used, unused, partly used, damaged or missing, and the units that came back.',
    input: z
      .object({
        code: ScanCode,
        condition: Condition,
        unitsReturned: UnitsReturned,
        note: text('note').optional(),
        source: ScanSource,
        patientId: z.number().int().positive().optional(),
      })
      .strict(),
    output: ReturnView,
    access: 'returns.record',
    signature: null,
    examples: [{ code: EXAMPLE_KIT.withPatient, condition: 'used', unitsReturned: 1, source: 'scanner' }],
  }),
  edit: channel({
    kind: 'command',
    description: 'Correct a recorded return, with the reason; removes its verification.',
    input: z.object({ kitNumber: KitNumber, condition: Condition, unitsReturned: UnitsReturned, note: text('note').optional(), reason: Reason }).strict(),
    output: ReturnView,
    access: 'returns.record',
    signature: null,
    examples: [{ kitNumber: EXAMPLE_KIT.returnUnverified, condition: 'partly_used', unitsReturned: 1, reason: 'Miscounted at the desk' }],
  }),
  compliance: channel({
    kind: 'query',
    description:
      "A patient's tablet compliance per dispensing interval, for the kit types whose study file gives a daily dose: units given, counted back, taken, and expected over the interval (the same for every arm: no arm in it).",
    input: z.object({ patientId: z.number().int().positive() }).strict(),
    output: z.object({
      patientId: z.number().int(),
      screeningNumber: z.string(),
      intervals: z.array(
        z.object({
          visitCode: z.string(),
          from: z.string(),
          to: z.string().nullable(),
          days: z.number().int().nullable(),
          byType: z.array(
            z.object({
              kitType: z.string(),
              kits: z.number().int(),
              unitsGiven: z.number().int(),
              unitsReturned: z.number().int(),
              unitsTaken: z.number().int().nullable(),
              unitsExpected: z.number().nullable(),
              percent: z.number().int().nullable(),
              state: z.enum(['counted', 'awaiting_return', 'kit_missing']),
            }),
          ),
        }),
      ),
    }),
    access: 'returns.read',
    signature: null,
    // NS-DUPI's syringes have no daily dose: its patients have no interval to weigh (BRAVE-AA2's bottles do).
    examples: [{ patientId: 6 }],
  }),
  lookup: channel({
    kind: 'query',
    description: 'What a scanned kit is for the return desk, before anything is recorded: not dispensed, or dispensed to which patient at which visit.',
    input: z.object({ code: ScanCode }).strict(),
    output: ReturnLookupView,
    access: 'returns.read',
    signature: null,
    examples: [{ code: EXAMPLE_KIT.withPatient }, { code: EXAMPLE_KIT.returnUnverified }],
  }),
  verify: channel({
    kind: 'command',
    description: 'The monitor verifies a list of recorded returns against the physical kits, under an e-signature; kits recorded as missing cannot be verified.',
    input: signedInput({ kitNumbers: z.array(KitNumber).min(1, messageKey('validation.chooseReturns')).max(5000) }),
    output: z.array(ReturnView),
    access: 'returns.verify',
    signature: 'I have checked these returned kits against their return records',
    examples: [{ kitNumbers: [EXAMPLE_KIT.returnUnverified], signature: { username: 'monitor', password: EXAMPLE_PASSWORD } }],
  }),
  verifyScan: channel({
    kind: 'command',
    description: 'The monitor verifies one return by scanning the physical kit.',
    input: z.object({ code: ScanCode, source: ScanSource }).strict(),
    output: ReturnView,
    access: 'returns.verify',
    signature: null,
    examples: [{ code: EXAMPLE_KIT.returnUnverified, source: 'scanner' }],
  }),
};

export const reconciliationChannels = {
  view: channel({
    kind: 'query',
    description: 'Reconciliation per kit, per patient and per (blinded) lot, with every discrepancy and the sign-off status.',
    input: Empty,
    output: z.object({
      reconciliation: ReconciliationView,
      signOff: SignOffStatus,
      /** The monitor's latest comment per kit still showing a discrepancy. */
      comments: z.array(DiscrepancyCommentView),
      /** Kits whose discrepancies no comment explains yet: the sign-off waits for them. */
      openDiscrepancies: z.array(z.string()),
      /** What changed since the last sign-off: the kits whose accountability or verification changed after it. */
      sinceLastSignOff: z.object({ signedAt: IsoTime, kits: z.array(z.string()) }).nullable(),
    }),
    access: 'reconciliation.read',
    signature: null,
    examples: [{}],
  }),
  viewUnblinded: channel({
    kind: 'query',
    description: 'The same reconciliation with the real lots (unblinded pharmacy monitoring).',
    input: Empty,
    output: z.object({ reconciliation: ReconciliationView }),
    access: 'reconciliation.unblinded',
    signature: null,
    key: 'required',
    examples: [{}],
  }),
  kits: channel({
    kind: 'query',
    description: "One page of the reconciliation's kit lines in kit-number order (blinded lots), filtered by discrepancy, by change since the last sign-off or by a kit, patient or lot searched for.",
    input: ReconciliationKitsInput,
    output: ReconciliationKitsPage,
    access: 'reconciliation.read',
    signature: null,
    examples: [{}, { only: 'discrepancies', page: 1, pageSize: 20 }, { search: EXAMPLE_KIT.withDiscrepancy }],
  }),
  kitsUnblinded: channel({
    kind: 'query',
    description: 'The same page of kit lines with the real lots (unblinded pharmacy monitoring); a search matches the real lot.',
    input: ReconciliationKitsInput,
    output: ReconciliationKitsPage,
    access: 'reconciliation.unblinded',
    signature: null,
    key: 'required',
    examples: [{}, { only: 'sinceSignOff' }],
  }),
  comment: channel({
    kind: 'command',
    description: "The monitor explains a kit's discrepancies (what was checked, what the site said); the sign-off needs one on each.",
    input: z.object({ kitNumber: KitNumber, comment: text('note').min(3, messageKey('validation.explainDiscrepancy')) }).strict(),
    output: DiscrepancyCommentView,
    access: 'reconciliation.sign',
    signature: null,
    examples: [{ kitNumber: EXAMPLE_KIT.withDiscrepancy, comment: 'Checked with the patient diary: the dose was missed while travelling' }],
  }),
  signOff: channel({
    kind: 'command',
    description: 'The monitor signs the reconciliation as it stands now, once each open discrepancy has a comment; a later accountability change voids the sign-off.',
    input: signedInput({}),
    output: z.object({ signOff: SignOffStatus }),
    access: 'reconciliation.sign',
    signature: 'I have verified drug accountability and sign this reconciliation',
    examples: [{ signature: { username: 'monitor', password: EXAMPLE_PASSWORD } }],
  }),
};

export const destructionChannels = {
  candidates: channel({
    kind: 'query',
    description: 'Kits that may be destroyed: expired or damaged, and patient returns the monitor has verified.',
    input: Empty,
    output: z.array(z.object({ kitNumber: z.string(), status: z.string(), blindedLot: z.string() })),
    access: 'destruction.perform',
    signature: null,
    examples: [{}],
  }),
  list: channel({
    kind: 'query',
    description: 'Destructions recorded, with their kits and both signatures.',
    input: Empty,
    output: z.array(DestructionView),
    access: 'reconciliation.read',
    signature: null,
    examples: [{}],
  }),
  record: channel({
    kind: 'command',
    description: 'Record the destruction of kits: method, place, date, your signature and a witness signature.',
    input: signedInput({
      kitNumbers: z.array(KitNumber).min(1, messageKey('validation.chooseKitsToDestroy')),
      method: text('description').min(3, messageKey('validation.destructionMethod')),
      place: text('description').min(2, messageKey('validation.destructionPlace')),
      destroyedOn: z.string().date(messageKey('validation.destructionDate')),
      witness: z.object({ username: text('username').min(1, messageKey('validation.witnessUsername')), password: text('password').min(1, messageKey('validation.witnessPassword')) }).strict(),
    }),
    output: DestructionView,
    access: 'destruction.perform',
    signature: 'I destroyed these kits by the stated method',
    examples: [
      {
        kitNumbers: [EXAMPLE_KIT.toDestroy],
        method: 'Incineration (hospital pharmacy waste stream)',
        place: 'Pharmacy, Hôpital Larrey',
        destroyedOn: '2026-11-20',
        witness: { username: 'monitor', password: EXAMPLE_PASSWORD },
        signature: { username: 'pharmacist', password: EXAMPLE_PASSWORD },
      },
    ],
  }),
  certificate: channel({
    kind: 'query',
    description: 'The destruction certificate as PDF, with the audit seal.',
    input: z.object({ destructionId: z.number().int().positive() }).strict(),
    output: z.object({ fileName: z.string(), pdfBase64: z.string() }),
    access: 'reconciliation.read',
    signature: null,
    examples: [{ destructionId: 1 }],
  }),
};

/** An emergency unblinding: who, when, why, which patient, and whether the sponsor was notified; never the arm. */
const UnblindingRecord = z.object({
  id: z.number().int(),
  patientId: z.number().int(),
  screeningNumber: z.string(),
  randomizationNumber: z.string(),
  unblindedAt: IsoTime,
  by: z.string(),
  reason: z.string(),
  adverseEvent: z.boolean(),
  sponsorNotified: z.object({ at: IsoTime, by: z.string(), reference: z.string().nullable() }).nullable(),
});

export const emergencyChannels = {
  unblind: channel({
    kind: 'command',
    description: "Emergency unblinding: reveals ONE patient's treatment to you only, after a reason, your signature and the code-break passphrase.",
    input: signedInput({
      patientId: z.number({ error: messageKey('validation.choosePatient') }).int().positive(),
      reason: text('reason').min(10, messageKey('validation.describeEmergency')),
      adverseEvent: z.boolean({ error: messageKey('validation.adverseEventNeeded') }),
      passphrase: text('passphrase').min(10, messageKey('validation.passphraseFromEnvelope')),
    }),
    output: z.object({ screeningNumber: z.string(), randomizationNumber: z.string(), armCode: z.string(), armName: z.string(), unblindingId: z.number().int() }),
    access: 'emergency.unblind',
    signature: 'I break the blind for this patient for a medical emergency',
    examples: [{ patientId: 1, reason: 'Anaphylaxis after injection', adverseEvent: true, passphrase: EXAMPLE_PASSPHRASE, signature: { username: 'investigator', password: EXAMPLE_PASSWORD } }],
  }),
  list: channel({
    kind: 'query',
    description: 'Emergency unblindings: who, when, why, which patient (never the arm).',
    input: Empty,
    output: z.array(UnblindingRecord),
    access: 'patients.read',
    signature: null,
    examples: [{}],
  }),
  sponsorNotice: channel({
    kind: 'query',
    description: 'After a code break, what to send the sponsor: patient, randomization number, date, reason and who broke the code (never the arm), with the sponsor contact.',
    input: z.object({ unblindingId: z.number().int().positive() }).strict(),
    output: z.object({
      unblinding: UnblindingRecord,
      study: z.object({ code: z.string(), title: z.string(), protocolNumber: z.string() }),
      sponsor: z.object({ name: z.string(), address: z.string(), phone: z.string() }),
    }),
    access: 'emergency.unblind',
    signature: null,
    // Unblinding 1: the example world's emergency unblinding (tests/helpers/exampleWorld.ts).
    examples: [{ unblindingId: 1 }],
  }),
  recordSponsorNotified: channel({
    kind: 'command',
    description: 'Record that the sponsor was notified of an emergency unblinding (who and when are recorded), with the reference of the notice if any.',
    input: z.object({ unblindingId: z.number().int().positive(), reference: text('reason').optional() }).strict(),
    output: UnblindingRecord,
    access: 'emergency.unblind',
    signature: null,
    examples: [{ unblindingId: 1, reference: 'E-mail to the sponsor safety desk, ref. NS-DUPI-UNB-01' }],
  }),
};

const ReportInput = z
  .object({
    report: z.enum(['accountability', 'nci_darf', 'inventory', 'expiring', 'patient_history']),
    format: z.enum(['csv', 'pdf']),
    days: z.number().int().min(1).max(730).optional(),
    patientId: z.number().int().positive().optional(),
    threshold: z.number().int().min(0).max(1000).optional(),
  })
  .strict();
const ReportFile = z.object({ fileName: z.string(), mime: z.string(), base64: z.string() });

export const reportsChannels = {
  render: channel({
    kind: 'query',
    description: 'A blinded report (accountability log, NCI accountability record form, inventory totals, kits expiring, patient history) as CSV or PDF with the audit seal.',
    input: ReportInput,
    output: ReportFile,
    access: 'reports.read',
    signature: null,
    examples: [{ report: 'accountability', format: 'csv' }, { report: 'nci_darf', format: 'pdf' }, { report: 'inventory', format: 'pdf' }, { report: 'expiring', format: 'csv', days: 90 }, { report: 'patient_history', format: 'csv' }],
  }),
  renderUnblinded: channel({
    kind: 'query',
    description: 'The unblinded version of a report: per arm, with real lots and expiry dates and low-stock alerts.',
    input: ReportInput,
    output: ReportFile,
    access: 'reports.unblinded',
    signature: null,
    key: 'required',
    examples: [{ report: 'accountability', format: 'csv' }, { report: 'inventory', format: 'csv', threshold: 10 }],
  }),
};
