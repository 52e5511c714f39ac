import type { Migration } from './migration';

/**
 * Step 20. Every study-owned row names its study, and numbers are unique within a study, not across the site (issue
 * 14, docs/multi-study-plan.md step 1): two sponsors may both send kit 1001, randomization number R001 or shipment
 * SH-1, and two protocols may both screen patient S-001.
 *
 * - The study's own records carry `study_id REFERENCES studies (id)`: list imports, randomization slots, kits,
 *   shipments, patients, destructions, reconciliation sign-offs, and the extra dispensings (an unscheduled one names
 *   no kit to take its study from).
 * - Rows about a kit carry the kit's study with its number and reference the kit by both, `(study_id, kit_number)`:
 *   dispensed, shipped, returned, destroyed, over-labelled, printed, commented kits, a kit's stays in storage and its
 *   exposure in an excursion (a fridge holds kits of several studies: the excursion is the site's, each kit its study's).
 *   A row cannot point at another study's kit 1001: the key says which one.
 * - Keys and uniques become per study: kits `(study_id, kit_number)`, slots `(study_id, randomization_number)` and
 *   `(study_id, list_order)`, patients' screening and randomization numbers, shipments' references, and each "a kit
 *   at most once" rule (dispensed, shipped, returned, destroyed, replaced, in one stay at a time).
 * - Dispensings, emergency unblindings and sponsor notifications hang off a patient by its id and take the patient's
 *   study; site-wide tables (users, signatures, storage, temperatures, excursions, keys) are unchanged.
 *
 * Every existing row belongs to the database's one study (the first loaded, id 1 after step 19). Nothing is resealed:
 * a kit's seals stay bound to its number (binding the study in is for seals written with a study's own key, step 4).
 *
 * On SQLite a key or a foreign key changes only by rebuilding the table (create it anew, copy the rows, drop the old,
 * rename), with foreign keys off while the tables are swapped and checked before commit (`rebuildsTables`). On
 * PostgreSQL the tables are altered in place.
 */

/** The database's one study before this step: the rows written so far are its rows. */
const THE_STUDY = '(SELECT min(id) FROM studies)';

interface Rebuild {
  table: string;
  /** The new definition's body, `study_id` last among the columns. */
  body: string;
  /** The columns copied as they are. */
  columns: string;
  /** Indexes of the table, created again after the swap (dropping a table drops its indexes). */
  indexes?: string[];
}

const KIT = 'FOREIGN KEY (study_id, kit_number) REFERENCES kits (study_id, kit_number)';

const REBUILDS: Rebuild[] = [
  {
    table: 'list_imports',
    body: `id INTEGER PRIMARY KEY,
      kind TEXT NOT NULL CHECK (kind IN ('randomization', 'kits')),
      file_name TEXT NOT NULL,
      sha256 TEXT NOT NULL,
      row_count INTEGER NOT NULL,
      imported_at TEXT NOT NULL,
      user_id INTEGER NOT NULL REFERENCES users (id),
      signature_id INTEGER NOT NULL REFERENCES signatures (id),
      study_id INTEGER NOT NULL REFERENCES studies (id)`,
    columns: 'id, kind, file_name, sha256, row_count, imported_at, user_id, signature_id',
  },
  {
    table: 'randomization_slots',
    body: `randomization_number TEXT NOT NULL,
      list_order INTEGER NOT NULL,
      stratum TEXT NOT NULL,
      arm_sealed TEXT NOT NULL,
      import_id INTEGER NOT NULL REFERENCES list_imports (id),
      block_sealed TEXT,
      study_id INTEGER NOT NULL REFERENCES studies (id),
      PRIMARY KEY (study_id, randomization_number),
      UNIQUE (study_id, list_order)`,
    columns: 'randomization_number, list_order, stratum, arm_sealed, import_id, block_sealed',
  },
  {
    table: 'blocks_in_transition',
    body: `randomization_number TEXT NOT NULL,
      sealed TEXT,
      plain TEXT,
      study_id INTEGER NOT NULL,
      PRIMARY KEY (study_id, randomization_number),
      FOREIGN KEY (study_id, randomization_number) REFERENCES randomization_slots (study_id, randomization_number),
      CHECK ((sealed IS NULL) <> (plain IS NULL))`,
    columns: 'randomization_number, sealed, plain',
  },
  {
    table: 'kits',
    body: `kit_number TEXT NOT NULL,
      arm_sealed TEXT NOT NULL,
      lot_sealed TEXT NOT NULL,
      expiry_sealed TEXT NOT NULL,
      gtin_sealed TEXT,
      serial TEXT,
      blinded_lot TEXT NOT NULL,
      use_before TEXT NOT NULL,
      status TEXT NOT NULL DEFAULT 'expected',
      import_id INTEGER NOT NULL REFERENCES list_imports (id),
      expiry_hold INTEGER NOT NULL DEFAULT 0 CHECK (expiry_hold IN (0, 1)),
      study_id INTEGER NOT NULL REFERENCES studies (id),
      PRIMARY KEY (study_id, kit_number)`,
    columns: 'kit_number, arm_sealed, lot_sealed, expiry_sealed, gtin_sealed, serial, blinded_lot, use_before, status, import_id, expiry_hold',
    indexes: ['CREATE INDEX kits_status ON kits (study_id, status, use_before)'],
  },
  {
    table: 'shipments',
    body: `id INTEGER PRIMARY KEY,
      reference TEXT NOT NULL,
      created_at TEXT NOT NULL,
      created_by INTEGER NOT NULL REFERENCES users (id),
      temperature TEXT CHECK (temperature IN ('alarm', 'no_alarm', 'no_monitor')),
      closed_at TEXT,
      closed_by INTEGER REFERENCES users (id),
      study_id INTEGER NOT NULL REFERENCES studies (id),
      UNIQUE (study_id, reference)`,
    columns: 'id, reference, created_at, created_by, temperature, closed_at, closed_by',
  },
  {
    table: 'shipment_kits',
    body: `shipment_id INTEGER NOT NULL REFERENCES shipments (id),
      kit_number TEXT NOT NULL,
      outcome TEXT NOT NULL DEFAULT 'expected' CHECK (outcome IN ('expected', 'received', 'damaged', 'missing')),
      scanned_at TEXT,
      source TEXT,
      study_id INTEGER NOT NULL,
      PRIMARY KEY (shipment_id, kit_number),
      UNIQUE (study_id, kit_number),
      ${KIT}`,
    columns: 'shipment_id, kit_number, outcome, scanned_at, source',
  },
  {
    table: 'patients',
    body: `id INTEGER PRIMARY KEY,
      screening_number TEXT NOT NULL,
      initials TEXT NOT NULL,
      year_of_birth INTEGER NOT NULL,
      investigator TEXT NOT NULL,
      stratum TEXT NOT NULL,
      status TEXT NOT NULL DEFAULT 'registered' CHECK (status IN ('registered', 'randomized', 'withdrawn')),
      randomization_number TEXT,
      baseline_date TEXT,
      registered_at TEXT NOT NULL,
      withdrawn_at TEXT,
      withdrawal_reason TEXT,
      study_id INTEGER NOT NULL REFERENCES studies (id),
      UNIQUE (study_id, screening_number),
      UNIQUE (study_id, randomization_number),
      FOREIGN KEY (study_id, randomization_number) REFERENCES randomization_slots (study_id, randomization_number)`,
    columns: 'id, screening_number, initials, year_of_birth, investigator, stratum, status, randomization_number, baseline_date, registered_at, withdrawn_at, withdrawal_reason',
    indexes: ['CREATE INDEX patients_status ON patients (study_id, status)'],
  },
  {
    table: 'dispensing_kits',
    body: `dispensing_id INTEGER NOT NULL REFERENCES dispensings (id),
      kit_number TEXT NOT NULL,
      source TEXT NOT NULL CHECK (source IN ('scanner', 'keyboard_wedge', 'manual')),
      study_id INTEGER NOT NULL,
      UNIQUE (study_id, kit_number),
      ${KIT}`,
    columns: 'dispensing_id, kit_number, source',
    indexes: ['CREATE INDEX dispensing_kits_dispensing ON dispensing_kits (dispensing_id)'],
  },
  {
    table: 'extra_dispensings',
    body: `dispensing_id INTEGER PRIMARY KEY REFERENCES dispensings (id),
      kind TEXT NOT NULL CHECK (kind IN ('replacement', 'unscheduled')),
      replaces_kit TEXT,
      reason TEXT NOT NULL,
      study_id INTEGER NOT NULL REFERENCES studies (id),
      UNIQUE (study_id, replaces_kit),
      FOREIGN KEY (study_id, replaces_kit) REFERENCES kits (study_id, kit_number),
      CHECK ((kind = 'replacement') = (replaces_kit IS NOT NULL))`,
    columns: 'dispensing_id, kind, replaces_kit, reason',
  },
  {
    table: 'kit_returns',
    body: `kit_number TEXT NOT NULL,
      patient_id INTEGER NOT NULL REFERENCES patients (id),
      returned_at TEXT NOT NULL,
      user_id INTEGER NOT NULL REFERENCES users (id),
      condition TEXT NOT NULL CHECK (condition IN ('used', 'unused', 'partly_used', 'damaged', 'missing')),
      units_returned INTEGER NOT NULL CHECK (units_returned >= 0),
      units_missing INTEGER NOT NULL CHECK (units_missing >= 0),
      note TEXT,
      source TEXT NOT NULL,
      verified_by INTEGER REFERENCES users (id),
      verified_at TEXT,
      study_id INTEGER NOT NULL,
      PRIMARY KEY (study_id, kit_number),
      ${KIT}`,
    columns: 'kit_number, patient_id, returned_at, user_id, condition, units_returned, units_missing, note, source, verified_by, verified_at',
  },
  {
    table: 'destructions',
    body: `id INTEGER PRIMARY KEY,
      destroyed_on TEXT NOT NULL,
      method TEXT NOT NULL,
      place TEXT NOT NULL,
      recorded_at TEXT NOT NULL,
      user_id INTEGER NOT NULL REFERENCES users (id),
      signature_id INTEGER NOT NULL REFERENCES signatures (id),
      witness_id INTEGER NOT NULL REFERENCES users (id),
      witness_signature_id INTEGER NOT NULL REFERENCES signatures (id),
      study_id INTEGER NOT NULL REFERENCES studies (id)`,
    columns: 'id, destroyed_on, method, place, recorded_at, user_id, signature_id, witness_id, witness_signature_id',
  },
  {
    table: 'destruction_kits',
    body: `destruction_id INTEGER NOT NULL REFERENCES destructions (id),
      kit_number TEXT NOT NULL,
      study_id INTEGER NOT NULL,
      UNIQUE (study_id, kit_number),
      ${KIT}`,
    columns: 'destruction_id, kit_number',
  },
  {
    table: 'reconciliation_signoffs',
    body: `id INTEGER PRIMARY KEY,
      signed_at TEXT NOT NULL,
      user_id INTEGER NOT NULL REFERENCES users (id),
      signature_id INTEGER NOT NULL REFERENCES signatures (id),
      audit_seq INTEGER NOT NULL,
      snapshot_hash TEXT NOT NULL,
      discrepancies INTEGER NOT NULL,
      study_id INTEGER NOT NULL REFERENCES studies (id)`,
    columns: 'id, signed_at, user_id, signature_id, audit_seq, snapshot_hash, discrepancies',
  },
  {
    table: 'discrepancy_comments',
    body: `id INTEGER PRIMARY KEY,
      kit_number TEXT NOT NULL,
      discrepancies TEXT NOT NULL,
      comment TEXT NOT NULL,
      user_id INTEGER NOT NULL REFERENCES users (id),
      commented_at TEXT NOT NULL,
      study_id INTEGER NOT NULL,
      ${KIT}`,
    columns: 'id, kit_number, discrepancies, comment, user_id, commented_at',
    indexes: ['CREATE INDEX discrepancy_comments_kit ON discrepancy_comments (study_id, kit_number)'],
  },
  {
    table: 'label_prints',
    body: `id INTEGER PRIMARY KEY,
      kit_number TEXT NOT NULL,
      kind TEXT NOT NULL CHECK (kind IN ('carton', 'syringe')),
      requested_at TEXT NOT NULL,
      user_id INTEGER NOT NULL REFERENCES users (id),
      reprint_reason TEXT,
      status TEXT NOT NULL DEFAULT 'queued' CHECK (status IN ('queued', 'printed', 'failed')),
      printer TEXT,
      done_at TEXT,
      error TEXT,
      study_id INTEGER NOT NULL,
      ${KIT}`,
    columns: 'id, kit_number, kind, requested_at, user_id, reprint_reason, status, printer, done_at, error',
    indexes: ['CREATE INDEX label_prints_kit ON label_prints (study_id, kit_number, kind)'],
  },
  {
    table: 'over_labels',
    body: `id INTEGER PRIMARY KEY,
      kit_number TEXT NOT NULL,
      use_before TEXT NOT NULL,
      signature_id INTEGER NOT NULL REFERENCES signatures (id),
      queued_at TEXT NOT NULL,
      printed_at TEXT,
      printer TEXT,
      study_id INTEGER NOT NULL,
      UNIQUE (study_id, kit_number, signature_id),
      ${KIT}`,
    columns: 'id, kit_number, use_before, signature_id, queued_at, printed_at, printer',
    // The unique key's index serves a kit's over-labels: the index on the number alone goes.
  },
  {
    table: 'excursion_kits',
    body: `excursion_id INTEGER NOT NULL REFERENCES excursions (id),
      kit_number TEXT NOT NULL,
      exposure_seconds INTEGER NOT NULL CHECK (exposure_seconds >= 0),
      status_then TEXT NOT NULL,
      quarantined INTEGER NOT NULL CHECK (quarantined IN (0, 1)),
      disposition TEXT CHECK (disposition IN ('release', 'damaged')),
      disposition_reason TEXT,
      disposition_at TEXT,
      disposition_user_id INTEGER REFERENCES users (id),
      disposition_signature_id INTEGER REFERENCES signatures (id),
      study_id INTEGER NOT NULL,
      PRIMARY KEY (excursion_id, study_id, kit_number),
      ${KIT}`,
    columns: 'excursion_id, kit_number, exposure_seconds, status_then, quarantined, disposition, disposition_reason, disposition_at, disposition_user_id, disposition_signature_id',
    indexes: ['CREATE INDEX excursion_kits_kit ON excursion_kits (study_id, kit_number)'],
  },
  {
    table: 'kit_stays',
    body: `id INTEGER PRIMARY KEY,
      kit_number TEXT NOT NULL,
      location_id INTEGER NOT NULL REFERENCES storage_locations (id),
      from_ms INTEGER NOT NULL,
      to_ms INTEGER,
      user_id INTEGER NOT NULL REFERENCES users (id),
      study_id INTEGER NOT NULL,
      CHECK (to_ms IS NULL OR to_ms >= from_ms),
      ${KIT}`,
    columns: 'id, kit_number, location_id, from_ms, to_ms, user_id',
    indexes: ['CREATE UNIQUE INDEX kit_stays_current ON kit_stays (study_id, kit_number) WHERE to_ms IS NULL', 'CREATE INDEX kit_stays_location ON kit_stays (location_id, from_ms)'],
  },
];

/** The tables whose rows are the study's own (a foreign key to `studies`), the others following their kit or slot. */
const OWN_ROWS = ['list_imports', 'randomization_slots', 'kits', 'shipments', 'patients', 'extra_dispensings', 'destructions', 'reconciliation_signoffs'];

/**
 * PostgreSQL's names for the constraints replaced: its defaults (`<table>_pkey`, `<table>_<columns>_key`), as the
 * earlier steps' inline `PRIMARY KEY` and `UNIQUE` made them. Dropping a primary key with CASCADE drops the foreign
 * keys that pointed at it (every kit's and slot's references), which are then added again by study and number.
 */
const POSTGRES_CONSTRAINTS = `
  ALTER TABLE randomization_slots DROP CONSTRAINT randomization_slots_pkey CASCADE,
    DROP CONSTRAINT randomization_slots_list_order_key,
    ADD PRIMARY KEY (study_id, randomization_number),
    ADD UNIQUE (study_id, list_order);
  ALTER TABLE kits DROP CONSTRAINT kits_pkey CASCADE, ADD PRIMARY KEY (study_id, kit_number);
  DROP INDEX kits_status;
  CREATE INDEX kits_status ON kits (study_id, status, use_before);
  ALTER TABLE blocks_in_transition DROP CONSTRAINT blocks_in_transition_pkey,
    ADD PRIMARY KEY (study_id, randomization_number),
    ADD FOREIGN KEY (study_id, randomization_number) REFERENCES randomization_slots (study_id, randomization_number);
  ALTER TABLE shipments DROP CONSTRAINT shipments_reference_key, ADD UNIQUE (study_id, reference);
  ALTER TABLE shipment_kits DROP CONSTRAINT shipment_kits_kit_number_key, ADD UNIQUE (study_id, kit_number), ADD ${KIT};
  ALTER TABLE patients DROP CONSTRAINT patients_screening_number_key, DROP CONSTRAINT patients_randomization_number_key,
    ADD UNIQUE (study_id, screening_number),
    ADD UNIQUE (study_id, randomization_number),
    ADD FOREIGN KEY (study_id, randomization_number) REFERENCES randomization_slots (study_id, randomization_number);
  DROP INDEX patients_status;
  CREATE INDEX patients_status ON patients (study_id, status);
  ALTER TABLE dispensing_kits DROP CONSTRAINT dispensing_kits_kit_number_key, ADD UNIQUE (study_id, kit_number), ADD ${KIT};
  ALTER TABLE extra_dispensings DROP CONSTRAINT extra_dispensings_replaces_kit_key,
    ADD UNIQUE (study_id, replaces_kit),
    ADD FOREIGN KEY (study_id, replaces_kit) REFERENCES kits (study_id, kit_number);
  ALTER TABLE kit_returns DROP CONSTRAINT kit_returns_pkey, ADD PRIMARY KEY (study_id, kit_number), ADD ${KIT};
  ALTER TABLE destruction_kits DROP CONSTRAINT destruction_kits_kit_number_key, ADD UNIQUE (study_id, kit_number), ADD ${KIT};
  ALTER TABLE discrepancy_comments ADD ${KIT};
  DROP INDEX discrepancy_comments_kit;
  CREATE INDEX discrepancy_comments_kit ON discrepancy_comments (study_id, kit_number);
  ALTER TABLE label_prints ADD ${KIT};
  DROP INDEX label_prints_kit;
  CREATE INDEX label_prints_kit ON label_prints (study_id, kit_number, kind);
  ALTER TABLE over_labels DROP CONSTRAINT over_labels_kit_number_signature_id_key, ADD UNIQUE (study_id, kit_number, signature_id), ADD ${KIT};
  DROP INDEX over_labels_kit;
  ALTER TABLE excursion_kits DROP CONSTRAINT excursion_kits_pkey, ADD PRIMARY KEY (excursion_id, study_id, kit_number), ADD ${KIT};
  DROP INDEX excursion_kits_kit;
  CREATE INDEX excursion_kits_kit ON excursion_kits (study_id, kit_number);
  ALTER TABLE kit_stays ADD ${KIT};
  DROP INDEX kit_stays_current;
  CREATE UNIQUE INDEX kit_stays_current ON kit_stays (study_id, kit_number) WHERE to_ms IS NULL;
`;

export const step20: Migration = {
  description: 'every study-owned row names its study; kit, randomization, screening and shipment numbers unique within a study',
  rebuildsTables: true,
  sqlite(db) {
    for (const { table, body, columns, indexes = [] } of REBUILDS) {
      db.exec(`
        CREATE TABLE ${table}_next (${body}) STRICT;
        INSERT INTO ${table}_next (${columns}, study_id) SELECT ${columns}, ${THE_STUDY} FROM ${table};
        DROP TABLE ${table};
        ALTER TABLE ${table}_next RENAME TO ${table};
      `);
      for (const index of indexes) db.exec(index);
    }
  },
  async postgres(client) {
    for (const { table } of REBUILDS) {
      const references = OWN_ROWS.includes(table) ? ' REFERENCES studies (id)' : '';
      await client.query(`ALTER TABLE ${table} ADD COLUMN study_id integer${references}`);
      await client.query(`UPDATE ${table} SET study_id = ${THE_STUDY}`);
      await client.query(`ALTER TABLE ${table} ALTER COLUMN study_id SET NOT NULL`);
    }
    await client.query(POSTGRES_CONSTRAINTS);
  },
};
