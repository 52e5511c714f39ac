import { z } from 'zod';
import { KIT_STATUSES } from '../kits/kitLifecycle';
import { channel } from './channel';
import { EXAMPLE_KIT, EXAMPLE_PASSWORD } from './examples';
import { Reason, SignatureView, signedInput } from './schemas';
import { ScanCode, VisitCode } from './pharmacy';

/**
 * Kit exceptions (issue 16, item 1): a kit damaged or lost at the site, found again, lost or damaged by its patient.
 * Each is audited with its reason; those that take a kit out of (or back into) the site's accountability are e-signed.
 * The answers carry the kit number, its new status and the signature: nothing a blinded user may not see.
 */
const KitReason = z.object({ code: ScanCode, reason: Reason }).strict();
const SignedKitReason = signedInput({ code: ScanCode, reason: Reason });

const ExceptionResult = z.object({
  kitNumber: z.string(),
  status: z.enum(KIT_STATUSES),
  /** The patient and visit a patient-reported exception is recorded against; null at the site. */
  patient: z.object({ screeningNumber: z.string(), visitCode: z.string() }).nullable(),
  signature: SignatureView.nullable(),
});

const pharmacist = { username: 'pharmacist', password: EXAMPLE_PASSWORD };

export const kitExceptionsChannels = {
  damagedAtSite: channel({
    kind: 'command',
    description: 'A kit in stock damaged at the site (dropped, broken): it leaves the stock and waits for destruction. Reason required.',
    input: KitReason,
    output: ExceptionResult,
    access: 'kits.exceptions',
    signature: null,
    examples: [{ code: EXAMPLE_KIT.forVisit, reason: 'Syringe dropped on the floor' }],
  }),
  lostAtSite: channel({
    kind: 'command',
    description: 'A kit in stock that cannot be found at the site: it leaves the accountable stock. Reason and e-signature.',
    input: SignedKitReason,
    output: ExceptionResult,
    access: 'kits.exceptions',
    signature: 'I declare this kit lost at the site',
    examples: [{ code: EXAMPLE_KIT.inStock, reason: 'Not in the fridge at the weekly count', signature: pharmacist }],
  }),
  found: channel({
    kind: 'command',
    description: 'A kit recorded lost that is found again: it goes to quarantine for the pharmacist, never straight back to stock. Reason and e-signature.',
    input: SignedKitReason,
    output: ExceptionResult,
    access: 'kits.exceptions',
    signature: 'I declare this kit found again and place it in quarantine',
    examples: [{ code: EXAMPLE_KIT.lost, reason: 'Found behind the fridge drawer', signature: pharmacist }],
  }),
  lostByPatient: channel({
    kind: 'command',
    description: 'A dispensed kit the patient reports lost, recorded against the dispensing it went out at. Reason and e-signature.',
    input: SignedKitReason,
    output: ExceptionResult,
    access: 'kits.exceptions',
    signature: 'I record this kit as lost by the patient',
    examples: [{ code: EXAMPLE_KIT.dispensed, reason: 'Patient reports the kit left on a train', signature: pharmacist }],
  }),
  damagedByPatient: channel({
    kind: 'command',
    description: 'A dispensed kit the patient reports damaged (dropped, frozen), recorded against the dispensing it went out at. Reason required.',
    input: KitReason,
    output: ExceptionResult,
    access: 'kits.exceptions',
    signature: null,
    examples: [{ code: EXAMPLE_KIT.alsoWithPatient, reason: 'Patient dropped the syringe before injecting' }],
  }),
  dispensedInError: channel({
    kind: 'command',
    description:
      "Undo the patient's latest dispensing on its own day, before the patient leaves: its kits go to quarantine (never back to stock), the visit is open again for a valid kit. Reason and e-signature.",
    input: signedInput({ patientId: z.number().int().positive(), visitCode: VisitCode, reason: Reason }),
    output: z.object({ screeningNumber: z.string(), visitCode: z.string(), kits: z.array(z.string()), signature: SignatureView }),
    access: 'dispensing.perform',
    signature: 'I undo this dispensing, made in error, and place its kits in quarantine',
    examples: [{ patientId: 6, visitCode: 'W2', reason: 'Wrong patient called to the counter', signature: pharmacist }],
    refusedOnDemo: { 0: { code: 'not_found', why: 'An undo needs a dispensing of the same day, before the patient leaves: the demo dispensed nothing today.' } },
  }),
};
