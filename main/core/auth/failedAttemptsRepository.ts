import type { Store } from '../db/store';

/**
 * Whose wrong secrets are counted: a user account (its password, wherever it is typed), or a study's code-break
 * passphrase (one envelope per study, so the count is per study, keyed by its code while a database holds one study).
 */
export type CredentialSubject = { kind: 'user'; userId: number; username: string } | { kind: 'code_break'; study: string };

export interface FailedAttempts {
  /** Wrong secrets since the last right one or the last lockout. */
  failedAttempts: number;
  /** While in the future, every attempt is refused, right or wrong. */
  lockedUntil: string | null;
}

/**
 * All SQL about counting wrong secrets and lockouts (users' columns failed_logins / locked_until, code_break_attempts),
 * on the Store (issue 13, item 2).
 */
export class FailedAttemptsRepository {
  constructor(private readonly store: Store) {}

  async state(subject: CredentialSubject): Promise<FailedAttempts> {
    const q = this.store.q();
    const row =
      subject.kind === 'user'
        ? await q.selectFrom('users').select(['failed_logins as failedAttempts', 'locked_until as lockedUntil']).where('id', '=', subject.userId).executeTakeFirst()
        : await q.selectFrom('code_break_attempts').select(['failed_attempts as failedAttempts', 'locked_until as lockedUntil']).where('study_code', '=', subject.study).executeTakeFirst();
    return row ?? { failedAttempts: 0, lockedUntil: null };
  }

  /** Adds one wrong secret and answers the new count (one statement, so two windows guessing at once both count). */
  async addFailure(subject: CredentialSubject): Promise<number> {
    const q = this.store.q();
    const row =
      subject.kind === 'user'
        ? await q
            .updateTable('users')
            .set((eb) => ({ failed_logins: eb('failed_logins', '+', 1) }))
            .where('id', '=', subject.userId)
            .returning('failed_logins as n')
            .executeTakeFirstOrThrow()
        : await q
            .insertInto('code_break_attempts')
            .values({ study_code: subject.study, failed_attempts: 1 })
            .onConflict((oc) => oc.column('study_code').doUpdateSet((eb) => ({ failed_attempts: eb('code_break_attempts.failed_attempts', '+', 1) })))
            .returning('failed_attempts as n')
            .executeTakeFirstOrThrow();
    return Number(row.n);
  }

  /** Locks until the given time and starts a fresh count for after it. */
  async lock(subject: CredentialSubject, until: string): Promise<void> {
    const q = this.store.q();
    if (subject.kind === 'user') await q.updateTable('users').set({ failed_logins: 0, locked_until: until }).where('id', '=', subject.userId).execute();
    else await q.updateTable('code_break_attempts').set({ failed_attempts: 0, locked_until: until }).where('study_code', '=', subject.study).execute();
  }

  /** A right secret: the count starts again. */
  async clear(subject: CredentialSubject): Promise<void> {
    const q = this.store.q();
    if (subject.kind === 'user') await q.updateTable('users').set({ failed_logins: 0, locked_until: null }).where('id', '=', subject.userId).execute();
    else await q.updateTable('code_break_attempts').set({ failed_attempts: 0, locked_until: null }).where('study_code', '=', subject.study).execute();
  }
}
