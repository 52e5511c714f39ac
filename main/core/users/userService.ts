import { VeilError } from '../../../shared/errors';
import { ROLE_IS_BLINDED, type Role } from '../../../shared/roles';
import type { UserSummary } from '../../../shared/contract/users';
import { hashPassword } from '../auth/passwords';
import type { AuthService } from '../auth/authService';
import { isoUtc, type Clock } from '../clock';
import type { Db } from '../db/database';
import type { UserRepository, UserRow } from './userRepository';

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
    private readonly db: Db,
    private readonly users: UserRepository,
    private readonly auth: AuthService,
    private readonly clock: Clock,
  ) {}

  list(): UserSummary[] {
    const now = this.clock.now();
    return this.users.list().map((u) => toUserSummary(u, now));
  }

  async create(input: { username: string; displayName: string; role: Role; temporaryPassword: string }): Promise<UserSummary> {
    const passwordHash = await hashPassword(input.temporaryPassword);
    const id = this.db.transaction(() => {
      if (this.users.byUsername(input.username)) throw new VeilError('conflict', `The username "${input.username}" is already taken.`);
      return this.users.insert({ ...input, passwordHash, mustChangePassword: true, createdAt: isoUtc(this.clock.now()) });
    })();
    return this.summary(id);
  }

  setActive(actingUserId: number, input: { userId: number; active: boolean }): UserSummary {
    const user = this.require(input.userId);
    if (!input.active && user.id === actingUserId) throw new VeilError('conflict', 'You cannot deactivate your own account.');
    this.users.setActive(user.id, input.active);
    if (!input.active) this.auth.endSessionsOf(user.id);
    return this.summary(user.id);
  }

  async resetPassword(input: { userId: number; temporaryPassword: string }): Promise<UserSummary> {
    const user = this.require(input.userId);
    this.users.setPassword(user.id, await hashPassword(input.temporaryPassword), true);
    this.auth.endSessionsOf(user.id);
    return this.summary(user.id);
  }

  private require(id: number): UserRow {
    const user = this.users.byId(id);
    if (!user) throw new VeilError('not_found', `There is no user with id ${id}.`);
    return user;
  }

  private summary(id: number): UserSummary {
    return toUserSummary(this.require(id), this.clock.now());
  }
}
