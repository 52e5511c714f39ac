import { z } from 'zod';
import { channel } from './channel';
import { Empty, RoleSchema } from './schemas';

/**
 * The Today home (issue 14, item 3): what waits for the caller, per study, each item a count and the screen that
 * resolves it (the renderer maps the kind to its screen). Every item is one the caller may already count on the screen
 * it links to, so each comes only with the permission of that screen (main/core/today/todayHandlers.ts). Blinded
 * callers get totals; the two unblinded items (kits reaching the do-not-dispense margin by their real expiry, arms
 * short of stock) come only with the unblinded permission and the allocation key, and name no arm.
 */
const Count = z.number().int().nonnegative();

export const TodayItem = z.discriminatedUnion('kind', [
  /** Randomized patients whose next visit's window is open today. */
  z.object({ kind: z.literal('visits_in_window'), count: Count }),
  /** Randomized patients whose next visit's window closed before today, not dispensed. */
  z.object({ kind: z.literal('visits_overdue'), count: Count }),
  /** Shipments not closed yet: kits to scan in or the temperature answer to give. */
  z.object({ kind: z.literal('shipments_to_receive'), count: Count }),
  /** Kits in quarantine, waiting for the pharmacist's decision. */
  z.object({ kind: z.literal('kits_quarantined'), count: Count }),
  /** Available kits whose label's use-before date is on or before `until` (blinded: the date every reader sees). */
  z.object({ kind: z.literal('kits_reaching_use_before'), count: Count, until: z.string().date() }),
  /**
   * Available kits that dispensing refuses from some day up to `until` on: their real expiry falls within the
   * do-not-dispense margin of that day (unblinded; no arm). Kits already refused today count too.
   */
  z.object({ kind: z.literal('kits_reaching_margin'), count: Count, until: z.string().date(), marginDays: z.number().int() }),
  /** Kits still with a patient that should be back: the patient came to a later visit, or the return is overdue. */
  z.object({ kind: z.literal('returns_to_record'), count: Count }),
  /** Returns recorded that the monitor has not verified yet. */
  z.object({ kind: z.literal('returns_to_verify'), count: Count }),
  /** The reconciliation is not signed off, or something changed since its sign-off (`changedKits` since then). */
  z.object({ kind: z.literal('reconciliation_sign_off'), signedBefore: z.boolean(), changedKits: Count }),
  /** Blinded stock: kits available and kits the next 4 weeks' visits need, in total (stock.forecast's figures). */
  z.object({ kind: z.literal('stock_totals'), onHand: Count, needed: Count }),
  /** Unblinded stock: how many arms the stock on hand will not cover for the next 4 weeks' visits (no arm named). */
  z.object({ kind: z.literal('stock_arms_short'), count: Count }),
]);
export type TodayItemKind = z.infer<typeof TodayItem>['kind'];

export const TodayView = z.object({
  today: z.string().date(),
  /**
   * The caller's studies today, the one the session works in first. `role`: the caller's role in that study (the items
   * are those it may see; a link to another study's screen switches to that study first). `closedAt`: the study is
   * closed (issue 14, item 1), read-only, and nothing waits in it: no item.
   */
  studies: z.array(z.object({ code: z.string(), title: z.string(), role: RoleSchema, closedAt: z.string().nullable(), items: z.array(TodayItem) })),
});

export const todayChannels = {
  view: channel({
    kind: 'query',
    description:
      "What waits for the caller today, per study: visits in their window and overdue, shipments to receive, kits in quarantine or near their date, returns to record or verify, the reconciliation's sign-off, and stock for the next 4 weeks (totals for blinded users; arms short only for the unblinded, with the key). Only the items the caller's role may see.",
    input: Empty,
    output: TodayView,
    access: 'session',
    signature: null,
    key: 'ifHeld',
    examples: [{}],
  }),
};
