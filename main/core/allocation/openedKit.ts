import type { KitForAnalysis } from '../../../shared/allocation/blindingRisk';
import { open, sealedField } from '../crypto/allocationCipher';
import type { KitRowStored } from './allocationRepository';

/** A stored kit with its sealed fields opened with the key: what the blinding-risk analysis reads of it. */
export function openedForAnalysis(key: Buffer, k: KitRowStored): KitForAnalysis {
  return {
    kitNumber: k.kitNumber,
    arm: open(key, k.armSealed, sealedField.kitArm(k.kitNumber)),
    lot: open(key, k.lotSealed, sealedField.kitLot(k.kitNumber)),
    expiryDate: open(key, k.expirySealed, sealedField.kitExpiry(k.kitNumber)),
    gtin: k.gtinSealed === null ? null : open(key, k.gtinSealed, sealedField.kitGtin(k.kitNumber)),
    serial: k.serial,
  };
}
