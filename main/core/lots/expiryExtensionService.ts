import { compareKitNumbers } from '../../../shared/allocation/kitOrder';
import { VeilError } from '../../../shared/errors';
import { DATED_STATUSES } from '../../../shared/kits/expiryHold';
import type { StudyConfig } from '../../../shared/study/studyConfig';
import type { AllocationRepository } from '../allocation/allocationRepository';
import { openedForAnalysis } from '../allocation/openedKit';
import type { UseBeforeService } from '../allocation/useBeforeService';
import type { AuditTrail } from '../audit/auditTrail';
import type { CallActor } from '../callers';
import { seal, sealedField } from '../crypto/allocationCipher';
import type { Store } from '../db/store';
import type { KitRepository } from '../kits/kitRepository';
import type { Signer, SignatureService } from '../signatures/signatureService';
import type { OverLabelService } from './overLabelService';

/**
 * Expiry extension from the sponsor's letter (issue 16, item 2): the kits of a real lot get the new real expiry, sealed
 * with the allocation key, in one signed unit of work. What blinded users see follows the blinding-risk rules, re-run
 * over every kit with the new date: while real dates reveal arms, the common date in force stays on the blinded labels
 * (the pharmacist moves it through the use-before review); otherwise the lot's kits on the shelf take the new date as
 * their use-before date, and those on the shelf an over-label to print with it. The kits' sealed version is bumped, so every UnsealedStock index rebuilds with the new date.
 */
export class ExpiryExtensionService {
  constructor(
    private readonly store: Store,
    private readonly allocation: AllocationRepository,
    private readonly kits: KitRepository,
    private readonly useBefore: UseBeforeService,
    private readonly signatures: SignatureService,
    private readonly audit: AuditTrail,
    private readonly study: () => StudyConfig,
    private readonly overLabels: OverLabelService,
  ) {}

  async extend(
    key: Buffer,
    signer: Signer,
    actor: CallActor,
    input: { lot: string; newExpiry: string; letterReference: string },
  ): Promise<{ kits: string[]; useBeforeChanged: string[]; overLabels: string[]; expiryReveals: boolean; signatureId: number }> {
    const lot = input.lot.trim();
    const letter = input.letterReference.trim();
    return this.store.transaction(async () => {
      const ofLot = (await this.allocation.kits())
        .map((k) => ({ stored: k, opened: openedForAnalysis(key, k) }))
        .filter((k) => k.opened.lot === lot)
        .sort((a, b) => compareKitNumbers(a.stored.kitNumber, b.stored.kitNumber));
      if (ofLot.length === 0) throw VeilError.says('not_found', { key: 'lots.unknownLot', params: { lot } });
      const latest = ofLot.map((k) => k.opened.expiryDate).sort().at(-1)!;
      if (input.newExpiry <= latest) throw VeilError.says('conflict', { key: 'lots.extensionNotLater', params: { lot, date: input.newExpiry } });
      const kits = ofLot.map((k) => k.stored.kitNumber);
      for (const kitNumber of kits) await this.kits.setExpirySealed(kitNumber, seal(key, input.newExpiry, sealedField.kitExpiry(kitNumber)));
      await this.kits.bumpSealedVersion();
      const review = await this.useBefore.review(key);
      const useBeforeChanged: string[] = [];
      const changed: Array<{ kitNumber: string; status: string; useBefore: string }> = [];
      // Whether real dates reveal arms is decided per kit type (each type has its own common date); a lot is one type's.
      const reveals = (kitType: string | null) => (kitType === null ? review.expiryReveals : (review.byKitType?.find((r) => r.kitType === kitType)?.expiryReveals ?? false));
      const expiryReveals = ofLot.some((k) => reveals(k.stored.kitType));
      for (const k of ofLot) {
        if (reveals(k.stored.kitType) || !DATED_STATUSES.includes(k.stored.status) || k.stored.useBefore === input.newExpiry) continue;
        await this.allocation.setUseBefore(k.stored.kitNumber, input.newExpiry);
        useBeforeChanged.push(k.stored.kitNumber);
        changed.push({ kitNumber: k.stored.kitNumber, status: k.stored.status, useBefore: input.newExpiry });
      }
      // Blinded users read the trail: it names the letter and the kits whose blinded date moved (their labels change in
      // plain sight), never the lot's other kits. A one-arm lot's kits already given would otherwise put the patients
      // who received them in one arm; the letter names the lot for those who may read it.
      const signature = await this.signatures.record(signer, 'expiry_extension', letter, { action: 'lot.expiry_extended', letter, kits: useBeforeChanged });
      await this.audit.append(actor, {
        action: 'lot.expiry_extended',
        entityType: 'study',
        entityId: this.study().code,
        before: null,
        after: { letter, kits: useBeforeChanged },
        signatureId: signature.id,
      });
      // The kits on the shelf whose blinded date moved get an over-label with it (none when the date stays hidden).
      const overLabels = await this.overLabels.queueForNewDate(actor, signature.id, changed, { letter });
      return { kits, useBeforeChanged, overLabels, expiryReveals, signatureId: signature.id };
    });
  }
}
