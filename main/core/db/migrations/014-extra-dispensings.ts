import type { Migration } from './migration';

/**
 * Step 14. Dispensings outside the visit plan (issue 16, item 1): a replacement kit given for one the patient lost or
 * damaged, and an unscheduled dispensing between visits. Each is a dispensing like any other (its kits, signature,
 * labels and accountability follow the same rows) with its own visit code, so the one-dispensing-per-visit rule of
 * `dispensings` still holds for scheduled visits; this table says what kind it was, why, and which kit it replaced.
 * A kit is replaced at most once.
 */
export const step14: Migration = {
  description: 'dispensings outside the visit plan: replacement kits and unscheduled dispensings, with their reason',
  sqlite(db) {
    db.exec(`
      CREATE TABLE extra_dispensings (
        dispensing_id INTEGER PRIMARY KEY REFERENCES dispensings (id),
        kind TEXT NOT NULL CHECK (kind IN ('replacement', 'unscheduled')),
        replaces_kit TEXT UNIQUE REFERENCES kits (kit_number),
        reason TEXT NOT NULL,
        CHECK ((kind = 'replacement') = (replaces_kit IS NOT NULL))
      ) STRICT;
    `);
  },
  async postgres(client) {
    await client.query(`
      CREATE TABLE extra_dispensings (
        dispensing_id integer PRIMARY KEY REFERENCES dispensings (id),
        kind text NOT NULL CHECK (kind IN ('replacement', 'unscheduled')),
        replaces_kit text UNIQUE REFERENCES kits (kit_number),
        reason text NOT NULL,
        CHECK ((kind = 'replacement') = (replaces_kit IS NOT NULL))
      );
    `);
  },
};
