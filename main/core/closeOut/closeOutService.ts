import { VeilError } from '../../../shared/errors';
import type { StudyConfig } from '../../../shared/study/studyConfig';
import type { AuditTrail } from '../audit/auditTrail';
import type { CallActor } from '../callers';
import { isoUtc, type Clock } from '../clock';
import type { Store } from '../db/store';
import type { KitRepository } from '../kits/kitRepository';
import type { ReconciliationService } from '../reconciliation/reconciliationService';
import type { SignatureService, Signer } from '../signatures/signatureService';
import type { UserRepository } from '../users/userRepository';
import type { CloseOutRepository } from './closeOutRepository';

/**
 * A study's close-out (issue 14, item 1). Closing needs what a monitor's close-out visit checks: the reconciliation
 * signed off with nothing changed since, and every kit back from its patient (returned, or recorded lost). Once closed,
 * the router refuses the study's commands (shared/contract/study.ts, OPEN_WHEN_STUDY_CLOSED) and every report still
 * reads. Closing and reopening are e-signed and audited; reopening says why.
 */
export class CloseOutService {
  constructor(
    private readonly store: Store,
    private readonly closures: CloseOutRepository,
    private readonly kits: KitRepository,
    private readonly reconciliation: ReconciliationService,
    private readonly audit: AuditTrail,
    private readonly signatures: SignatureService,
    private readonly users: UserRepository,
    private readonly clock: Clock,
    private readonly study: () => StudyConfig,
    /** The study in memory, or null before one is loaded (study() refuses then, with lists.noStudy). */
    private readonly loadedStudy: () => StudyConfig | null,
  ) {}

  /**
   * The closure in force, or null: what the router asks before every command. A new database with no study loaded yet
   * is not closed (its set-up commands, the allocation key first, come before any study).
   */
  async closedSince(): Promise<{ code: string; closedAt: string } | null> {
    const study = this.loadedStudy();
    if (!study) return null;
    const closure = await this.closures.inForce(study.code);
    return closure ? { code: study.code, closedAt: closure.closedAt } : null;
  }

  async view() {
    return this.store.transaction(async () => {
      const code = this.study().code;
      const closure = await this.closures.inForce(code);
      const closed = closure
        ? {
            closedAt: closure.closedAt,
            closedBy: (await this.users.byId(closure.closedBy))?.displayName ?? `user ${closure.closedBy}`,
            signature: await this.signatureView(closure.closeSignatureId),
          }
        : null;
      return { code, closed, readiness: await this.readiness() };
    });
  }

  async close(actor: CallActor, signer: Signer) {
    await this.store.transaction(async () => {
      const code = this.study().code;
      if (await this.closures.inForce(code)) throw VeilError.says('conflict', { key: 'study.alreadyClosed', params: { study: code } });
      const ready = await this.readiness();
      if (!ready.signOffHolds) throw VeilError.says('conflict', { key: 'study.closeNeedsSignOff', params: { study: code } });
      if (ready.kitsWithPatients > 0) throw VeilError.says('conflict', { key: 'study.closeKitsWithPatients', params: { study: code, count: ready.kitsWithPatients } });
      const closedAt = isoUtc(this.clock.now());
      const signature = await this.signatures.record(signer, 'study_closure', code, { action: 'study.closed', study: code, closedAt });
      await this.closures.close({ studyCode: code, closedAt, closedBy: actor.userId, signatureId: signature.id });
      await this.audit.append(actor, { action: 'study.closed', entityType: 'study', entityId: code, before: null, after: { closedAt }, signatureId: signature.id });
    });
    return this.view();
  }

  async reopen(actor: CallActor, signer: Signer, reason: string) {
    await this.store.transaction(async () => {
      const code = this.study().code;
      const closure = await this.closures.inForce(code);
      if (!closure) throw VeilError.says('conflict', { key: 'study.notClosed', params: { study: code } });
      const reopenedAt = isoUtc(this.clock.now());
      const signature = await this.signatures.record(signer, 'study_reopening', code, { action: 'study.reopened', study: code, reopenedAt, reason });
      await this.closures.reopen(closure.id, { reopenedAt, reopenedBy: actor.userId, signatureId: signature.id, reason });
      await this.audit.append(actor, {
        action: 'study.reopened',
        entityType: 'study',
        entityId: code,
        before: { closedAt: closure.closedAt },
        after: { reopenedAt },
        reason,
        signatureId: signature.id,
      });
    });
    return this.view();
  }

  /** What closing needs: the monitor's sign-off still holding, and how many kits are still with patients. */
  private async readiness() {
    const signOff = await this.reconciliation.signOffStatus();
    return { signOffHolds: signOff !== null && signOff.voidedBy === null, kitsWithPatients: (await this.kits.countsByStatus()).dispensed ?? 0 };
  }

  private async signatureView(id: number) {
    const s = (await this.signatures.byId(id))!;
    return { id: s.id, printedName: s.printedName, meaning: s.meaning, signedAtUtc: s.signedAtUtc };
  }
}
