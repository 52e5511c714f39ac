import type { ChannelOutput } from '../../../shared/contract';

export type ReconciliationAnswer = ChannelOutput<'reconciliation.view'>;
export type Reconciliation = ReconciliationAnswer['reconciliation'];
export type SignOff = ReconciliationAnswer['signOff'];
export type DiscrepancyComment = ReconciliationAnswer['comments'][number];
export type KitPage = ChannelOutput<'reconciliation.kits'>;
export type KitLine = KitPage['kits'][number];
export type LotLine = Reconciliation['lots'][number];
export type PatientLine = Reconciliation['patients'][number];
export type Discrepancy = KitLine['discrepancies'][number];
export type Whereabouts = KitLine['whereabouts'];
export type Destruction = ChannelOutput<'destruction.list'>[number];
export type DiscrepancyLine = Reconciliation['discrepancies'][number];
export type DestructionCandidate = ChannelOutput<'destruction.candidates'>[number];

export const KIT_STATUSES = ['expected', 'available', 'quarantined', 'dispensed', 'returned', 'pending_destruction', 'destroyed', 'damaged', 'lost', 'expired'] as const;
export type KitStatus = (typeof KIT_STATUSES)[number];

export function isKitStatus(value: string): value is KitStatus {
  return (KIT_STATUSES as readonly string[]).includes(value);
}

/** Audit actions that void a sign-off (ReconciliationService); others are named as they are. */
export const VOIDING_ACTIONS = ['kit.status_changed', 'return.recorded', 'return.edited', 'dispensing.confirmed', 'shipment.kit_received', 'destruction.recorded'] as const;
export type VoidingAction = (typeof VOIDING_ACTIONS)[number];

export function isVoidingAction(value: string): value is VoidingAction {
  return (VOIDING_ACTIONS as readonly string[]).includes(value);
}

/** The witness's meaning as the host stores it (DestructionService.WITNESS_MEANING). */
export const WITNESS_MEANING = 'I witnessed the destruction of these kits by the stated method';
