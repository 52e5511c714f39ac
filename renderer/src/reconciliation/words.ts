import type { TFunction } from 'i18next';
import { isKitStatus, isVoidingAction, type Discrepancy } from './types';

/** A kit status in words; one Veil does not know, as it is. */
export function kitStatusWord(status: string, t: TFunction): string {
  return isKitStatus(status) ? t(`reconciliation.kitStatus.${status}`) : status;
}

/** The audit action that voided a sign-off, in words. */
export function voidingActionWord(action: string, t: TFunction): string {
  return isVoidingAction(action) ? t(`reconciliation.voidingAction.${action}`) : action;
}

/** What the voiding event was about: a kit, a patient or a destruction, in words. */
export function voidingEntityWord(action: string, entityId: string, t: TFunction): string {
  if (action === 'dispensing.confirmed') return t('reconciliation.voidingEntity.patient', { id: entityId });
  if (action === 'destruction.recorded') return t('reconciliation.voidingEntity.destruction', { id: entityId });
  if (action.startsWith('kit.') || action.startsWith('return.') || action === 'shipment.kit_received') return t('reconciliation.voidingEntity.kit', { id: entityId });
  return entityId;
}

/** A kind of discrepancy in words. */
export function discrepancyWord(kind: Discrepancy, t: TFunction): string {
  return t(`reconciliation.discrepancy.${kind}`);
}
