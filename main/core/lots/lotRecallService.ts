import { compareKitNumbers } from '../../../shared/allocation/kitOrder';
import { contentKey, describeContent } from '../../../shared/study/kitContents';
import { VeilError } from '../../../shared/errors';
import type { StudyConfig } from '../../../shared/study/studyConfig';
import type { AllocationRepository } from '../allocation/allocationRepository';
import { openedForAnalysis } from '../allocation/openedKit';
import type { AuditTrail } from '../audit/auditTrail';
import type { CallActor } from '../callers';
import type { Store } from '../db/store';
import type { KitStatusService } from '../kits/kitStatusService';
import type { Signer, SignatureService } from '../signatures/signatureService';
import type { LotRepository } from './lotRepository';

export interface LotRecallPreview {
  lot: string;
  /** Kits of the lot on the shelf: the recall quarantines them. */
  toQuarantine: string[];
  /** Kits of the lot not yet received: the recall holds them in quarantine at receipt. */
  toHoldAtReceipt: string[];
  /** Kits of the lot already in quarantine: they stay there. */
  alreadyQuarantined: string[];
  /** Patients who received kits of the lot, in dispensing order. */
  patients: Array<{ screeningNumber: string; visitCode: string; kitNumber: string; dispensedAt: string }>;
  /** The arms of the lot's kits (unblinded only). */
  arms: Array<{ code: string; name: string; kits: number }>;
  /**
   * True when every kit the recall takes out of the stock is of one arm: blinded users see those kits quarantined
   * together, and so learn that they share an arm.
   */
  oneArmWarning: boolean;
}

/**
 * Lot recall (issue 16, item 2): the unblinded pharmacist gives the real lot of the sponsor's letter; every kit of it
 * still at the site leaves the dispensable stock in one unit of work, each change through KitStatusService with the
 * reason and the signature. The lot and the arms are read with the allocation key and never written in clear: the
 * events and the signature record carry kit numbers, the letter reference and the reason only, all of which blinded
 * users may read (the kit numbers quarantined are on their kit list anyway).
 */
export class LotRecallService {
  constructor(
    private readonly store: Store,
    private readonly lots: LotRepository,
    private readonly allocation: AllocationRepository,
    private readonly kitStatus: KitStatusService,
    private readonly signatures: SignatureService,
    private readonly audit: AuditTrail,
    private readonly study: () => StudyConfig,
  ) {}

  async preview(key: Buffer, lotGiven: string): Promise<LotRecallPreview> {
    const lot = lotGiven.trim();
    const opened = (await this.allocation.kits()).map((k) => ({ status: k.status, ...openedForAnalysis(key, k) }));
    const ofLot = opened.filter((k) => k.lot === lot).sort((a, b) => compareKitNumbers(a.kitNumber, b.kitNumber));
    if (ofLot.length === 0) throw VeilError.says('not_found', { key: 'lots.unknownLot', params: { lot } });
    const inStatus = (s: string) => ofLot.filter((k) => k.status === s).map((k) => k.kitNumber);
    const toQuarantine = inStatus('available');
    const toHoldAtReceipt = inStatus('expected');
    // Per arm, or per content of each type in a study with kit types (a lot of bottles A holding 4 mg only is one-arm
    // as much as a lot of one arm's kits: its patients are then known).
    const study = this.study();
    const count = new Map<string, { code: string; name: string; kits: number }>();
    for (const k of ofLot) {
      const line = contentKey(k.kitType, k.arm);
      const found = count.get(line);
      if (found) found.kits++;
      else count.set(line, { code: k.arm, name: describeContent(study, k.kitType, k.arm), kits: 1 });
    }
    const arms = [...count.values()].sort((a, b) => a.name.localeCompare(b.name));
    const leaving = new Set(ofLot.filter((k) => k.status === 'available' || k.status === 'expected').map((k) => contentKey(k.kitType, k.arm)));
    const given = (await this.lots.dispensingsOf(ofLot.map((k) => k.kitNumber))).sort(
      (a, b) => a.dispensedAt.localeCompare(b.dispensedAt) || compareKitNumbers(a.kitNumber, b.kitNumber),
    );
    return {
      lot,
      toQuarantine,
      toHoldAtReceipt,
      alreadyQuarantined: inStatus('quarantined'),
      patients: given.map((g) => ({ screeningNumber: g.screeningNumber, visitCode: g.visitCode, kitNumber: g.kitNumber, dispensedAt: g.dispensedAt })),
      arms,
      oneArmWarning: count.size === 1 || leaving.size === 1,
    };
  }

  /** Recalls the lot: its kits on the shelf quarantined, those expected held at receipt, signed and audited at once. */
  async recall(
    key: Buffer,
    signer: Signer,
    actor: CallActor,
    input: { lot: string; letterReference: string; reason: string },
  ): Promise<{ quarantined: string[]; heldAtReceipt: string[]; signatureId: number }> {
    return this.store.transaction(async () => {
      const preview = await this.preview(key, input.lot);
      if (preview.toQuarantine.length === 0 && preview.toHoldAtReceipt.length === 0) {
        throw VeilError.says('conflict', { key: 'lots.nothingToRecall', params: { lot: preview.lot } });
      }
      const reason = input.reason.trim();
      const letter = input.letterReference.trim();
      // Kit numbers, the letter and the reason: no lot, no arm (blinded users read the signature record with the trail).
      const record = { action: 'lot.recalled', letter, kits: preview.toQuarantine, heldAtReceipt: preview.toHoldAtReceipt, reason };
      const signature = await this.signatures.record(signer, 'lot_recall', letter, record);
      for (const kitNumber of preview.toQuarantine) {
        await this.kitStatus.change(actor, kitNumber, 'quarantined', reason, { signatureId: signature.id, context: { recall: letter } });
      }
      for (const kitNumber of preview.toHoldAtReceipt) await this.allocation.setExpiryHold(kitNumber);
      await this.audit.append(actor, {
        action: 'lot.recalled',
        entityType: 'study',
        entityId: this.study().code,
        before: null,
        after: { letter, quarantined: preview.toQuarantine, heldAtReceipt: preview.toHoldAtReceipt },
        reason,
        signatureId: signature.id,
      });
      return { quarantined: preview.toQuarantine, heldAtReceipt: preview.toHoldAtReceipt, signatureId: signature.id };
    });
  }
}
