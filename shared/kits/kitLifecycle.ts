import type { Role } from '../roles';

/**
 * Kit statuses (after Oracle Clinical One's set, trimmed to a site; DESIGN.md section 5) and the one table of allowed
 * transitions: who may make each, and whether it needs a reason (every change off the normal path does).
 */
export const KIT_STATUSES = [
  'expected',
  'available',
  'quarantined',
  'dispensed',
  'returned',
  'pending_destruction',
  'destroyed',
  'damaged',
  'lost',
  'expired',
] as const;
export type KitStatus = (typeof KIT_STATUSES)[number];

export interface KitTransition {
  from: KitStatus;
  to: KitStatus;
  /** What the pharmacy calls this step. */
  step: string;
  roles: readonly Role[];
  needsReason: boolean;
  /** Made by Veil itself, with no user (the daily expiry sweep): KitStatusService.changeBySystem takes only these. */
  bySystem?: true;
  /**
   * The undoing of a mistake (a kit dispensed in error back to quarantine): rare enough that it does not make its
   * status one a kit may leave for stock again in NEVER_AVAILABLE_AGAIN (a dispensed kit still leaves the session's
   * index of stock; a scan of it is judged from the database).
   */
  undo?: true;
}

const PHARMACY: readonly Role[] = ['unblinded_pharmacist', 'pharmacy_technician'];
const PHARMACIST: readonly Role[] = ['unblinded_pharmacist'];

export const KIT_TRANSITIONS: readonly KitTransition[] = [
  { from: 'expected', to: 'available', step: 'received', roles: PHARMACY, needsReason: false },
  { from: 'expected', to: 'quarantined', step: 'received into quarantine', roles: PHARMACY, needsReason: true },
  { from: 'expected', to: 'damaged', step: 'received damaged', roles: PHARMACY, needsReason: true },
  { from: 'expected', to: 'lost', step: 'missing from the shipment', roles: PHARMACY, needsReason: true },
  { from: 'quarantined', to: 'available', step: 'released from quarantine', roles: PHARMACIST, needsReason: true },
  { from: 'quarantined', to: 'damaged', step: 'rejected after quarantine', roles: PHARMACIST, needsReason: true },
  { from: 'available', to: 'quarantined', step: 'quarantined', roles: PHARMACIST, needsReason: true },
  { from: 'available', to: 'dispensed', step: 'dispensed', roles: PHARMACIST, needsReason: false },
  { from: 'available', to: 'damaged', step: 'damaged on site', roles: PHARMACY, needsReason: true },
  { from: 'available', to: 'lost', step: 'lost on site', roles: PHARMACY, needsReason: true },
  { from: 'available', to: 'expired', step: 'expired', roles: PHARMACY, needsReason: false, bySystem: true },
  { from: 'dispensed', to: 'returned', step: 'returned by the patient', roles: PHARMACY, needsReason: false },
  { from: 'dispensed', to: 'lost', step: 'not returned by the patient', roles: PHARMACY, needsReason: true },
  { from: 'returned', to: 'pending_destruction', step: 'set aside for destruction', roles: PHARMACIST, needsReason: false },
  { from: 'expired', to: 'pending_destruction', step: 'set aside for destruction', roles: PHARMACIST, needsReason: false },
  { from: 'damaged', to: 'pending_destruction', step: 'set aside for destruction', roles: PHARMACIST, needsReason: false },
  { from: 'pending_destruction', to: 'destroyed', step: 'destroyed', roles: PHARMACIST, needsReason: false },
  // Kit exceptions (issue 16, item 1): a kit in quarantine expires like one on the shelf; a lost kit found again goes
  // to quarantine for the pharmacist's decision, never straight back to stock; a patient may damage a kit at home.
  { from: 'quarantined', to: 'expired', step: 'expired', roles: PHARMACY, needsReason: false, bySystem: true },
  { from: 'lost', to: 'quarantined', step: 'found again', roles: PHARMACY, needsReason: true },
  { from: 'dispensed', to: 'damaged', step: 'damaged by the patient', roles: PHARMACY, needsReason: true },
  { from: 'dispensed', to: 'quarantined', step: 'dispensed in error', roles: PHARMACIST, needsReason: true, undo: true },
];

/**
 * Statuses from which no path of KIT_TRANSITIONS leads back to 'available': a kit in one of them will never be
 * dispensed again (dispensed, destroyed, ...). Computed from the table, so a new transition (say, a lost kit found
 * again) changes it without anyone remembering to.
 */
export const NEVER_AVAILABLE_AGAIN: ReadonlySet<KitStatus> = new Set(
  KIT_STATUSES.filter((status) => {
    const reached = new Set<KitStatus>([status]);
    for (let grew = true; grew; ) {
      grew = false;
      for (const t of KIT_TRANSITIONS) {
        if (t.undo) continue;
        if (reached.has(t.from) && !reached.has(t.to)) {
          reached.add(t.to);
          grew = true;
        }
      }
    }
    return !reached.has('available');
  }),
);

/**
 * The statuses of the stock a suggestion draws from: kits expected in a shipment, on the shelf, or held in quarantine
 * (each may be dispensed after an ordinary step: received, released). A kit in any other status has left the stock;
 * it comes back, if ever, only through an exception (a lost kit found again, a kit dispensed in error), and then
 * through quarantine and a pharmacist's release. Late in a study most kits of the earliest expiry dates have left
 * (first expiry, first out): a draw that kept them would read them again at every refusal (issue 12).
 */
export const STOCK_STATUSES: ReadonlySet<KitStatus> = new Set<KitStatus>(['expected', 'available', 'quarantined']);

export type TransitionCheck = { ok: true; transition: KitTransition } | { ok: false; message: string };

export function checkTransition(from: KitStatus, to: KitStatus, role: Role, reason: string | null | undefined): TransitionCheck {
  const transition = KIT_TRANSITIONS.find((t) => t.from === from && t.to === to);
  if (!transition) return { ok: false, message: `A kit that is ${label(from)} cannot become ${label(to)}.` };
  if (!transition.roles.includes(role)) return { ok: false, message: `Your role may not mark a kit as ${transition.step}.` };
  if (transition.needsReason && !(reason && reason.trim().length >= 3)) {
    return { ok: false, message: `A kit ${transition.step} needs a reason.` };
  }
  return { ok: true, transition };
}

export function label(status: KitStatus): string {
  return status.replace('_', ' ');
}
