import { z } from 'zod';
import { messageKey } from '../messages/zodIssues';
import { channel } from './channel';
import { EXAMPLE_PASSWORD } from './examples';
import { MAX_LIST_FILE_BYTES } from './limits';
import { chosenFile, Empty, IsoDate, IsoTime, Reason, SignatureView, signedInput, text } from './schemas';

/**
 * A list file as the user chose it: the main process finds the encoding (UTF-8, UTF-16 from Excel's "Unicode text",
 * Windows-1252) and records the SHA-256 of the file itself.
 */
const ListFile = chosenFile(MAX_LIST_FILE_BYTES, messageKey('validation.listFileTooLarge'));
/** A problem of a list on one line: said by key (shared/messages, group `lists`) with its English as `message`. */
const ListProblemView = z.object({
  line: z.number().int(),
  column: z.string().optional(),
  message: z.string(),
  key: z.string().optional(),
  params: z.record(z.string(), z.union([z.string(), z.number()])).optional(),
});
const ListEncodingView = z.enum(['UTF-8', 'UTF-8 with BOM', 'UTF-16LE', 'UTF-16BE', 'Windows-1252']);

const NumberAttribute = z.enum(['kit_number', 'serial']);
const GroupAttribute = z.enum(['lot', 'expiry_date', 'gtin', 'serial']);
const ArmMix = z.array(z.object({ arm: z.string(), kits: z.number(), expected: z.number() }));
/** The blinding risk findings (shared/allocation/blindingRisk.ts). They name arms: unblinded channels only. */
const RiskFinding = z.discriminatedUnion('kind', [
  z.object({ kitType: z.string().optional(), kind: z.literal('number_runs'), attribute: NumberAttribute, pattern: z.enum(['clustered', 'alternating']), runs: z.number(), expectedRuns: z.number(), longestRun: z.number(), zScore: z.number() }),
  z.object({ kitType: z.string().optional(), kind: z.literal('number_ranges'), attribute: NumberAttribute, arm: z.string(), from: z.string(), to: z.string() }),
  z.object({ kitType: z.string().optional(), kind: z.literal('number_residue'), attribute: NumberAttribute, modulus: z.number(), residue: z.number(), kits: z.number(), mix: ArmMix }),
  z.object({ kitType: z.string().optional(), kind: z.literal('number_block'), attribute: NumberAttribute, from: z.string(), to: z.string(), kits: z.number(), mix: ArmMix }),
  z.object({ kitType: z.string().optional(), kind: z.literal('arm_only_lot'), lot: z.string(), arm: z.string(), kits: z.number() }),
  z.object({ kitType: z.string().optional(), kind: z.literal('arm_only_expiry'), expiryDate: z.string(), arm: z.string(), kits: z.number() }),
  z.object({ kitType: z.string().optional(), kind: z.literal('arm_only_gtin'), gtin: z.string(), arm: z.string(), kits: z.number() }),
  z.object({ kitType: z.string().optional(), kind: z.literal('value_arm_mix'), attribute: GroupAttribute, value: z.string(), kits: z.number(), mix: ArmMix }),
]);
export const RiskAnalysisView = z.object({
  findings: z.array(RiskFinding),
  lotsReveal: z.boolean(),
  expiryReveals: z.boolean(),
  blindedLot: z.string().nullable(),
  commonUseBefore: z.string().nullable(),
  /** A study with kit types: what each type's kits reveal and the blinded lot and date they take (findings name their type). */
  byKitType: z.array(z.object({ kitType: z.string(), lotsReveal: z.boolean(), expiryReveals: z.boolean(), blindedLot: z.string().nullable(), commonUseBefore: z.string().nullable() })).optional(),
});

/** Kits whose real expiry is short-dated on import: quarantined at receipt. Arms and real dates: unblinded channels only. */
const ExpiryHoldView = z.object({ kitNumber: z.string(), arm: z.string(), expiryDate: z.string() });
const UseBeforeChangeView = z.object({ kitNumber: z.string(), status: z.string(), from: z.string(), to: z.string() });

const ListCheck = z.object({
  rowCount: z.number().int(),
  sha256: z.string(),
  /** How the file's bytes were read; null when they could not be (then a problem says why). */
  encoding: ListEncodingView.nullable(),
  problems: z.array(ListProblemView),
  warnings: z.array(ListProblemView),
  risk: RiskAnalysisView.nullable(),
  /** Kits the import would mark to be held at receipt (issue 11.1); empty for a randomization list. */
  expiryHolds: z.array(ExpiryHoldView),
});

const ImportResult = z.object({
  importId: z.number().int(),
  kind: z.enum(['randomization', 'kits']),
  fileName: z.string(),
  sha256: z.string(),
  rowCount: z.number().int(),
  risk: RiskAnalysisView.nullable(),
  warnings: z.array(ListProblemView),
  expiryHolds: z.array(ExpiryHoldView),
  /** Kits whose blinded use-before date the import changed: their labels change. */
  useBeforeChanged: z.array(UseBeforeChangeView),
  signature: SignatureView,
});

const UseBeforeReviewOf = z.object({
  expiryReveals: z.boolean(),
  inForce: z.array(z.string()),
  proposed: z.string().nullable(),
  inForceShortDated: z.boolean(),
  changes: z.array(UseBeforeChangeView),
  toHold: z.array(z.string()),
  held: z.array(z.object({ kitNumber: z.string(), armCode: z.string(), armName: z.string(), expiryDate: z.string(), status: z.string() })),
});
/** The study's review; with kit types, each type's too (each confirmed on its own), the top fields gathering them. */
export const UseBeforeReviewView = UseBeforeReviewOf.extend({
  byKitType: z.array(UseBeforeReviewOf.extend({ kitType: z.string(), kitTypeName: z.string() })).optional(),
});

export const AllocationStatus = z.object({
  keySetUp: z.boolean(),
  sessionHoldsKey: z.boolean(),
  slots: z.number().int(),
  kits: z.number().int(),
  imports: z.array(
    z.object({
      id: z.number().int(),
      kind: z.enum(['randomization', 'kits']),
      fileName: z.string(),
      sha256: z.string(),
      rowCount: z.number().int(),
      importedAt: IsoTime,
      signature: SignatureView,
    }),
  ),
  keyHolders: z.array(z.object({ username: z.string(), displayName: z.string(), grantedAt: IsoTime })),
  /** Unblinded users who have no access yet (new, or reset by an administrator). */
  awaitingAccess: z.array(z.object({ userId: z.number().int(), username: z.string(), displayName: z.string(), canBeGranted: z.boolean() })),
});

/**
 * One more slot after the demo's 36 (a list extension from the sponsor), in base64: the bytes of
 * "randomization_number,arm,block,stratum\nR037,DUPI300,B99,ALL\n". A literal because shared/ also runs in the
 * renderer, which has no Buffer (a Buffer here left the browser-mode page blank).
 */
const sample = 'cmFuZG9taXphdGlvbl9udW1iZXIsYXJtLGJsb2NrLHN0cmF0dW0KUjAzNyxEVVBJMzAwLEI5OSxBTEwK';

export const allocationChannels = {
  status: channel({
    kind: 'query',
    description: 'Study set-up state: allocation key, imported lists with their SHA-256 and signatures, who holds the key.',
    input: Empty,
    output: AllocationStatus,
    access: 'allocation.setup',
    signature: null,
    key: 'ifHeld',
    examples: [{}],
  }),
  setUpKey: channel({
    kind: 'command',
    description: 'Create the allocation key for this study, wrapped for you and for the emergency code-break envelope. The passphrase is shown once.',
    input: signedInput({}),
    output: z.object({ codeBreakPassphrase: z.string(), signature: SignatureView }),
    access: 'allocation.setup',
    signature: 'I create the allocation key of this study and take custody of the code-break passphrase',
    examples: [{ signature: { username: 'pharmacist', password: EXAMPLE_PASSWORD } }],
    refusedOnDemo: { 0: { code: 'conflict', why: 'A study has one allocation key, and the demo set it up at seeding.' } },
  }),
  checkList: channel({
    kind: 'query',
    description: 'Validate a randomization or kit list without importing it: every problem by line, and the blinding risk analysis.',
    input: z.object({ kind: z.enum(['randomization', 'kits']), ...ListFile }).strict(),
    output: ListCheck,
    access: 'allocation.setup',
    signature: null,
    key: { requiredWhen: (input) => input.kind === 'kits', why: 'a kit list is checked against the sealed arms and expiry dates' },
    examples: [{ kind: 'randomization', fileName: 'randomization.csv', contentBase64: sample }],
  }),
  importList: channel({
    kind: 'command',
    description: "Import the sponsor's randomization or kit list: all rows or none.",
    input: signedInput({ kind: z.enum(['randomization', 'kits']), ...ListFile }),
    output: ImportResult,
    access: 'allocation.setup',
    signature: 'I approve the import of this list as the sponsor sent it',
    key: 'required',
    examples: [{ kind: 'randomization', fileName: 'randomization-extension.csv', contentBase64: sample, signature: { username: 'pharmacist', password: EXAMPLE_PASSWORD } }],
  }),
  useBeforeReview: channel({
    kind: 'query',
    description:
      'The common blinded use-before date: the dates in force, the date the dispensable stock calls for now, the kits whose labels would change, and the kits held for expiry review with their arms.',
    input: Empty,
    output: UseBeforeReviewView,
    access: 'allocation.setup',
    signature: null,
    key: 'required',
    examples: [{}],
  }),
  confirmUseBefore: channel({
    kind: 'command',
    description:
      'Put the reviewed common use-before date in force on the blinded labels and screens of every kit in stock or in quarantine; available kits now short-dated go to quarantine.',
    // A study with kit types confirms each type's date on its own, naming the type (printed on its kits).
    input: signedInput({ useBefore: IsoDate, kitType: z.string().max(8).optional() }),
    output: z.object({ useBefore: z.string(), changes: z.array(UseBeforeChangeView), held: z.array(z.string()), signature: SignatureView }),
    access: 'allocation.setup',
    signature: 'I confirm this use-before date for the blinded labels of the stock',
    key: 'required',
    examples: [{ useBefore: '2027-08-31', signature: { username: 'pharmacist', password: EXAMPLE_PASSWORD } }],
    refusedOnDemo: { 0: { code: 'conflict', why: 'The demo stock calls for the date already in force on every kit: there is no move to confirm.' } },
  }),
  grantAccess: channel({
    kind: 'command',
    description: 'Give another unblinded user access to the allocation key (they need not be present).',
    input: signedInput({ userId: z.number().int().positive(), reason: Reason }),
    output: z.object({ signature: SignatureView }),
    access: 'allocation.grant',
    signature: 'I grant this user access to the treatment allocation',
    key: 'required',
    // User 8: an unblinded monitor who joined the demo study and chose a password (tests/helpers/exampleWorld.ts).
    examples: [{ userId: 8, reason: 'New unblinded monitor for the study', signature: { username: 'pharmacist', password: EXAMPLE_PASSWORD } }],
  }),
  register: channel({
    kind: 'command',
    description: 'The unblinded allocation register: every slot and kit with its arm. Needs your password again; every reveal is audited.',
    input: z.object({ password: text('password').min(1, messageKey('validation.enterPassword')) }).strict(),
    output: z.object({
      slots: z.array(z.object({ randomizationNumber: z.string(), block: z.string(), stratum: z.string(), armCode: z.string(), armName: z.string() })),
      kits: z.array(
        z.object({
          kitNumber: z.string(),
          /** The kit's type (null in a study without kit types); armCode and armName then name its content. */
          kitType: z.string().nullable(),
          armCode: z.string(),
          armName: z.string(),
          lot: z.string(),
          expiryDate: z.string(),
          blindedLot: z.string(),
          useBefore: z.string(),
          status: z.string(),
        }),
      ),
    }),
    access: 'allocation.reveal',
    signature: null,
    key: 'required',
    examples: [{ password: EXAMPLE_PASSWORD }],
  }),
};
