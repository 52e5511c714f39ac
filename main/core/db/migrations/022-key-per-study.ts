import type { Migration } from './migration';

/**
 * Step 22. One allocation key per study (issue 14, docs/multi-study-plan.md step 4): each study's data key is wrapped
 * for the unblinded users delegated to it and under its own code-break passphrase, so a wrap names its study and the
 * same holder ("user:7", "emergency") has one wrap per study. The user's key pair (`user_keys`) stays the person's,
 * site-wide: one pair opens the wraps of every study they were granted.
 *
 * Carried over: the wraps of a database that holds a study are its first study's, the only one its key ever sealed.
 * A database with wraps but no study (a new site that made its key and stopped before loading the study) keeps
 * none: its key sealed nothing, since lists are imported into a loaded study only, and a key now belongs to a study,
 * so it is made again once the study is loaded (the `allocation.key_set_up` event of the old one stays in the trail).
 */
export const step22: Migration = {
  description: 'key_wraps name their study: one wrap per study and holder; the first study keeps the wraps it had',
  rebuildsTables: true,
  sqlite(db) {
    db.exec(`
      CREATE TABLE key_wraps_per_study (
        holder TEXT NOT NULL,
        user_id INTEGER REFERENCES users (id),
        wrap_json TEXT NOT NULL,
        granted_by INTEGER REFERENCES users (id),
        created_at TEXT NOT NULL,
        study_id INTEGER NOT NULL REFERENCES studies (id),
        PRIMARY KEY (study_id, holder)
      ) STRICT;
      INSERT INTO key_wraps_per_study (holder, user_id, wrap_json, granted_by, created_at, study_id)
        SELECT holder, user_id, wrap_json, granted_by, created_at, (SELECT min(id) FROM studies) FROM key_wraps
        WHERE EXISTS (SELECT 1 FROM studies);
      DROP TABLE key_wraps;
      ALTER TABLE key_wraps_per_study RENAME TO key_wraps;
      CREATE INDEX key_wraps_user ON key_wraps (user_id);
    `);
  },
  async postgres(client) {
    await client.query(`
      ALTER TABLE key_wraps ADD COLUMN study_id integer REFERENCES studies (id);
      UPDATE key_wraps SET study_id = (SELECT min(id) FROM studies);
      DELETE FROM key_wraps WHERE study_id IS NULL;
      ALTER TABLE key_wraps ALTER COLUMN study_id SET NOT NULL;
      ALTER TABLE key_wraps DROP CONSTRAINT key_wraps_pkey;
      ALTER TABLE key_wraps ADD PRIMARY KEY (study_id, holder);
      CREATE INDEX key_wraps_user ON key_wraps (user_id);
    `);
  },
};
