import type { Migration } from './migration';

/** Step 6. Released: never edit (tests/integration/migrationChecksums.test.ts); add a new step instead. */
export const step06: Migration = {
  description: 'each e-signature records the audit chain head it was made on (seq and hash), so a rewritten history no longer matches it',
  sqlite(db) {
    db.exec(`
      ALTER TABLE signatures ADD COLUMN chain_seq INTEGER;
      ALTER TABLE signatures ADD COLUMN chain_hash TEXT;
    `);
  },
  async postgres(client) {
    await client.query(`
      ALTER TABLE signatures ADD COLUMN chain_seq integer;
      ALTER TABLE signatures ADD COLUMN chain_hash text;
    `);
  },
};
