import type { TypedKitForAnalysis } from '../../../shared/allocation/studyRisk';
import { open, sealedField } from '../crypto/allocationCipher';
import type { KitRowStored } from './allocationRepository';

/**
 * A stored kit with its sealed fields opened with the key: what the blinding-risk analysis reads of it. Its `arm` is
 * its sealed content (the arm itself in a study without kit types), compared with the other kits of its type.
 */
export function openedForAnalysis(key: Buffer, k: KitRowStored): TypedKitForAnalysis {
  return {
    kitNumber: k.kitNumber,
    kitType: k.kitType,
    arm: open(key, k.armSealed, sealedField.kitArm(k.kitNumber)),
    lot: open(key, k.lotSealed, sealedField.kitLot(k.kitNumber)),
    expiryDate: open(key, k.expirySealed, sealedField.kitExpiry(k.kitNumber)),
    gtin: k.gtinSealed === null ? null : open(key, k.gtinSealed, sealedField.kitGtin(k.kitNumber)),
    serial: k.serial,
  };
}
