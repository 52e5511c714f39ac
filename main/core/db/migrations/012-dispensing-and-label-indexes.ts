import type { Migration } from './migration';

/** Step 12. Released: never edit (tests/integration/migrationChecksums.test.ts); add a new step instead. */
export const step12: Migration = {
  description:
    "indexes for the lookups that read a whole table at pharmacy scale (issue 12): a dispensing's kits (every patient view and visit plan), and a kit's label prints (every label printed)",
  sqlite(db) {
    db.exec(`
      CREATE INDEX dispensing_kits_dispensing ON dispensing_kits (dispensing_id);
      CREATE INDEX label_prints_kit ON label_prints (kit_number, kind);
    `);
  },
  async postgres(client) {
    await client.query(`
      CREATE INDEX dispensing_kits_dispensing ON dispensing_kits (dispensing_id);
      CREATE INDEX label_prints_kit ON label_prints (kit_number, kind);
    `);
  },
};
