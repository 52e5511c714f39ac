import type { VeilClient } from '../../../shared/contract/client';

export type LabelQueueItem = Awaited<ReturnType<VeilClient['labels']['queue']>>[number];
export type LabelKind = LabelQueueItem['kind'];
export type LabelPreviewData = Awaited<ReturnType<VeilClient['labels']['preview']>>;
export type PrinterJob = Awaited<ReturnType<VeilClient['devices']['printLabel']>>['job'];

export const LABEL_KINDS: readonly LabelKind[] = ['carton', 'syringe'];

/** The print record of one label of one kit (null: the queue did not list it yet). */
export interface LabelPrintState {
  prints: number;
  lastPrintedAt: string | null;
}
