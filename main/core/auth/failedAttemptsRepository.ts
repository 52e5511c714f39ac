import type { Db } from '../db/database';

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

/** All SQL about counting wrong secrets and lockouts (users' columns failed_logins / locked_until, code_break_attempts). */
export class FailedAttemptsRepository {
  constructor(private readonly db: Db) {}

  state(subject: CredentialSubject): FailedAttempts {
    const row =
      subject.kind === 'user'
        ? (this.db.prepare('SELECT failed_logins AS failedAttempts, locked_until AS lockedUntil FROM users WHERE id = ?').get(subject.userId) as FailedAttempts | undefined)
        : (this.db.prepare('SELECT failed_attempts AS failedAttempts, locked_until AS lockedUntil FROM code_break_attempts WHERE study_code = ?').get(subject.study) as
            | FailedAttempts
            | undefined);
    return row ?? { failedAttempts: 0, lockedUntil: null };
  }

  /** Adds one wrong secret and answers the new count (one statement, so two windows guessing at once both count). */
  addFailure(subject: CredentialSubject): number {
    const row =
      subject.kind === 'user'
        ? (this.db.prepare('UPDATE users SET failed_logins = failed_logins + 1 WHERE id = ? RETURNING failed_logins AS n').get(subject.userId) as { n: number })
        : (this.db
            .prepare(
              `INSERT INTO code_break_attempts (study_code, failed_attempts) VALUES (?, 1)
               ON CONFLICT(study_code) DO UPDATE SET failed_attempts = failed_attempts + 1 RETURNING failed_attempts AS n`,
            )
            .get(subject.study) as { n: number });
    return row.n;
  }

  /** Locks until the given time and starts a fresh count for after it. */
  lock(subject: CredentialSubject, until: string): void {
    if (subject.kind === 'user') this.db.prepare('UPDATE users SET failed_logins = 0, locked_until = ? WHERE id = ?').run(until, subject.userId);
    else this.db.prepare('UPDATE code_break_attempts SET failed_attempts = 0, locked_until = ? WHERE study_code = ?').run(until, subject.study);
  }

  /** A right secret: the count starts again. */
  clear(subject: CredentialSubject): void {
    if (subject.kind === 'user') this.db.prepare('UPDATE users SET failed_logins = 0, locked_until = NULL WHERE id = ?').run(subject.userId);
    else this.db.prepare('UPDATE code_break_attempts SET failed_attempts = 0, locked_until = NULL WHERE study_code = ?').run(subject.study);
  }
}
