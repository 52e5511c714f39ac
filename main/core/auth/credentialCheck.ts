import { VeilError } from '../../../shared/errors';
import type { AuditActor, AuditTrail } from '../audit/auditTrail';
import { isoUtc, type Clock } from '../clock';
import type { Store } from '../db/store';
import type { SettingsRepository } from '../system/settingsRepository';
import type { UserRepository, UserRow } from '../users/userRepository';
import type { CredentialSubject, FailedAttemptsRepository } from './failedAttemptsRepository';
import { verifyPassword } from './passwords';
import type { SessionTable } from './sessions';

/** Every place a secret is re-entered (DESIGN.md section 4); named in the audit event of each failure. */
export type CredentialPoint = 'login' | 'unlock' | 'signature' | 'register' | 'password_change' | 'witness' | 'code_break';

/**
 * The refusal a caller gives for a wrong secret while the account is not locked yet, in its own words.
 * `left`: wrong attempts left before the lockout; null when the named account does not exist (say nothing about it).
 */
export type WrongSecret = (left: number | null) => VeilError;

/** A scrypt hash of nothing anyone knows: unknown usernames cost the same time as known ones. */
const DECOY_HASH = 'scrypt$32768$8$1$AAAAAAAAAAAAAAAAAAAAAA==$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=';

interface Attempt {
  point: CredentialPoint;
  /** Who typed the secret (the audit actor). */
  by: AuditActor;
  /** Whose failures count, the first one named in the failure event. */
  subjects: CredentialSubject[];
  /** The window the secret was typed in: locked when this attempt locks out its own user. */
  windowId: string | null;
  wrong: WrongSecret;
}

type Outcome = { kind: 'right' } | { kind: 'wrong'; left: number } | { kind: 'locked'; subject: CredentialSubject; newlyLockedUsers: number[] };

export const userSubject = (user: { id: number; username: string }): CredentialSubject => ({ kind: 'user', userId: user.id, username: user.username });
const codeBreakSubject = (study: string): CredentialSubject => ({ kind: 'code_break', study });

/**
 * The one credential check: login, unlock, e-signature, the register's password, password change, the destruction
 * witness and the code-break passphrase all go through it. Failures are counted per user (and per study for the
 * code-break passphrase); reaching the security setting's maximum locks for its lockout minutes, during which even
 * the right secret is refused; every failure and every lockout is an audit event, written in its own transaction so
 * the refusal that follows cannot roll it back. A lockout also locks the window it happened in when that window is
 * the locked-out user's own session (someone there has just failed N times): its key is wiped, and its unlock is
 * refused until the lockout ends or an administrator resets the password.
 */
export class CredentialCheck {
  private readonly windowLockedListeners: Array<(windowId: string) => Promise<void>> = [];

  constructor(
    private readonly store: Store,
    private readonly attempts: FailedAttemptsRepository,
    private readonly users: UserRepository,
    private readonly settings: SettingsRepository,
    private readonly sessions: SessionTable,
    private readonly clock: Clock,
    private readonly audit: AuditTrail,
  ) {}

  /** Told when a lockout locked a window, so the window hears of it (session.changed). */
  onWindowLocked(listener: (windowId: string) => Promise<void>): void {
    this.windowLockedListeners.push(listener);
  }

  /** The logged-in user re-enters their own password in their window: unlock, e-signature, register, password change. */
  async ownPassword(windowId: string, user: UserRow, password: string, point: CredentialPoint, wrong: WrongSecret): Promise<void> {
    await this.attempt({ point, by: { userId: user.id, username: user.username }, subjects: [userSubject(user)], windowId, wrong }, async () =>
      (await verifyPassword(password, user.passwordHash)) ? true : null,
    );
  }

  /**
   * Someone names an account and types its password: a login (`by` null: nobody is logged in yet) or a destruction
   * witness (`by` the signer at the keyboard). An unknown name costs the same time and is recorded too.
   */
  async namedAccount(username: string, password: string, point: CredentialPoint, by: AuditActor | null, wrong: WrongSecret): Promise<UserRow> {
    const user = await this.users.byUsername(username.trim().toLowerCase());
    if (!user) {
      await verifyPassword(password, DECOY_HASH);
      await this.inOwnTransaction(async () => this.recordFailure(point, by ?? { userId: null, username }, { type: 'user', id: username }, 'unknown username', null));
      throw wrong(null);
    }
    await this.attempt({ point, by: by ?? { userId: user.id, username: user.username }, subjects: [userSubject(user)], windowId: null, wrong }, async () =>
      (await verifyPassword(password, user.passwordHash)) ? true : null,
    );
    return user;
  }

  /**
   * The code-break passphrase of a study, typed by a logged-in user: counted for the study (whoever types it) and for
   * the user. `open` answers the opened key, or null when the passphrase does not open it.
   */
  async codeBreakPassphrase<T>(study: string, by: { userId: number; username: string }, windowId: string | null, open: () => Promise<T | null>, wrong: WrongSecret): Promise<T> {
    return this.attempt({ point: 'code_break', by, subjects: [codeBreakSubject(study), userSubject({ id: by.userId, username: by.username })], windowId, wrong }, open);
  }

  /** When a user's lockout ends (null when not locked out now). */
  async lockedUntil(user: { id: number; username: string }): Promise<string | null> {
    return this.activeLock((await this.attempts.state(userSubject(user))).lockedUntil);
  }

  private async attempt<T>(a: Attempt, tryIt: () => Promise<T | null>): Promise<T> {
    if (this.store.insideUnitOfWork()) throw new Error('A credential check runs before the transaction it guards, so that its failure stays recorded.');
    const lockedBefore = await this.lockedSubject(a.subjects);
    if (lockedBefore) {
      // Refused without trying the secret: nothing is learnt from an attempt while locked out, and it is still recorded.
      await this.inOwnTransaction(async () => this.recordFailure(a.point, a.by, this.entityOf(a.subjects[0]!), 'locked out', null));
      throw await this.lockedError(lockedBefore);
    }
    const opened = await tryIt();
    const outcome = await this.inOwnTransaction(async (): Promise<Outcome> => {
      // Checked again after the slow hash: another window may have locked the account meanwhile.
      const lockedNow = await this.lockedSubject(a.subjects);
      if (lockedNow) {
        await this.recordFailure(a.point, a.by, this.entityOf(a.subjects[0]!), 'locked out', null);
        return { kind: 'locked', subject: lockedNow, newlyLockedUsers: [] };
      }
      if (opened !== null) {
        for (const subject of a.subjects) if ((await this.attempts.state(subject)).failedAttempts > 0) await this.attempts.clear(subject);
        return { kind: 'right' };
      }
      const counts: Array<{ subject: CredentialSubject; failedAttempts: number }> = [];
      for (const subject of a.subjects) counts.push({ subject, failedAttempts: await this.attempts.addFailure(subject) });
      await this.recordFailure(a.point, a.by, this.entityOf(a.subjects[0]!), a.point === 'code_break' ? 'wrong passphrase' : 'wrong password', counts[0]!.failedAttempts);
      const { maxFailedLogins, lockoutMinutes } = await this.settings.security();
      const until = isoUtc(new Date(this.clock.now().getTime() + lockoutMinutes * 60_000));
      const reached = counts.filter((c) => c.failedAttempts >= maxFailedLogins);
      for (const { subject, failedAttempts } of reached) {
        await this.attempts.lock(subject, until);
        await this.recordLockout(a, subject, failedAttempts, until);
      }
      if (reached.length > 0) {
        const newlyLockedUsers = reached.flatMap(({ subject }) => (subject.kind === 'user' ? [subject.userId] : []));
        return { kind: 'locked', subject: reached[0]!.subject, newlyLockedUsers };
      }
      return { kind: 'wrong', left: maxFailedLogins - Math.max(...counts.map((c) => c.failedAttempts)) };
    });
    if (outcome.kind === 'right') return opened!;
    if (outcome.kind === 'wrong') throw a.wrong(outcome.left);
    if (a.windowId !== null) await this.lockWindowOf(a.windowId, outcome.newlyLockedUsers);
    throw await this.lockedError(outcome.subject);
  }

  private async lockWindowOf(windowId: string, lockedOutUsers: number[]): Promise<void> {
    const session = this.sessions.get(windowId);
    if (!session || !lockedOutUsers.includes(session.userId)) return;
    this.sessions.lock(windowId);
    for (const listener of this.windowLockedListeners) await listener(windowId);
  }

  private async lockedSubject(subjects: CredentialSubject[]): Promise<CredentialSubject | undefined> {
    for (const subject of subjects) if (this.activeLock((await this.attempts.state(subject)).lockedUntil) !== null) return subject;
    return undefined;
  }

  private activeLock(lockedUntil: string | null): string | null {
    return lockedUntil !== null && new Date(lockedUntil) > this.clock.now() ? lockedUntil : null;
  }

  private async lockedError(subject: CredentialSubject): Promise<VeilError> {
    const until = new Date((await this.attempts.state(subject)).lockedUntil!);
    const minutes = Math.max(1, Math.ceil((until.getTime() - this.clock.now().getTime()) / 60_000));
    return VeilError.says('forbidden', { key: subject.kind === 'code_break' ? 'allocation.codeBreakLocked' : 'allocation.lockedOut', params: { count: minutes } });
  }

  /** What an attempt is recorded against: the user whose password it was, or the study whose code-break passphrase (naming it). */
  private entityOf(subject: CredentialSubject): { type: string; id: string; study?: string } {
    return subject.kind === 'user' ? { type: 'user', id: subject.username } : { type: 'study', id: subject.study, study: subject.study };
  }

  /** One event per failed attempt, never aggregated: login failures keep their action, the others name their check. */
  private async recordFailure(point: CredentialPoint, by: AuditActor, entity: { type: string; id: string; study?: string }, cause: string, failedAttempts: number | null): Promise<void> {
    await this.audit.append(by, {
      action: point === 'login' ? 'session.login_failed' : 'credential.failed',
      entityType: entity.type,
      entityId: entity.id,
      ...(entity.study ? { study: entity.study } : {}),
      after: { check: point, cause, ...(failedAttempts === null ? {} : { failedAttempts }) },
    });
  }

  private async recordLockout(a: Attempt, subject: CredentialSubject, failedAttempts: number, lockedUntil: string): Promise<void> {
    const entity = this.entityOf(subject);
    await this.audit.append(a.by, {
      action: subject.kind === 'user' ? 'user.locked_out' : 'code_break.locked_out',
      entityType: entity.type,
      entityId: entity.id,
      ...(entity.study ? { study: entity.study } : {}),
      after: { check: a.point, failedAttempts, lockedUntil },
    });
  }

  /** Its own unit of work: the refusal that follows cannot roll it back. */
  private inOwnTransaction<T>(write: () => Promise<T>): Promise<T> {
    return this.store.transaction(write);
  }
}
