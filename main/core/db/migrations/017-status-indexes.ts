import type { Migration } from './migration';

/**
 * Step 17. Indexes for the questions the Today home and the lists ask of a pharmacy years into its studies (issue 12):
 * late in a study most kits have been returned and most patients randomized long ago, and the home counted the few
 * that matter (kits in quarantine, available kits near their use-before date, patients with a visit still to dispense)
 * by reading every kit and patient. With these, each count reads the rows it counts.
 * - kits by status, then use-before date: the kits in quarantine, available, or available up to a date;
 * - patients by status: the randomized ones, a quarter of the registered at a typical site.
 */
const STATEMENTS = ['CREATE INDEX kits_status ON kits (status, use_before)', 'CREATE INDEX patients_status ON patients (status)'];

export const step17: Migration = {
  description: 'indexes: kits by status and use-before date, patients by status',
  sqlite(db) {
    for (const statement of STATEMENTS) db.exec(statement);
  },
  async postgres(client) {
    for (const statement of STATEMENTS) await client.query(statement);
  },
};
