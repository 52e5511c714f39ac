import { VeilError } from '../../../shared/errors';
import { ROLE_IS_BLINDED, ROLE_PERMISSIONS } from '../../../shared/roles';
import type { SessionState } from '../../../shared/contract/session';
import { isoUtc, type Clock } from '../clock';
import type { Db } from '../db/database';
import type { SettingsRepository } from '../system/settingsRepository';
import type { UserRepository, UserRow } from '../users/userRepository';
import type { AuditTrail } from '../audit/auditTrail';
import type { KeyCustodyService } from '../allocation/keyCustodyService';
import { hashPassword, verifyPassword } from './passwords';
import type { SessionTable } from './sessions';

/** A scrypt hash of nothing anyone knows: unknown usernames cost the same time as known ones. */
const DECOY_HASH = 'scrypt$32768$8$1$AAAAAAAAAAAAAAAAAAAAAA==$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=';

export type SessionListener = (windowId: string, state: SessionState) => void;

/** Login, logout, lock, unlock, first administrator, own password: everything a window's session goes through. */
export class AuthService {
  private readonly listeners: SessionListener[] = [];

  constructor(
    private readonly db: Db,
    private readonly users: UserRepository,
    private readonly settings: SettingsRepository,
    private readonly sessions: SessionTable,
    private readonly clock: Clock,
    private readonly audit: AuditTrail,
    private readonly custody: KeyCustodyService,
  ) {}

  /** Called whenever a window's session changes without the window asking (inactivity, deactivation). */
  onSessionChanged(listener: SessionListener): void {
    this.listeners.push(listener);
  }

  state(windowId: string): SessionState {
    const session = this.sessions.get(windowId);
    const user = session && this.users.byId(session.userId);
    if (!session || !user) return { state: 'logged_out', needsAdministrator: this.users.count() === 0 };
    const sessionUser = {
      id: user.id,
      username: user.username,
      displayName: user.displayName,
      role: user.role,
      blinded: ROLE_IS_BLINDED[user.role],
      mustChangePassword: user.mustChangePassword,
    };
    if (session.state === 'locked') return { state: 'locked', user: sessionUser, lockedAt: isoUtc(session.lockedAt ?? session.since) };
    return {
      state: 'active',
      user: sessionUser,
      permissions: [...ROLE_PERMISSIONS[user.role]],
      inactivityMinutes: this.settings.security().inactivityMinutes,
      since: isoUtc(session.since),
    };
  }

  async createAdministrator(windowId: string, input: { username: string; displayName: string; password: string }): Promise<SessionState> {
    const passwordHash = await hashPassword(input.password);
    this.db.transaction(() => {
      // Checked inside the write transaction so two windows racing on first start cannot both create one.
      if (this.users.count() > 0) throw new VeilError('conflict', 'An administrator already exists. Log in instead.');
      const id = this.users.insert({
        username: input.username,
        displayName: input.displayName,
        role: 'administrator',
        passwordHash,
        mustChangePassword: false,
        createdAt: isoUtc(this.clock.now()),
      });
      this.audit.append(
        { userId: id, username: input.username },
        { action: 'user.created', entityType: 'user', entityId: input.username, after: { displayName: input.displayName, role: 'administrator' }, reason: 'First start: administrator account' },
      );
      this.sessions.start(windowId, id);
    })();
    return this.state(windowId);
  }

  async login(windowId: string, input: { username: string; password: string }): Promise<SessionState> {
    const refused = new VeilError('unauthenticated', 'Wrong username or password.');
    const user = this.users.byUsername(input.username.toLowerCase());
    const matches = await verifyPassword(input.password, user?.passwordHash ?? DECOY_HASH);
    if (!user) {
      this.record(null, input.username, 'session.login_failed', { cause: 'unknown username' });
      throw refused;
    }
    const now = this.clock.now();
    if (user.lockedUntil && new Date(user.lockedUntil) > now) throw this.lockedOut(user);
    if (!user.active) throw new VeilError('forbidden', 'This account is deactivated. Ask an administrator.');
    if (!matches) {
      const { maxFailedLogins, lockoutMinutes } = this.settings.security();
      const failures = user.failedLogins + 1;
      if (failures >= maxFailedLogins) {
        const until = new Date(now.getTime() + lockoutMinutes * 60_000);
        this.db.transaction(() => {
          this.users.recordFailedLogin(user.id, 0, isoUtc(until));
          this.record(user.id, user.username, 'user.locked_out', { failedLogins: failures, lockedUntil: isoUtc(until) });
        })();
        throw this.lockedOut({ ...user, lockedUntil: isoUtc(until) });
      }
      this.db.transaction(() => {
        this.users.recordFailedLogin(user.id, failures, null);
        this.record(user.id, user.username, 'session.login_failed', { cause: 'wrong password', failedLogins: failures });
      })();
      const left = maxFailedLogins - failures;
      throw new VeilError(
        'unauthenticated',
        `Wrong username or password. ${left} ${left === 1 ? 'attempt' : 'attempts'} left before the account is locked.`,
      );
    }
    this.db.transaction(() => {
      this.users.clearFailedLogins(user.id);
      this.record(user.id, user.username, 'session.login', {});
    })();
    this.sessions.start(windowId, user.id);
    await this.custody.openForSession(windowId, user.id, user.role, input.password);
    return this.state(windowId);
  }

  private lockedOut(user: UserRow): VeilError {
    const until = new Date(user.lockedUntil!);
    const minutes = Math.max(1, Math.ceil((until.getTime() - this.clock.now().getTime()) / 60_000));
    return new VeilError(
      'forbidden',
      `Too many wrong passwords: this account is locked for ${minutes} more ${minutes === 1 ? 'minute' : 'minutes'}. An administrator can unlock it by resetting the password.`,
    );
  }

  /** Login events are audited in their own small transaction (or the caller's). */
  private record(userId: number | null, username: string, action: string, after: Record<string, unknown>): void {
    const write = () => this.audit.append({ userId, username }, { action, entityType: 'user', entityId: username, after });
    if (this.db.inTransaction) write();
    else this.db.transaction(write)();
  }

  logout(windowId: string): SessionState {
    const session = this.sessions.get(windowId);
    const user = session && this.users.byId(session.userId);
    if (user) this.record(user.id, user.username, 'session.logout', {});
    this.sessions.end(windowId);
    return this.state(windowId);
  }

  lock(windowId: string): SessionState {
    this.sessions.lock(windowId);
    return this.state(windowId);
  }

  async unlock(windowId: string, password: string): Promise<SessionState> {
    const session = this.sessions.get(windowId);
    const user = session && this.users.byId(session.userId);
    if (!session || !user) throw new VeilError('unauthenticated', 'Nobody is logged in to this window.');
    if (!(await verifyPassword(password, user.passwordHash))) {
      throw new VeilError('unauthenticated', `Wrong password for ${user.displayName}. Someone else? Log out and log in as yourself.`);
    }
    if (!user.active) {
      this.sessions.end(windowId);
      throw new VeilError('forbidden', 'This account is deactivated. Ask an administrator.');
    }
    this.sessions.unlock(windowId);
    await this.custody.openForSession(windowId, user.id, user.role, password);
    return this.state(windowId);
  }

  async changePassword(windowId: string, userId: number, input: { currentPassword: string; newPassword: string }): Promise<SessionState> {
    const user = this.users.byId(userId);
    if (!user) throw new VeilError('not_found', 'Your account no longer exists.');
    if (!(await verifyPassword(input.currentPassword, user.passwordHash))) {
      throw new VeilError('validation', 'The current password is wrong.', [{ path: ['currentPassword'], message: 'Wrong password' }]);
    }
    if (input.newPassword === input.currentPassword) {
      throw new VeilError('validation', 'Choose a new password different from the current one.', [
        { path: ['newPassword'], message: 'Same as the current password' },
      ]);
    }
    const passwordHash = await hashPassword(input.newPassword);
    const resealed = await this.custody.resealForNewPassword(user.id, input.currentPassword, input.newPassword);
    this.db.transaction(() => {
      this.users.setPassword(user.id, passwordHash, false);
      if (resealed) this.custody.saveResealed(user.id, resealed);
      this.record(user.id, user.username, 'user.password_changed', {});
    })();
    return this.state(windowId);
  }

  /** Locks every window idle for longer than the inactivity setting; run by a timer and before every call. */
  lockIdleWindows(): void {
    for (const windowId of this.sessions.idleWindows(this.settings.security().inactivityMinutes)) {
      this.sessions.lock(windowId);
      this.notify(windowId);
    }
  }

  /** Ends every session of a user (deactivation, password reset). */
  endSessionsOf(userId: number): void {
    for (const windowId of this.sessions.windowsOf(userId)) {
      this.sessions.end(windowId);
      this.notify(windowId);
    }
  }

  private notify(windowId: string): void {
    const state = this.state(windowId);
    for (const listener of this.listeners) listener(windowId, state);
  }
}
