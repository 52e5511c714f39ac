import { z } from 'zod';
import { channel } from './channel';
import { EXAMPLE_KIT, EXAMPLE_PASSWORD } from './examples';
import { LABEL_LANGUAGES } from '../labels/labelCaptions';
import { KitNumber } from './pharmacy';
import { messageKey } from '../messages/zodIssues';
import { IsoTime, Reason, SignatureView, signedInput, text } from './schemas';

/**
 * Lots (issue 16, item 2): recall of a lot from the sponsor's letter. Unblinded only (the lot printed on the letter is
 * the real lot, sealed in Veil): the preview names the arms of the lot and the patients who received it; the recall's
 * answer carries kit numbers only.
 */
export const RealLot = text('identifier').min(1, messageKey('lots.giveLot'));
export const LetterReference = text('identifier').min(1, messageKey('lots.giveLetter'));

export const LotRecallPreviewView = z.object({
  lot: z.string(),
  toQuarantine: z.array(z.string()),
  toHoldAtReceipt: z.array(z.string()),
  alreadyQuarantined: z.array(z.string()),
  patients: z.array(z.object({ screeningNumber: z.string(), visitCode: z.string(), kitNumber: z.string(), dispensedAt: z.string() })),
  arms: z.array(z.object({ code: z.string(), name: z.string(), kits: z.number().int() })),
  oneArmWarning: z.boolean(),
});

export const LotRecallInput = signedInput({ lot: RealLot, letterReference: LetterReference, reason: Reason });

export const ExpiryExtensionInput = signedInput({ lot: RealLot, newExpiry: z.string().date(), letterReference: LetterReference });

const pharmacist = { username: 'pharmacist', password: EXAMPLE_PASSWORD };

/** An over-label to print (or printed) after an expiry extension: the kit and its new blinded use-before date. */
export const OverLabelView = z.object({ kitNumber: z.string(), useBefore: z.string(), queuedAt: IsoTime, printed: z.boolean(), printedAt: IsoTime.nullable() });

export const lotsChannels = {
  recallPreview: channel({
    kind: 'query',
    description:
      'Before a lot recall: the kits of the real lot that will be quarantined or held at receipt, the patients who already received kits of it, and a warning when the kits leaving the stock are all of one arm.',
    input: z.object({ lot: RealLot }).strict(),
    output: LotRecallPreviewView,
    access: 'allocation.setup',
    signature: null,
    key: 'required',
    examples: [{ lot: 'DP24A117' }],
  }),
  recall: channel({
    kind: 'command',
    description:
      "Recall a lot from the sponsor's letter: every kit of it on the shelf goes to quarantine, kits not yet received are held at receipt, in one step with the reason and an e-signature.",
    input: LotRecallInput,
    output: z.object({ quarantined: z.array(z.string()), heldAtReceipt: z.array(z.string()), signature: SignatureView }),
    access: 'allocation.setup',
    signature: 'I recall this lot and place its kits at the site in quarantine',
    key: 'required',
    examples: [{ lot: 'DP24A117', letterReference: 'SPN-RCL-2026-014', reason: 'Sponsor recall: particles found in retained samples', signature: pharmacist }],
  }),
  extendExpiry: channel({
    kind: 'command',
    description:
      "Extend a lot's expiry from the sponsor's letter: its kits take the new real expiry; the blinded use-before date follows the blinding-risk rules (a date that would reveal an arm stays hidden behind the common date). E-signed.",
    input: ExpiryExtensionInput,
    output: z.object({ kits: z.array(z.string()), useBeforeChanged: z.array(z.string()), overLabels: z.array(z.string()), expiryReveals: z.boolean(), signature: SignatureView }),
    access: 'allocation.setup',
    signature: "I extend this lot's expiry date as the sponsor's letter states",
    key: 'required',
    examples: [{ lot: 'DP24A117', newExpiry: '2028-03-31', letterReference: 'SPN-EXT-2026-007', signature: pharmacist }],
  }),
  overLabels: channel({
    kind: 'query',
    description:
      'Over-labels: the kits on the shelf whose blinded use-before date moved (an expiry extension, a confirmed common date, a kit list import), the new date their over-label carries, and whether a label printer printed it. Kit numbers and blinded dates only.',
    input: z.object({ pendingOnly: z.boolean().optional() }).strict(),
    output: z.array(OverLabelView),
    access: 'allocation.setup',
    signature: null,
    examples: [{}, { pendingOnly: true }],
  }),
  overLabelPreview: channel({
    kind: 'query',
    description: "A kit's over-label as the printer will print it (PNG, base64): the study, the kit number and its blinded use-before date, no arm, real lot or real expiry.",
    input: z.object({ kitNumber: KitNumber }).strict(),
    output: z.object({ kitNumber: z.string(), useBefore: z.string(), pngBase64: z.string(), widthMm: z.number(), heightMm: z.number() }),
    access: 'allocation.setup',
    signature: null,
    examples: [{ kitNumber: EXAMPLE_KIT.inStock }],
  }),
  overLabelDownload: channel({
    kind: 'command',
    description: "A kit's over-label as a file (PDF for any printer, or PNG), recorded in the audit trail. A download is not a print.",
    input: z.object({ kitNumber: KitNumber, format: z.enum(['pdf', 'png']), language: z.enum(LABEL_LANGUAGES).optional() }).strict(),
    output: z.object({ kitNumber: z.string(), format: z.enum(['pdf', 'png']), fileName: z.string(), mime: z.string(), base64: z.string() }),
    access: 'allocation.setup',
    signature: null,
    examples: [{ kitNumber: EXAMPLE_KIT.inStock, format: 'pdf' }],
  }),
  printOverLabel: channel({
    kind: 'command',
    description:
      "Print a kit's over-label on the syringe labels' printer (tape). When the printer confirms, the kit's over-label counts as printed; a printer problem is answered (printed: false, with the reason) and recorded.",
    input: z.object({ kitNumber: KitNumber }).strict(),
    output: z.object({ kitNumber: z.string(), useBefore: z.string(), printed: z.boolean(), printer: z.string().nullable(), error: z.string().nullable() }),
    access: 'allocation.setup',
    signature: null,
    examples: [{ kitNumber: EXAMPLE_KIT.inStock }],
  }),
};
