import type { Migration } from './migration';

/** Step 5. Released: never edit (tests/integration/migrationChecksums.test.ts); add a new step instead. */
export const step05: Migration = {
  description: 'no key pair under a temporary password; wrong code-break passphrases counted per study',
  sqlite(db) {
    // DESIGN.md section 3, invariant 6: Veil used to make an unblinded user's key pair under the temporary password an
    // administrator chose, so that administrator could open the allocation key once a colleague granted access. A
    // user whose password must still change cannot have chosen the password their pair is sealed under: the pair and
    // every wrap made for it go. They are granted again after choosing their own password (the study set-up page
    // lists them as waiting for access).
    // Not written to the audit trail from here: events are hash-chained by AuditTrail with the application's clock,
    // and a migration step is frozen once released, so it must not depend on how the chain is written. What was
    // removed stays visible: the user is listed as waiting for access, and the original grant remains in the trail.
    // Wrong code-break passphrases are counted per study (the passphrase belongs to the study, not to a user), keyed
    // by study code today so that several studies in one database each get their own count.
    db.exec(`
      DELETE FROM key_wraps WHERE user_id IN (SELECT id FROM users WHERE must_change_password = 1);
      DELETE FROM user_keys WHERE user_id IN (SELECT id FROM users WHERE must_change_password = 1);
      CREATE TABLE code_break_attempts (
        study_code TEXT PRIMARY KEY,
        failed_attempts INTEGER NOT NULL DEFAULT 0 CHECK (failed_attempts >= 0),
        locked_until TEXT
      ) STRICT;
    `);
  },
  async postgres(client) {
    await client.query(`
      DELETE FROM key_wraps WHERE user_id IN (SELECT id FROM users WHERE must_change_password = 1);
      DELETE FROM user_keys WHERE user_id IN (SELECT id FROM users WHERE must_change_password = 1);
      CREATE TABLE code_break_attempts (
        study_code text PRIMARY KEY,
        failed_attempts integer NOT NULL DEFAULT 0 CHECK (failed_attempts >= 0),
        locked_until text
      );
    `);
  },
};
