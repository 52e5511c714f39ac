import type { Migration } from './migration';

/** Step 10. Released: never edit (tests/integration/migrationChecksums.test.ts); add a new step instead. */
export const step10: Migration = {
  description: 'audit trail indexes by user and by action, so the screen\'s filters and their lists of values cost a few index lookups, not a scan of the whole trail (issue 12)',
  sqlite(db) {
    db.exec(`
      CREATE INDEX audit_events_username ON audit_events (username);
      CREATE INDEX audit_events_action ON audit_events (action);
    `);
  },
  async postgres(client) {
    await client.query(`
      CREATE INDEX audit_events_username ON audit_events (username);
      CREATE INDEX audit_events_action ON audit_events (action);
    `);
  },
};
