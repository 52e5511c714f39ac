import type { VeilClient } from '../../../shared/contract/client';

export type VisitPlan = Awaited<ReturnType<VeilClient['dispensing']['plan']>>;
export type KitVerdict = Awaited<ReturnType<VeilClient['dispensing']['checkKit']>>;
export type Refusal = Extract<KitVerdict, { ok: false }>['reason'];
export type Dispensed = Awaited<ReturnType<VeilClient['dispensing']['confirm']>>;
export type WindowPosition = VisitPlan['window'];
