import { z } from 'zod';
import { channel } from './channel';
import { EXAMPLE_PASSWORD } from './examples';
import { messageKey } from '../messages/zodIssues';
import { Reason, SignatureView, signedInput, text } from './schemas';

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
    output: z.object({ kits: z.array(z.string()), useBeforeChanged: z.array(z.string()), expiryReveals: z.boolean(), signature: SignatureView }),
    access: 'allocation.setup',
    signature: "I extend this lot's expiry date as the sponsor's letter states",
    key: 'required',
    examples: [{ lot: 'DP24A117', newExpiry: '2028-03-31', letterReference: 'SPN-EXT-2026-007', signature: pharmacist }],
  }),
};
