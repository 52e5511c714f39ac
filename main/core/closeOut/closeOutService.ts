import { VeilError } from '../../../shared/errors';
import type { StudyConfig } from '../../../shared/study/studyConfig';
import type { AuditTrail } from '../audit/auditTrail';
import type { CallActor } from '../callers';
import { isoUtc, type Clock } from '../clock';
import type { Store } from '../db/store';
import type { KitRepository } from '../kits/kitRepository';
import type { ReconciliationService } from '../reconciliation/reconciliationService';
import type { SignatureService, Signer } from '../signatures/signatureService';
import type { SiteMemory } from '../system/siteMemory';
import type { UserRepository } from '../users/userRepository';
import type { CloseOutRepository, StudyClosed } from './closeOutRepository';

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
    /** The study in memory (null before one is loaded) and its closure as last loaded. */
    private readonly site: SiteMemory,
  ) {}

  /**
   * The closure in force as the database has it now, or null. A new database with no study loaded yet is not closed
   * (its set-up commands, the allocation key first, come before any study).
   */
  async closedSince(): Promise<StudyClosed | null> {
    return this.closures.closedStudy(this.site.study()?.code);
  }

  /**
   * Runs a command of the study so that each of its units of work commits only while the study is still open: checked
   * in the transaction, just before the commit. The router refuses a closed study's commands from memory first (no
   * read per call); this catches the command that passed that check while another workstation was closing the study,
   * or before this one heard of it.
   */
  whileOpen<T>(work: () => Promise<T>): Promise<T> {
    return this.store.guarded(async () => {
      const closed = await this.closedSince();
      if (closed) throw studyClosedError(closed);
    }, work);
  }

  async view() {
    return this.store.transaction(async () => {
      const code = this.study().code;
      const closure = await this.closures.inForce(code);
      const closed = closure
        ? {
            closedAt: closure.closedAt,
            closedBy: (await this.users.byId(closure.closedBy))?.displayName ?? `user ${closure.closedBy}`,
            signatureId: closure.closeSignatureId,
            archivedAt: closure.archivedAt,
            archivedBy: closure.archivedBy === null ? null : ((await this.users.byId(closure.archivedBy))?.displayName ?? `user ${closure.archivedBy}`),
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
    await this.site.reload();
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
    await this.site.reload();
    return this.view();
  }

  /**
   * Archives the closed study: out of the study switcher's studies of the day and of the Today home, still reachable
   * (read-only, reportable) under the switcher's archived studies. Not signed (no record changes: it is where the study
   * is listed), audited. Reopening the study ends its closure, and with it the archive.
   */
  async archive(actor: CallActor) {
    await this.store.transaction(async () => {
      const code = this.study().code;
      const closure = await this.closures.inForce(code);
      if (!closure) throw VeilError.says('conflict', { key: 'study.archiveNeedsClosed', params: { study: code } });
      if (closure.archivedAt) throw VeilError.says('conflict', { key: 'study.alreadyArchived', params: { study: code, date: closure.archivedAt.slice(0, 10) } });
      const archivedAt = isoUtc(this.clock.now());
      await this.closures.setArchived(closure.id, archivedAt, actor.userId);
      await this.audit.append(actor, { action: 'study.archived', entityType: 'study', entityId: code, before: { archivedAt: null }, after: { archivedAt } });
    });
    await this.site.reload();
    return this.view();
  }

  /** Brings an archived study back into the day's lists (still closed). */
  async unarchive(actor: CallActor) {
    await this.store.transaction(async () => {
      const code = this.study().code;
      const closure = await this.closures.inForce(code);
      if (!closure?.archivedAt) throw VeilError.says('conflict', { key: 'study.notArchived', params: { study: code } });
      await this.closures.setArchived(closure.id, null, null);
      await this.audit.append(actor, { action: 'study.unarchived', entityType: 'study', entityId: code, before: { archivedAt: closure.archivedAt }, after: { archivedAt: null } });
    });
    await this.site.reload();
    return this.view();
  }

  /** What closing needs: the monitor's sign-off still holding, and how many kits are still with patients. */
  private async readiness() {
    const signOff = await this.reconciliation.signOffStatus();
    return { signOffHolds: signOff !== null && signOff.voidedBy === null, kitsWithPatients: await this.kits.countInStatus('dispensed') };
  }
}

/** The one refusal of a closed study's commands: which study, since when, read-only. */
export function studyClosedError(closed: StudyClosed): VeilError {
  return VeilError.says('conflict', { key: 'study.closed', params: { study: closed.code, date: closed.closedAt.slice(0, 10) } });
}
