import { VeilError } from '../../../shared/errors';
import { KIT_TRANSITIONS, checkTransition, type KitStatus } from '../../../shared/kits/kitLifecycle';
import type { Role } from '../../../shared/roles';
import type { AuditActor, AuditTrail } from '../audit/auditTrail';
import type { KitRepository } from './kitRepository';

/**
 * The one place a kit's status changes: checks the lifecycle table (shared/kits/kitLifecycle.ts) for the role and
 * the reason, writes the status and its audit event. Callers run it inside their own unit of work (store.transaction).
 */
export class KitStatusService {
  constructor(
    private readonly kits: KitRepository,
    private readonly audit: AuditTrail,
  ) {}

  async change(
    actor: AuditActor & { role: Role },
    kitNumber: string,
    to: KitStatus,
    reason: string | null,
    extra: { source?: string; signatureId?: number | null; context?: Record<string, unknown> } = {},
  ): Promise<void> {
    const kit = await this.kits.get(kitNumber);
    if (!kit) throw new VeilError('not_found', `There is no kit ${kitNumber} in the kit list.`);
    const check = checkTransition(kit.status, to, actor.role, reason);
    if (!check.ok) throw new VeilError('conflict', `Kit ${kitNumber}: ${check.message}`);
    await this.kits.setStatus(kitNumber, to);
    await this.audit.append(actor, {
      action: 'kit.status_changed',
      entityType: 'kit',
      entityId: kitNumber,
      before: { status: kit.status },
      after: { status: to, step: check.transition.step, ...extra.context },
      reason,
      source: extra.source ?? null,
      signatureId: extra.signatureId ?? null,
    });
  }

  /**
   * A change Veil makes by itself, with no user (the expiry sweep): only transitions the table marks `bySystem`,
   * audited as the user "system" from the source 'system'.
   */
  async changeBySystem(kitNumber: string, to: KitStatus, reason: string, context: Record<string, unknown>): Promise<void> {
    const kit = await this.kits.get(kitNumber);
    if (!kit) throw new VeilError('not_found', `There is no kit ${kitNumber} in the kit list.`);
    const transition = KIT_TRANSITIONS.find((t) => t.from === kit.status && t.to === to && t.bySystem);
    if (!transition) throw new VeilError('conflict', `Kit ${kitNumber}: Veil does not make a ${kit.status} kit ${to} by itself.`);
    await this.kits.setStatus(kitNumber, to);
    await this.audit.append(SYSTEM_ACTOR, {
      action: 'kit.status_changed',
      entityType: 'kit',
      entityId: kitNumber,
      before: { status: kit.status },
      after: { status: to, step: transition.step, ...context },
      reason,
      source: 'system',
      signatureId: null,
    });
  }
}

/** Who the audit trail names for what Veil does by itself. */
export const SYSTEM_ACTOR: AuditActor = { userId: null, username: 'system' };
