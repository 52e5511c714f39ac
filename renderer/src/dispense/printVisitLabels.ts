import { VeilError } from '../../../shared/errors';
import { client } from '../transport/client';
import type { LabelKind, PrinterJob } from '../labels/labelTypes';

/** One label of the visit and what sending it did. */
export type VisitLabelOutcome = { kitNumber: string; kind: LabelKind } & ({ ok: true; job: PrinterJob } | { ok: false; error: VeilError });

/**
 * Sends every label of a visit still to print to the label printer chosen for its kind, one after the other, through
 * the same call as each label's own "Send to printer" (devices.printLabel): the print recording, reprint rule and
 * audit stay where they are. A label counts as printed when its job is `printed` (the printer took it); a queued or
 * failed job stays on the label's card, to retry. One failure does not stop the others.
 */
export async function printVisitLabels(labels: ReadonlyArray<{ kitNumber: string; kind: LabelKind }>, onEach?: (outcome: VisitLabelOutcome) => void): Promise<VisitLabelOutcome[]> {
  const outcomes: VisitLabelOutcome[] = [];
  for (const label of labels) {
    let outcome: VisitLabelOutcome;
    try {
      const { job } = await client.devices.printLabel({ kitNumber: label.kitNumber, kind: label.kind });
      outcome = { ...label, ok: true, job };
    } catch (caught) {
      outcome = { ...label, ok: false, error: caught instanceof VeilError ? caught : new VeilError('internal', caught instanceof Error ? caught.message : String(caught)) };
    }
    outcomes.push(outcome);
    onEach?.(outcome);
  }
  return outcomes;
}
