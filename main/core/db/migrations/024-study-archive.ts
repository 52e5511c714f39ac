import type { Migration } from './migration';

/**
 * Step 24. A closed study archived (issue 14, item 1): moved out of the day's lists (the study switcher's studies of
 * the day, the Today home) and still reachable, read-only, under the switcher's archived studies. Archiving belongs to
 * the closure in force: reopening the study ends the closure and so brings it back; the closure's row keeps when and by
 * whom it was archived.
 */
export const step24: Migration = {
  description: 'a closed study archived: when and by whom, on its closure in force',
  sqlite(db) {
    db.exec(`
      ALTER TABLE study_closures ADD COLUMN archived_at TEXT;
      ALTER TABLE study_closures ADD COLUMN archived_by INTEGER REFERENCES users (id);
    `);
  },
  async postgres(client) {
    await client.query(`
      ALTER TABLE study_closures ADD COLUMN archived_at text;
      ALTER TABLE study_closures ADD COLUMN archived_by integer REFERENCES users (id);
    `);
  },
};
