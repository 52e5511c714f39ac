import { VeilError } from '../../../shared/errors';
import { ROLE_IS_BLINDED, type Role } from '../../../shared/roles';
import type { UserSummary } from '../../../shared/contract/users';
import { hashPassword } from '../auth/passwords';
import type { AuthService } from '../auth/authService';
import type { AuditTrail } from '../audit/auditTrail';
import type { KeyCustodyService } from '../allocation/keyCustodyService';
import { isoUtc, type Clock } from '../clock';
import type { Store } from '../db/store';
import type { UserRepository, UserRow } from './userRepository';
import type { DelegationService } from '../delegations/delegationService';

export function toUserSummary(user: UserRow, now: Date): UserSummary {
  const locked = user.lockedUntil && new Date(user.lockedUntil) > now ? user.lockedUntil : null;
  return {
    id: user.id,
    username: user.username,
    displayName: user.displayName,
    role: user.role,
    blinded: ROLE_IS_BLINDED[user.role],
    active: user.active,
    lockedUntil: locked,
    mustChangePassword: user.mustChangePassword,
    createdAt: user.createdAt,
  };
}

/** Administrators' user management. */
export class UserService {
  constructor(
    private readonly store: Store,
    private readonly users: UserRepository,
    private readonly auth: AuthService,
    private readonly clock: Clock,
    private readonly audit: AuditTrail,
    private readonly custody: KeyCustodyService,
    private readonly delegations: DelegationService,
  ) {}

  private async actor(actingUserId: number) {
    const acting = await this.users.byId(actingUserId);
    // Only the administrator manages accounts (users.manage): the site role.
    return { userId: actingUserId, username: acting?.username ?? `user ${actingUserId}`, role: 'administrator' as const };
  }

  async list(): Promise<UserSummary[]> {
    const now = this.clock.now();
    return (await this.users.list()).map((u) => toUserSummary(u, now));
  }

  async create(actingUserId: number, input: { username: string; displayName: string; role: Role; temporaryPassword: string }): Promise<UserSummary> {
    const passwordHash = await hashPassword(input.temporaryPassword);
    const id = await this.store.transaction(async () => {
      if (await this.users.byUsername(input.username)) throw VeilError.says('conflict', { key: 'users.usernameTaken', params: { username: input.username } });
      const newId = await this.users.insert({ ...input, passwordHash, mustChangePassword: true, createdAt: isoUtc(this.clock.now()) });
      const actor = await this.actor(actingUserId);
      await this.audit.append(actor, {
        action: 'user.created',
        entityType: 'user',
        entityId: input.username,
        after: { displayName: input.displayName, role: input.role, mustChangePassword: true },
      });
      await this.delegations.withNewAccount(actor, { id: newId, username: input.username, role: input.role });
      return newId;
    });
    // No key pair yet, even for an unblinded role: it is made when the user replaces this temporary password with their
    // own (DESIGN.md section 3, invariant 6), and only then can a colleague grant access.
    return this.summary(id);
  }

  async setActive(actingUserId: number, input: { userId: number; active: boolean; reason: string }): Promise<UserSummary> {
    const user = await this.store.transaction(async () => {
      const user = await this.require(input.userId);
      if (!input.active && user.id === actingUserId) throw VeilError.says('conflict', { key: 'users.cannotDeactivateSelf' });
      await this.users.setActive(user.id, input.active);
      await this.audit.append(await this.actor(actingUserId), {
        action: input.active ? 'user.reactivated' : 'user.deactivated',
        entityType: 'user',
        entityId: user.username,
        before: { active: user.active },
        after: { active: input.active },
        reason: input.reason,
      });
      return user;
    });
    if (!input.active) await this.auth.endSessionsOf(user.id);
    return this.summary(user.id);
  }

  /** Returns the user and whether they lost allocation-key access (an unblinded user must grant it again). */
  async resetPassword(actingUserId: number, input: { userId: number; temporaryPassword: string; reason: string }): Promise<UserSummary & { keyAccessRemoved: boolean }> {
    const user = await this.require(input.userId);
    const passwordHash = await hashPassword(input.temporaryPassword);
    const keyAccessRemoved = await this.store.transaction(async () => {
      await this.users.setPassword(user.id, passwordHash, true);
      // The key pair and its wraps go: nothing may stay that the temporary password could open.
      const removed = await this.custody.revokeOnReset(user.id);
      await this.audit.append(await this.actor(actingUserId), {
        action: 'user.password_reset',
        entityType: 'user',
        entityId: user.username,
        after: { mustChangePassword: true, allocationKeyAccessRemoved: removed },
        reason: input.reason,
      });
      return removed;
    });
    await this.auth.endSessionsOf(user.id);
    return { ...(await this.summary(user.id)), keyAccessRemoved };
  }

  private async require(id: number): Promise<UserRow> {
    const user = await this.users.byId(id);
    if (!user) throw VeilError.says('not_found', { key: 'users.noSuchUser', params: { id } });
    return user;
  }

  private async summary(id: number): Promise<UserSummary> {
    return toUserSummary(await this.require(id), this.clock.now());
  }
}
