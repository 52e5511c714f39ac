import type { Migration } from './migration';

/** Step 9. Released: never edit (tests/integration/migrationChecksums.test.ts); add a new step instead. */
export const step09: Migration = {
  description:
    "expiry hold at receipt (issue 11, item 1): a kit whose real expiry had passed or fell within the do-not-dispense margin when the unblinded pharmacist imported the list is quarantined at receipt; the blinded technician's session cannot open the sealed expiry, so the import records the decision",
  sqlite(db) {
    db.exec('ALTER TABLE kits ADD COLUMN expiry_hold INTEGER NOT NULL DEFAULT 0 CHECK (expiry_hold IN (0, 1))');
  },
  async postgres(client) {
    await client.query(`
      ALTER TABLE kits ADD COLUMN expiry_hold integer NOT NULL DEFAULT 0 CHECK (expiry_hold IN (0, 1));
    `);
  },
};
