import { z } from 'zod';
import { KIT_STATUSES } from '../kits/kitLifecycle';
import { AuditEventView, AuditSeal } from './audit';
import { channel } from './channel';
import { EXAMPLE_KIT } from './examples';
import { ScanCode } from './pharmacy';

/**
 * A kit's whole story (issue 16, item 4): one page per kit, scanned or typed, with every event of the audit trail that
 * concerns it in time order (list import, receipt, status changes with who and why, dispensing, labels, return,
 * reconciliation comments, destruction) and each signature. Blinded readers get the kit as labelled (blinded lot,
 * use-before date); the unblinded version adds the arm, the real lot and the real expiry date.
 */
const KitStoryInput = z.object({ code: ScanCode }).strict();

const KitFacts = z.object({
  kitNumber: z.string(),
  /** The kit type's name as printed on the kit and its label ("Bottle A"); null in a study without kit types. */
  kitType: z.string().nullable(),
  status: z.enum(KIT_STATUSES),
  blindedLot: z.string(),
  useBefore: z.string(),
  listFile: z.string(),
  listImportedAt: z.string(),
  /** The patient the kit was last given to and at which visit; the dispensing that replaced it, if the patient lost it. */
  givenTo: z.object({ patientId: z.number().int(), screeningNumber: z.string(), visitCode: z.string(), replacedBy: z.string().nullable() }).nullable(),
});

const KitStory = z.object({ kit: KitFacts, events: z.array(AuditEventView), seal: AuditSeal });
const UnblindedKitStory = z.object({
  kit: KitFacts.extend({ arm: z.string(), armCode: z.string(), lot: z.string(), expiry: z.string() }),
  events: z.array(AuditEventView),
  seal: AuditSeal,
});
const StoryFile = z.object({ fileName: z.string(), mime: z.string(), base64: z.string() });

export const kitStoryChannels = {
  view: channel({
    kind: 'query',
    description: "A kit's whole story, blinded: the kit as labelled and every event that concerns it, in time order, with signatures.",
    input: KitStoryInput,
    output: KitStory,
    access: 'inventory.read',
    signature: null,
    examples: [{ code: EXAMPLE_KIT.dispensed }],
  }),
  viewUnblinded: channel({
    kind: 'query',
    description: "A kit's whole story with its arm, real lot and real expiry date (the unblinded pharmacist).",
    input: KitStoryInput,
    output: UnblindedKitStory,
    access: 'reports.unblinded',
    signature: null,
    key: 'required',
    examples: [{ code: EXAMPLE_KIT.dispensed }],
  }),
  print: channel({
    kind: 'query',
    description: "A kit's blinded story as a PDF with the audit seal.",
    input: KitStoryInput,
    output: StoryFile,
    access: 'inventory.read',
    signature: null,
    examples: [{ code: EXAMPLE_KIT.dispensed }],
  }),
  printUnblinded: channel({
    kind: 'query',
    description: "A kit's unblinded story (arm, real lot and expiry) as a PDF with the audit seal.",
    input: KitStoryInput,
    output: StoryFile,
    access: 'reports.unblinded',
    signature: null,
    key: 'required',
    examples: [{ code: EXAMPLE_KIT.dispensed }],
  }),
};
