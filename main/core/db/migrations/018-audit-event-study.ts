import type { Migration } from './migration';

/**
 * Step 18. Each audit event names its study (issue 14, item 1): the study's code for what happens in a study, null for
 * what is the site's (users, sessions, settings, storage, the cold chain; shared/audit/eventScope.ts). The hash covers
 * the study from here on, and only where there is one, so the events written before this step keep the content they
 * were hashed with and the chain stays valid without rewriting history (the table refuses updates anyway). Those
 * events name no study: in a database of one study, they are all of it.
 */
export const step18: Migration = {
  description: 'audit events: the study each names (null for site-wide events), indexed for the per-study trail',
  sqlite(db) {
    db.exec('ALTER TABLE audit_events ADD COLUMN study_code TEXT');
    db.exec('CREATE INDEX audit_events_study ON audit_events (study_code, seq)');
  },
  async postgres(client) {
    await client.query('ALTER TABLE audit_events ADD COLUMN study_code text');
    await client.query('CREATE INDEX audit_events_study ON audit_events (study_code, seq)');
  },
};
