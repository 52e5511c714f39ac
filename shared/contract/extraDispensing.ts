import { z } from 'zod';
import { channel } from './channel';
import { EXAMPLE_KIT, EXAMPLE_PASSWORD } from './examples';
import { KitNumber, KitsOfTypeView, KitVerdict, PatientView, ScanCode, ScanSource } from './pharmacy';
import { Reason, SignatureView, signedInput } from './schemas';

/**
 * Dispensings outside the visit plan (issue 16, item 1), by the unblinded pharmacist with the key open: a replacement
 * kit for one the patient lost or damaged (recorded first through kitExceptions.lostByPatient / damagedByPatient), and
 * an unscheduled dispensing between visits. The same kit rules as a scheduled visit; the answers name kits, never arms.
 */
const ExtraRequest = z.discriminatedUnion('kind', [
  z.object({ patientId: z.number().int().positive(), kind: z.literal('replacement'), replacedKit: ScanCode }).strict(),
  z.object({ patientId: z.number().int().positive(), kind: z.literal('unscheduled'), count: z.number().int().min(1).max(10) }).strict(),
]);

const unscheduled = { patientId: 6, kind: 'unscheduled' as const, count: 1 };

export const extraDispensingChannels = {
  plan: channel({
    kind: 'query',
    description: 'What a replacement or unscheduled dispensing needs: the code it is recorded under, how many kits, suggested kits (earliest expiry first).',
    input: z.object({ request: ExtraRequest }).strict(),
    output: z.object({
      patientId: z.number().int(),
      screeningNumber: z.string(),
      kind: z.enum(['replacement', 'unscheduled']),
      visitCode: z.string(),
      forVisit: z.string().nullable(),
      replacedKit: z.string().nullable(),
      kitsNeeded: z.number().int(),
      suggestions: z.array(z.string()),
      shortage: z.boolean(),
      kitsByType: z.array(KitsOfTypeView),
    }),
    access: 'dispensing.perform',
    signature: null,
    key: 'required',
    examples: [{ request: unscheduled }],
  }),
  checkKit: channel({
    kind: 'query',
    description: 'The verdict on one scanned kit for a replacement or an unscheduled dispensing.',
    input: z.object({ request: ExtraRequest, code: ScanCode, alreadyScanned: z.array(KitNumber).max(10), source: ScanSource }).strict(),
    output: KitVerdict,
    access: 'dispensing.perform',
    signature: null,
    key: 'required',
    examples: [{ request: unscheduled, code: EXAMPLE_KIT.forVisit, alreadyScanned: [], source: 'scanner' }],
  }),
  confirm: channel({
    kind: 'command',
    description: 'Give the scanned kits as a replacement or an unscheduled dispensing, with the reason: the dispensing, its kits and the audit event are one transaction.',
    input: signedInput({ request: ExtraRequest, kits: z.array(z.object({ kitNumber: KitNumber, source: ScanSource }).strict()).min(1).max(10), reason: Reason }),
    output: z.object({ dispensingId: z.number().int(), visitCode: z.string(), kits: z.array(z.string()), patient: PatientView, signature: SignatureView }),
    access: 'dispensing.perform',
    signature: 'I dispense these kits to this patient outside the visit plan, for the reason given',
    key: 'required',
    examples: [
      {
        request: unscheduled,
        kits: [{ kitNumber: EXAMPLE_KIT.forVisit, source: 'scanner' }],
        reason: 'Dose ordered by the investigator between visits',
        signature: { username: 'pharmacist', password: EXAMPLE_PASSWORD },
      },
    ],
  }),
};
