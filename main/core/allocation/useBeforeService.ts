import { analyzeBlindingRisk, type KitForAnalysis } from '../../../shared/allocation/blindingRisk';
import { compareKitNumbers } from '../../../shared/allocation/kitOrder';
import { VeilError } from '../../../shared/errors';
import { DATED_STATUSES, EXPIRY_HOLD_REASON, expiryRulesOn } from '../../../shared/kits/expiryHold';
import { openedForAnalysis } from './openedKit';
import { localDate } from '../../../shared/schedule/visitSchedule';
import type { StudyConfig } from '../../../shared/study/studyConfig';
import type { AuditActor, AuditTrail } from '../audit/auditTrail';
import type { KitStatusService } from '../kits/kitStatusService';
import type { Role } from '../../../shared/roles';
import type { Clock } from '../clock';
import type { Store } from '../db/store';
import type { Signer, SignatureService } from '../signatures/signatureService';
import type { OverLabelService } from '../lots/overLabelService';
import type { AllocationRepository, KitRowStored } from './allocationRepository';
import { describeContent, hasKitTypes, kitTypeCodes, kitTypeName } from '../../../shared/study/kitContents';

export interface UseBeforeReview {
  /** Whether real expiry dates reveal arms, so that blinded users see one common date (DESIGN.md section 3.4). */
  expiryReveals: boolean;
  /** The blinded dates the dated kits carry now, earliest first (one, when the common date is in force). */
  inForce: string[];
  /** The common date the dispensable stock calls for today; null when expiry dates do not reveal arms. */
  proposed: string | null;
  /** True when a date in force is already short-dated (past, or within the do-not-dispense margin). */
  inForceShortDated: boolean;
  /** The kits whose blinded date, and so whose label, changes on confirmation. */
  changes: Array<{ kitNumber: string; status: string; from: string; to: string }>;
  /** Available kits whose real expiry is short-dated: the confirmation quarantines them (held for expiry review). */
  toHold: string[];
  /** Kits held or to be held for expiry review, with what only the unblinded may see. */
  held: Array<{ kitNumber: string; armCode: string; armName: string; expiryDate: string; status: string }>;
  /**
   * A study with kit types: the review of each type, decided on its own kits (each type has its own common date, as
   * at import: shared/allocation/studyRisk.ts); the fields above then gather them, and `proposed` is null. Each type's
   * date is confirmed on its own (`confirm` with its kit type).
   */
  byKitType?: Array<UseBeforeReview & { kitType: string; kitTypeName: string }>;
}

/**
 * The common blinded use-before date after the import (issue 11, item 1). It is the earliest real expiry of the
 * dispensable stock: kits expected or available, not held, and not short-dated today. As that stock changes (kits
 * held at receipt, dispensed, expired) the date the stock calls for moves; it never moves by itself on blinded screens
 * and labels. The unblinded pharmacist reviews the move, sees which kits' labels change, and confirms it with an
 * e-signature. Until then the date last confirmed stays in force; a kit whose date in force is short-dated is held at
 * receipt and refused at dispensing, so no label is printed with a date already past.
 */
export class UseBeforeService {
  constructor(
    private readonly store: Store,
    private readonly allocation: AllocationRepository,
    private readonly audit: AuditTrail,
    private readonly signatures: SignatureService,
    private readonly kitStatus: KitStatusService,
    private readonly clock: Clock,
    private readonly study: () => StudyConfig,
    private readonly overLabels: OverLabelService,
  ) {}

  async review(key: Buffer): Promise<UseBeforeReview> {
    const study = this.study();
    const stored = await this.allocation.kits();
    if (!hasKitTypes(study)) return this.reviewOf(key, stored);
    const byKitType = kitTypeCodes(study).map((kitType) => ({
      ...this.reviewOf(key, stored.filter((k) => k.kitType === kitType)),
      kitType: kitType!,
      kitTypeName: kitTypeName(study, kitType)!,
    }));
    const byDate = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
    return {
      expiryReveals: byKitType.some((r) => r.expiryReveals),
      inForce: [...new Set(byKitType.flatMap((r) => r.inForce))].sort(byDate),
      proposed: null,
      inForceShortDated: byKitType.some((r) => r.inForceShortDated),
      changes: byKitType.flatMap((r) => r.changes).sort((a, b) => compareKitNumbers(a.kitNumber, b.kitNumber)),
      toHold: byKitType.flatMap((r) => r.toHold).sort(compareKitNumbers),
      held: byKitType.flatMap((r) => r.held).sort((a, b) => compareKitNumbers(a.kitNumber, b.kitNumber)),
      byKitType,
    };
  }

  /** The review of one population of kits: the whole stock without kit types, one type's kits otherwise. */
  private reviewOf(key: Buffer, stored: readonly KitRowStored[]): UseBeforeReview {
    const study = this.study();
    const today = localDate(this.clock.now());
    const margin = study.doNotDispenseMarginDays;
    const kits = stored.map((k) => ({
      stored: k,
      analysis: openedForAnalysis(key, k),
    }));
    const statusOf = new Map(stored.map((k) => [k.kitNumber, k.status]));
    const rules = expiryRulesOn(today, margin);
    const dispensable = (k: KitForAnalysis) => rules.countsForCommonDate(statusOf.get(k.kitNumber)!, k.expiryDate);
    const risk = analyzeBlindingRisk(
      kits.map((k) => k.analysis),
      study.code,
      { dispensable },
    );
    const dated = kits.filter((k) => DATED_STATUSES.includes(k.stored.status));
    const inForce = [...new Set(dated.map((k) => k.stored.useBefore))].sort();
    const proposed = risk.commonUseBefore;
    const changes =
      proposed === null
        ? []
        : dated
            .filter((k) => k.stored.useBefore !== proposed)
            .map((k) => ({ kitNumber: k.stored.kitNumber, status: k.stored.status, from: k.stored.useBefore, to: proposed }))
            .sort((a, b) => compareKitNumbers(a.kitNumber, b.kitNumber));
    // Kits in stock or in quarantine whose real expiry is short-dated today: never to be dispensed. The pharmacist sees
    // their arms here, to judge what their quarantine shows blinded users (one arm only: see shared/kits/expiryHold.ts).
    const held = dated
      .filter((k) => rules.isShortDated(k.analysis.expiryDate))
      .map((k) => ({ kitNumber: k.stored.kitNumber, armCode: k.analysis.arm, armName: describeContent(study, k.stored.kitType, k.analysis.arm), expiryDate: k.analysis.expiryDate, status: k.stored.status }))
      .sort((a, b) => compareKitNumbers(a.kitNumber, b.kitNumber));
    const toHold = held.filter((k) => k.status === 'available').map((k) => k.kitNumber);
    return {
      expiryReveals: risk.expiryReveals,
      inForce,
      proposed: risk.expiryReveals ? proposed : null,
      inForceShortDated: inForce.some((d) => rules.isShortDated(d)),
      changes: risk.expiryReveals ? changes : [],
      toHold: risk.expiryReveals ? toHold : [],
      held,
    };
  }

  /** The review a confirmation puts in force: the study's, or in a study with kit types the named type's (which it needs). */
  private async reviewToConfirm(key: Buffer, kitType: string | null): Promise<UseBeforeReview> {
    const study = this.study();
    if (!hasKitTypes(study)) {
      if (kitType !== null) throw VeilError.says('validation', { key: 'lists.useBeforeNoKitTypes', params: { study: study.code } });
      return this.review(key);
    }
    const types = kitTypeCodes(study);
    if (kitType === null || !types.includes(kitType)) throw VeilError.says('validation', { key: 'lists.useBeforeWhichKitType', params: { types: types.join(', ') } });
    return this.reviewOf(key, (await this.allocation.kits()).filter((k) => k.kitType === kitType));
  }

  /**
   * Puts the reviewed common date in force on every dated kit, and quarantines the available kits now short-dated (with
   * the one neutral reason of a hold at receipt), in one transaction with its signature and audit events. `useBefore`
   * is the date the pharmacist saw: if the stock has moved since, nothing changes and the review is asked for again.
   * Held kits take the common date too: they never come back to stock, and one date on every kit tells blinded users
   * nothing about which kits were held for their real expiry.
   */
  async confirm(
    key: Buffer,
    signer: Signer,
    actor: AuditActor & { role: Role },
    useBefore: string,
    kitType: string | null = null,
  ): Promise<{ useBefore: string; changes: UseBeforeReview['changes']; held: string[]; signatureId: number }> {
    // One unit of work of the Store (issue 13, item 2): the review is read again in it, so the stock cannot move
    // between the check and the write; the signature and audit collaborators are synchronous and run inside it.
    return this.store.transaction(async () => {
      const review = await this.reviewToConfirm(key, kitType);
      if (review.proposed === null) throw VeilError.says('conflict', { key: 'lists.useBeforeNoCommon' });
      if (review.proposed !== useBefore) throw VeilError.says('conflict', { key: 'lists.useBeforeStale', params: { proposed: review.proposed, given: useBefore } });
      if (review.changes.length === 0 && review.toHold.length === 0) throw VeilError.says('conflict', { key: 'lists.useBeforeInForce', params: { date: useBefore } });
      const record = { action: 'use_before.confirm', useBefore, ...(kitType ? { kitType } : {}), kits: review.changes.map((c) => c.kitNumber), held: review.toHold };
      const signature = await this.signatures.record(signer, 'use_before_confirmation', useBefore, record);
      for (const kitNumber of review.toHold) {
        await this.kitStatus.change(actor, kitNumber, 'quarantined', EXPIRY_HOLD_REASON, { signatureId: signature.id, context: { hold: 'expiry_review' } });
      }
      for (const change of review.changes) await this.allocation.setUseBefore(change.kitNumber, useBefore);
      const toHoldAtReceipt = review.held.filter((k) => k.status === 'expected');
      for (const k of toHoldAtReceipt) await this.allocation.setExpiryHold(k.kitNumber);
      // Kit numbers and dates only: both are on the kit list blinded users see; no arm, no real expiry. Kits still
      // expected that will be held at receipt are counted, as the import counts them.
      await this.audit.append(actor, {
        action: 'kits.use_before_confirmed',
        entityType: 'study',
        entityId: this.study().code,
        before: { useBefore: [...new Set(review.changes.map((c) => c.from))].sort() },
        // The kit type is printed on every kit: naming it tells nothing of an arm.
        after: { useBefore, ...(kitType ? { kitType } : {}), kits: record.kits, kitsHeldForExpiryReview: toHoldAtReceipt.length },
        signatureId: signature.id,
      });
      // The kits on the shelf carry a label with the old date: each gets an over-label with this one, held kits too.
      await this.overLabels.queueForNewDate(actor, signature.id, review.changes.map((c) => ({ kitNumber: c.kitNumber, status: c.status, useBefore })), { useBeforeConfirmed: useBefore });
      return { useBefore, changes: review.changes, held: review.toHold, signatureId: signature.id };
    });
  }
}
