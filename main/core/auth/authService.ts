import { issue, VeilError } from '../../../shared/errors';
import { ROLE_IS_BLINDED, ROLE_PERMISSIONS } from '../../../shared/roles';
import type { SessionState } from '../../../shared/contract/session';
import { isoUtc, type Clock } from '../clock';
import type { Store } from '../db/store';
import type { SiteMemory } from '../system/siteMemory';
import type { UserRepository } from '../users/userRepository';
import type { AuditTrail } from '../audit/auditTrail';
import type { KeyCustodyService } from '../allocation/keyCustodyService';
import type { CredentialCheck } from './credentialCheck';
import type { StudyRoles } from '../delegations/studyRole';
import { hashPassword } from './passwords';
import type { SessionTable } from './sessions';
import { inStudy } from '../study/callStudy';

export type SessionListener = (windowId: string, state: SessionState) => void;

/** Login, logout, lock, unlock, first administrator, own password: everything a window's session goes through. */
export class AuthService {
  private readonly listeners: SessionListener[] = [];

  constructor(
    private readonly store: Store,
    private readonly users: UserRepository,
    private readonly settings: SiteMemory,
    private readonly sessions: SessionTable,
    private readonly clock: Clock,
    private readonly audit: AuditTrail,
    private readonly custody: KeyCustodyService,
    private readonly credentials: CredentialCheck,
    private readonly studyRoles: StudyRoles,
  ) {
    // A lockout locked the window where the wrong secrets were typed: the window hears it like an inactivity lock.
    credentials.onWindowLocked((windowId) => this.notify(windowId));
  }

  /** Called whenever a window's session changes without the window asking (inactivity, deactivation). */
  onSessionChanged(listener: SessionListener): void {
    this.listeners.push(listener);
  }

  async state(windowId: string): Promise<SessionState> {
    const session = this.sessions.get(windowId);
    const user = session && (await this.users.byId(session.userId));
    const loggedOut = async (): Promise<SessionState> => ({ state: 'logged_out', needsAdministrator: (await this.users.count()) === 0 });
    if (!session || !user) return loggedOut();
    // The role is the delegation's for the current study today: a delegation that has ended ends the session too.
    const { role, refusal } = await this.studyRoles.of(user);
    if (!role) {
      // Ended here (the key goes with it), whoever asks first: the window's next call is told why.
      this.sessions.end(windowId, refusal);
      return loggedOut();
    }
    const sessionUser = {
      id: user.id,
      username: user.username,
      displayName: user.displayName,
      role,
      blinded: ROLE_IS_BLINDED[role],
      mustChangePassword: user.mustChangePassword,
    };
    if (session.state === 'locked') {
      return { state: 'locked', user: sessionUser, lockedAt: isoUtc(session.lockedAt ?? session.since), accountLockedUntil: await this.credentials.lockedUntil(user) };
    }
    const studies = await this.studyRoles.studiesOf(user);
    const current = this.settings.currentStudy();
    return {
      state: 'active',
      user: sessionUser,
      permissions: [...ROLE_PERMISSIONS[role]],
      inactivityMinutes: this.settings.security().inactivityMinutes,
      since: isoUtc(session.since),
      study: studies.find((s) => s.id === current?.id) ?? null,
      studies: studies.map(({ code, title, role, archived }) => ({ code, title, role, archived })),
    };
  }

  /**
   * The session works in another study from its next call: one the user works in today (any for the administrator).
   * A study the user is not delegated to, or that does not exist, gets the same answer, naming only the code typed.
   */
  async switchStudy(windowId: string, userId: number, code: string): Promise<SessionState> {
    const user = await this.users.byId(userId);
    // The user's role in that one study today (one read), not the list of all their studies.
    const target = this.settings.studies().find((s) => s.config.code === code);
    const study = user && target && (await this.studyRoles.in(user, { id: target.id, code })).role ? target : undefined;
    if (!study) throw VeilError.says('forbidden', { key: 'session.notDelegated', params: { study: code } });
    this.sessions.switchStudy(windowId, study.id);
    return inStudy(study.id, () => this.state(windowId));
  }

  async createAdministrator(windowId: string, input: { username: string; displayName: string; password: string }): Promise<SessionState> {
    const passwordHash = await hashPassword(input.password);
    const id = await this.store.transaction(async () => {
      // Checked inside the write transaction so two windows racing on first start cannot both create one.
      if ((await this.users.count()) > 0) throw VeilError.says('conflict', { key: 'session.administratorExists' });
      const id = await this.users.insert({
        username: input.username,
        displayName: input.displayName,
        role: 'administrator',
        passwordHash,
        mustChangePassword: false,
        createdAt: isoUtc(this.clock.now()),
      });
      await this.audit.append(
        { userId: id, username: input.username },
        { action: 'user.created', entityType: 'user', entityId: input.username, after: { displayName: input.displayName, role: 'administrator' }, reason: 'First start: administrator account' },
      );
      return id;
    });
    // The session starts once the account is committed (on PostgreSQL the unit of work may run more than once).
    this.sessions.start(windowId, id);
    return this.state(windowId);
  }

  async login(windowId: string, input: { username: string; password: string }): Promise<SessionState> {
    const user = await this.credentials.namedAccount(input.username, input.password, 'login', null, (left) =>
      left === null
        ? VeilError.says('unauthenticated', { key: 'session.wrongCredentials' })
        : VeilError.says('unauthenticated', { key: 'session.wrongCredentialsAttempts', params: { count: left } }),
    );
    if (!user.active) throw VeilError.says('forbidden', { key: 'session.deactivated' });
    // The session opens in the first study the user works in today, an archived one only when there is no other; with
    // none, the first study's refusal says why.
    const studies = await this.studyRoles.studiesOf(user);
    const studyId = (studies.find((s) => !s.archived) ?? studies[0])?.id ?? null;
    return inStudy(studyId, async () => {
      // Not delegated to the study (or no longer, or not yet): refused after the password, so the reason tells nobody
      // else whether the account exists.
      const { role, refusal } = await this.studyRoles.of(user);
      if (!role) throw refusal;
      await this.record(user.id, user.username, 'session.login', {});
      this.sessions.start(windowId, user.id, studyId);
      // The key of each study the user is unblinded in today: an account unblinded elsewhere holds none of this one.
      await this.custody.openForSession(windowId, user, input.password);
      return this.state(windowId);
    });
  }

  /** Login events are audited in their own small unit of work (or join the caller's). */
  private async record(userId: number | null, username: string, action: string, after: Record<string, unknown>): Promise<void> {
    await this.store.transaction(async () => {
      await this.audit.append({ userId, username }, { action, entityType: 'user', entityId: username, after });
    });
  }

  async logout(windowId: string): Promise<SessionState> {
    const session = this.sessions.get(windowId);
    const user = session && (await this.users.byId(session.userId));
    if (user) await this.record(user.id, user.username, 'session.logout', {});
    this.sessions.end(windowId);
    return this.state(windowId);
  }

  lock(windowId: string): Promise<SessionState> {
    this.sessions.lock(windowId);
    return this.state(windowId);
  }

  async unlock(windowId: string, password: string): Promise<SessionState> {
    const session = this.sessions.get(windowId);
    const user = session && (await this.users.byId(session.userId));
    if (!session || !user) throw VeilError.says('unauthenticated', { key: 'session.nobodyLoggedIn' });
    await this.credentials.ownPassword(
      windowId,
      user,
      password,
      'unlock',
      () => VeilError.says('unauthenticated', { key: 'session.wrongUnlockPassword', params: { name: user.displayName } }),
    );
    if (!user.active) {
      this.sessions.end(windowId);
      throw VeilError.says('forbidden', { key: 'session.deactivated' });
    }
    const { role, refusal } = await this.studyRoles.of(user);
    if (!role) {
      this.sessions.end(windowId);
      throw refusal;
    }
    this.sessions.unlock(windowId);
    await this.custody.openForSession(windowId, user, password);
    return this.state(windowId);
  }

  async changePassword(windowId: string, userId: number, input: { currentPassword: string; newPassword: string }): Promise<SessionState> {
    const user = await this.users.byId(userId);
    if (!user) throw VeilError.says('not_found', { key: 'session.accountGone' });
    await this.credentials.ownPassword(
      windowId,
      user,
      input.currentPassword,
      'password_change',
      () => VeilError.says('validation', { key: 'session.currentPasswordWrong' }, [issue(['currentPassword'], { key: 'fields.wrongPassword' })]),
    );
    if (input.newPassword === input.currentPassword) {
      throw VeilError.says('validation', { key: 'session.samePassword' }, [issue(['newPassword'], { key: 'fields.sameAsCurrent' })]);
    }
    const passwordHash = await hashPassword(input.newPassword);
    // An unblinded user's key pair is made here, under the first password of their own (DESIGN.md section 3, invariant 6).
    const keyPair = await this.custody.keyPairForNewPassword(user, input.currentPassword, input.newPassword);
    await this.store.transaction(async () => {
      await this.users.setPassword(user.id, passwordHash, false);
      await this.custody.saveKeyPairForNewPassword(user.id, keyPair);
      await this.record(user.id, user.username, 'user.password_changed', keyPair.kind === 'new' ? { keyPairCreated: true } : {});
    });
    return this.state(windowId);
  }

  /** Locks every window idle for longer than the inactivity setting; run by a timer and before every call. */
  async lockIdleWindows(): Promise<void> {
    // Locked at once, all of them; the windows hear of it after.
    const idle = this.sessions.idleWindows(this.settings.security().inactivityMinutes);
    for (const windowId of idle) this.sessions.lock(windowId);
    for (const windowId of idle) await this.notify(windowId);
  }

  /** Ends one window's session and tells the window (its user's delegation to the study has ended). */
  async endSession(windowId: string, because: VeilError): Promise<void> {
    this.sessions.end(windowId, because);
    await this.notify(windowId);
  }

  /** Ends every session of a user (deactivation, password reset, a delegation granted or ended). */
  async endSessionsOf(userId: number, because?: VeilError): Promise<void> {
    for (const windowId of this.sessions.windowsOf(userId)) {
      this.sessions.end(windowId, because);
      await this.notify(windowId);
    }
  }

  private async notify(windowId: string): Promise<void> {
    const state = await this.state(windowId);
    for (const listener of this.listeners) listener(windowId, state);
  }
}
