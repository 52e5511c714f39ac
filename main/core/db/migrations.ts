import { randomBytes } from 'node:crypto';
import { seal, sealedField } from '../crypto/allocationCipher';
import { wrapTransitionKeyForUser } from '../crypto/keyCustody';
import type { Db } from './database';

export interface Migration {
  /** What this step adds, for the next engineer. */
  description: string;
  up(db: Db): void;
}

/**
 * Numbered schema steps; migration N takes user_version N-1 to N. Never edit a released step: add a new one, and a
 * test in tests/integration/migrations.test.ts that migrates a database of the previous version holding data.
 */
export const migrations: readonly Migration[] = [
  {
    description: 'users, settings and the study configuration',
    up(db) {
      db.exec(`
        CREATE TABLE users (
          id INTEGER PRIMARY KEY,
          username TEXT NOT NULL UNIQUE,
          display_name TEXT NOT NULL,
          role TEXT NOT NULL,
          password_hash TEXT NOT NULL,
          active INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
          must_change_password INTEGER NOT NULL DEFAULT 0 CHECK (must_change_password IN (0, 1)),
          failed_logins INTEGER NOT NULL DEFAULT 0,
          locked_until TEXT,
          created_at TEXT NOT NULL
        ) STRICT;
        CREATE TABLE settings (
          key TEXT PRIMARY KEY,
          value TEXT NOT NULL
        ) STRICT;
        CREATE TABLE study (
          id INTEGER PRIMARY KEY CHECK (id = 1),
          code TEXT NOT NULL,
          config_json TEXT NOT NULL,
          loaded_at TEXT NOT NULL
        ) STRICT;
      `);
    },
  },
  {
    description: 'audit trail, e-signatures, key custody, randomization slots and kits (arms sealed)',
    up(db) {
      db.exec(`
        CREATE TABLE audit_events (
          seq INTEGER PRIMARY KEY,
          at_utc TEXT NOT NULL,
          at_offset TEXT NOT NULL,
          user_id INTEGER,
          username TEXT NOT NULL,
          action TEXT NOT NULL,
          entity_type TEXT NOT NULL,
          entity_id TEXT NOT NULL,
          before_json TEXT,
          after_json TEXT,
          reason TEXT,
          source TEXT,
          signature_id INTEGER,
          prev_hash TEXT NOT NULL,
          hash TEXT NOT NULL
        ) STRICT;
        CREATE INDEX audit_events_entity ON audit_events (entity_type, entity_id);
        CREATE TRIGGER audit_events_no_update BEFORE UPDATE ON audit_events
          BEGIN SELECT RAISE(ABORT, 'The audit trail is append-only: events cannot be changed.'); END;
        CREATE TRIGGER audit_events_no_delete BEFORE DELETE ON audit_events
          BEGIN SELECT RAISE(ABORT, 'The audit trail is append-only: events cannot be deleted.'); END;

        CREATE TABLE signatures (
          id INTEGER PRIMARY KEY,
          user_id INTEGER NOT NULL REFERENCES users (id),
          printed_name TEXT NOT NULL,
          meaning TEXT NOT NULL,
          signed_at_utc TEXT NOT NULL,
          record_type TEXT NOT NULL,
          record_id TEXT NOT NULL,
          record_hash TEXT NOT NULL
        ) STRICT;
        CREATE TRIGGER signatures_no_update BEFORE UPDATE ON signatures
          BEGIN SELECT RAISE(ABORT, 'Signatures cannot be changed.'); END;
        CREATE TRIGGER signatures_no_delete BEFORE DELETE ON signatures
          BEGIN SELECT RAISE(ABORT, 'Signatures cannot be deleted.'); END;

        CREATE TABLE user_keys (
          user_id INTEGER PRIMARY KEY REFERENCES users (id),
          public_key TEXT NOT NULL,
          sealed_private_key TEXT NOT NULL,
          created_at TEXT NOT NULL
        ) STRICT;
        CREATE TABLE key_wraps (
          holder TEXT PRIMARY KEY,
          user_id INTEGER REFERENCES users (id),
          wrap_json TEXT NOT NULL,
          granted_by INTEGER REFERENCES users (id),
          created_at TEXT NOT NULL
        ) STRICT;

        CREATE TABLE list_imports (
          id INTEGER PRIMARY KEY,
          kind TEXT NOT NULL CHECK (kind IN ('randomization', 'kits')),
          file_name TEXT NOT NULL,
          sha256 TEXT NOT NULL,
          row_count INTEGER NOT NULL,
          imported_at TEXT NOT NULL,
          user_id INTEGER NOT NULL REFERENCES users (id),
          signature_id INTEGER NOT NULL REFERENCES signatures (id)
        ) STRICT;
        CREATE TABLE randomization_slots (
          randomization_number TEXT PRIMARY KEY,
          list_order INTEGER NOT NULL UNIQUE,
          block TEXT NOT NULL,
          stratum TEXT NOT NULL,
          arm_sealed TEXT NOT NULL,
          import_id INTEGER NOT NULL REFERENCES list_imports (id)
        ) STRICT;
        CREATE TABLE kits (
          kit_number TEXT PRIMARY KEY,
          arm_sealed TEXT NOT NULL,
          lot_sealed TEXT NOT NULL,
          expiry_sealed TEXT NOT NULL,
          gtin_sealed TEXT,
          serial TEXT,
          blinded_lot TEXT NOT NULL,
          use_before TEXT NOT NULL,
          status TEXT NOT NULL DEFAULT 'expected',
          import_id INTEGER NOT NULL REFERENCES list_imports (id)
        ) STRICT;
      `);
    },
  },
  {
    description: 'shipments, patients, dispensings and label prints',
    up(db) {
      db.exec(`
        CREATE TABLE shipments (
          id INTEGER PRIMARY KEY,
          reference TEXT NOT NULL UNIQUE,
          created_at TEXT NOT NULL,
          created_by INTEGER NOT NULL REFERENCES users (id),
          temperature TEXT CHECK (temperature IN ('alarm', 'no_alarm', 'no_monitor')),
          closed_at TEXT,
          closed_by INTEGER REFERENCES users (id)
        ) STRICT;
        CREATE TABLE shipment_kits (
          shipment_id INTEGER NOT NULL REFERENCES shipments (id),
          kit_number TEXT NOT NULL UNIQUE REFERENCES kits (kit_number),
          outcome TEXT NOT NULL DEFAULT 'expected' CHECK (outcome IN ('expected', 'received', 'damaged', 'missing')),
          scanned_at TEXT,
          source TEXT,
          PRIMARY KEY (shipment_id, kit_number)
        ) STRICT;
        CREATE TABLE patients (
          id INTEGER PRIMARY KEY,
          screening_number TEXT NOT NULL UNIQUE,
          initials TEXT NOT NULL,
          year_of_birth INTEGER NOT NULL,
          investigator TEXT NOT NULL,
          stratum TEXT NOT NULL,
          status TEXT NOT NULL DEFAULT 'registered' CHECK (status IN ('registered', 'randomized', 'withdrawn')),
          randomization_number TEXT UNIQUE REFERENCES randomization_slots (randomization_number),
          baseline_date TEXT,
          registered_at TEXT NOT NULL,
          withdrawn_at TEXT,
          withdrawal_reason TEXT
        ) STRICT;
        CREATE TABLE dispensings (
          id INTEGER PRIMARY KEY,
          patient_id INTEGER NOT NULL REFERENCES patients (id),
          visit_code TEXT NOT NULL,
          dispensed_at TEXT NOT NULL,
          user_id INTEGER NOT NULL REFERENCES users (id),
          signature_id INTEGER NOT NULL REFERENCES signatures (id),
          out_of_window_reason TEXT,
          UNIQUE (patient_id, visit_code)
        ) STRICT;
        CREATE TABLE dispensing_kits (
          dispensing_id INTEGER NOT NULL REFERENCES dispensings (id),
          kit_number TEXT NOT NULL UNIQUE REFERENCES kits (kit_number),
          source TEXT NOT NULL CHECK (source IN ('scanner', 'keyboard_wedge', 'manual'))
        ) STRICT;
        CREATE TABLE label_prints (
          id INTEGER PRIMARY KEY,
          kit_number TEXT NOT NULL REFERENCES kits (kit_number),
          kind TEXT NOT NULL CHECK (kind IN ('carton', 'syringe')),
          requested_at TEXT NOT NULL,
          user_id INTEGER NOT NULL REFERENCES users (id),
          reprint_reason TEXT,
          status TEXT NOT NULL DEFAULT 'queued' CHECK (status IN ('queued', 'printed', 'failed')),
          printer TEXT,
          done_at TEXT,
          error TEXT
        ) STRICT;
      `);
    },
  },
  {
    description: 'returns, reconciliation sign-offs, destructions and emergency unblindings',
    up(db) {
      db.exec(`
        CREATE TABLE kit_returns (
          kit_number TEXT PRIMARY KEY REFERENCES kits (kit_number),
          patient_id INTEGER NOT NULL REFERENCES patients (id),
          returned_at TEXT NOT NULL,
          user_id INTEGER NOT NULL REFERENCES users (id),
          condition TEXT NOT NULL CHECK (condition IN ('used', 'unused', 'partly_used', 'damaged', 'missing')),
          units_returned INTEGER NOT NULL CHECK (units_returned >= 0),
          units_missing INTEGER NOT NULL CHECK (units_missing >= 0),
          note TEXT,
          source TEXT NOT NULL,
          verified_by INTEGER REFERENCES users (id),
          verified_at TEXT
        ) STRICT;
        CREATE TABLE reconciliation_signoffs (
          id INTEGER PRIMARY KEY,
          signed_at TEXT NOT NULL,
          user_id INTEGER NOT NULL REFERENCES users (id),
          signature_id INTEGER NOT NULL REFERENCES signatures (id),
          audit_seq INTEGER NOT NULL,
          snapshot_hash TEXT NOT NULL,
          discrepancies INTEGER NOT NULL
        ) STRICT;
        CREATE TABLE destructions (
          id INTEGER PRIMARY KEY,
          destroyed_on TEXT NOT NULL,
          method TEXT NOT NULL,
          place TEXT NOT NULL,
          recorded_at TEXT NOT NULL,
          user_id INTEGER NOT NULL REFERENCES users (id),
          signature_id INTEGER NOT NULL REFERENCES signatures (id),
          witness_id INTEGER NOT NULL REFERENCES users (id),
          witness_signature_id INTEGER NOT NULL REFERENCES signatures (id)
        ) STRICT;
        CREATE TABLE destruction_kits (
          destruction_id INTEGER NOT NULL REFERENCES destructions (id),
          kit_number TEXT NOT NULL UNIQUE REFERENCES kits (kit_number)
        ) STRICT;
        CREATE TABLE emergency_unblindings (
          id INTEGER PRIMARY KEY,
          patient_id INTEGER NOT NULL REFERENCES patients (id),
          user_id INTEGER NOT NULL REFERENCES users (id),
          unblinded_at TEXT NOT NULL,
          reason TEXT NOT NULL,
          adverse_event INTEGER NOT NULL CHECK (adverse_event IN (0, 1)),
          signature_id INTEGER NOT NULL REFERENCES signatures (id)
        ) STRICT;
      `);
    },
  },
  {
    description: 'no key pair under a temporary password; wrong code-break passphrases counted per study',
    up(db) {
      // DESIGN.md section 3, invariant 6: Veil used to make an unblinded user's key pair under the temporary password an
      // administrator chose, so that administrator could open the allocation key once a colleague granted access. A
      // user whose password must still change cannot have chosen the password their pair is sealed under: the pair and
      // every wrap made for it go. They are granted again after choosing their own password (the study set-up page
      // lists them as waiting for access).
      // Not written to the audit trail from here: events are hash-chained by AuditTrail with the application's clock,
      // and a migration step is frozen once released, so it must not depend on how the chain is written. What was
      // removed stays visible: the user is listed as waiting for access, and the original grant remains in the trail.
      // Wrong code-break passphrases are counted per study (the passphrase belongs to the study, not to a user), keyed
      // by study code today so that several studies in one database each get their own count.
      db.exec(`
        DELETE FROM key_wraps WHERE user_id IN (SELECT id FROM users WHERE must_change_password = 1);
        DELETE FROM user_keys WHERE user_id IN (SELECT id FROM users WHERE must_change_password = 1);
        CREATE TABLE code_break_attempts (
          study_code TEXT PRIMARY KEY,
          failed_attempts INTEGER NOT NULL DEFAULT 0 CHECK (failed_attempts >= 0),
          locked_until TEXT
        ) STRICT;
      `);
    },
  },
  {
    description: 'each e-signature records the audit chain head it was made on (seq and hash), so a rewritten history no longer matches it',
    up(db) {
      db.exec(`
        ALTER TABLE signatures ADD COLUMN chain_seq INTEGER;
        ALTER TABLE signatures ADD COLUMN chain_hash TEXT;
      `);
    },
  },
  {
    /**
     * Issue 10, finding 5: with blocks of 3 at 2:1, one emergency unblinding tells the other two arms of its block, so
     * the block is sealed like the arm (AES-256-GCM, associated data "slot:<number>:block"). The allocation key is not
     * open while a schema is upgraded, so the plain blocks of an existing database are sealed here under a one-time
     * transition key, itself wrapped for each user who holds the allocation key (to their public key, as a grant
     * does); the first of them to log in reseals the blocks under the allocation key and the transition key is
     * deleted (BlockSealing, audited). From this step on, no block is readable in the file, by anyone, and none is lost.
     * A database whose allocation key nobody holds any more (every holder reset) cannot be sealed for anyone: its
     * blocks wait, in a table no channel reads, for the first session that opens the key, rather than being destroyed.
     * The plain column is dropped with secure_delete on, and the upgrade ends with a checkpoint that empties the WAL.
     */
    description: 'randomization blocks sealed like arms; plain blocks of an upgraded database sealed for the key holders',
    up(db) {
      db.pragma('secure_delete = ON');
      db.exec(`
        ALTER TABLE randomization_slots ADD COLUMN block_sealed TEXT;
        CREATE TABLE blocks_in_transition (
          randomization_number TEXT PRIMARY KEY REFERENCES randomization_slots (randomization_number),
          sealed TEXT,
          plain TEXT,
          CHECK ((sealed IS NULL) <> (plain IS NULL))
        ) STRICT;
        CREATE TABLE block_transition_wraps (
          user_id INTEGER PRIMARY KEY REFERENCES users (id),
          wrap_json TEXT NOT NULL
        ) STRICT;
      `);
      const slots = db.prepare('SELECT randomization_number AS n, block FROM randomization_slots').all() as Array<{ n: string; block: string }>;
      if (slots.length > 0) {
        const holders = db
          .prepare('SELECT w.user_id AS userId, k.public_key AS publicKey FROM key_wraps w JOIN user_keys k ON k.user_id = w.user_id WHERE w.user_id IS NOT NULL')
          .all() as Array<{ userId: number; publicKey: string }>;
        const keep = db.prepare('INSERT INTO blocks_in_transition (randomization_number, sealed, plain) VALUES (?, ?, ?)');
        if (holders.length > 0) {
          const transitionKey = randomBytes(32);
          try {
            for (const slot of slots) keep.run(slot.n, seal(transitionKey, slot.block, sealedField.slotBlock(slot.n)), null);
            const wrap = db.prepare('INSERT INTO block_transition_wraps (user_id, wrap_json) VALUES (?, ?)');
            for (const h of holders) wrap.run(h.userId, JSON.stringify(wrapTransitionKeyForUser(transitionKey, h.userId, h.publicKey)));
          } finally {
            transitionKey.fill(0);
          }
        } else {
          for (const slot of slots) keep.run(slot.n, null, slot.block);
        }
      }
      db.exec('ALTER TABLE randomization_slots DROP COLUMN block');
    },
  },
  {
    description: "the monitor's comments on reconciliation discrepancies (issue 11, item 8: sign-off needs one on each open discrepancy)",
    up(db) {
      db.exec(`
        CREATE TABLE discrepancy_comments (
          id INTEGER PRIMARY KEY,
          kit_number TEXT NOT NULL REFERENCES kits (kit_number),
          discrepancies TEXT NOT NULL,
          comment TEXT NOT NULL,
          user_id INTEGER NOT NULL REFERENCES users (id),
          commented_at TEXT NOT NULL
        ) STRICT;
        CREATE INDEX discrepancy_comments_kit ON discrepancy_comments (kit_number);
      `);
    },
  },
  {
    description:
      "expiry hold at receipt (issue 11, item 1): a kit whose real expiry had passed or fell within the do-not-dispense margin when the unblinded pharmacist imported the list is quarantined at receipt; the blinded technician's session cannot open the sealed expiry, so the import records the decision",
    up(db) {
      db.exec('ALTER TABLE kits ADD COLUMN expiry_hold INTEGER NOT NULL DEFAULT 0 CHECK (expiry_hold IN (0, 1))');
    },
  },
  {
    description: 'audit trail indexes by user and by action, so the screen\'s filters and their lists of values cost a few index lookups, not a scan of the whole trail (issue 12)',
    up(db) {
      db.exec(`
        CREATE INDEX audit_events_username ON audit_events (username);
        CREATE INDEX audit_events_action ON audit_events (action);
      `);
    },
  },
  {
    description: 'the sponsor notified of an emergency unblinding: who recorded it, when, and the reference of the notice (issue 11, item 9)',
    up(db) {
      db.exec(`
        CREATE TABLE emergency_sponsor_notifications (
          id INTEGER PRIMARY KEY,
          unblinding_id INTEGER NOT NULL UNIQUE REFERENCES emergency_unblindings (id),
          user_id INTEGER NOT NULL REFERENCES users (id),
          notified_at TEXT NOT NULL,
          reference TEXT
        ) STRICT;
      `);
    },
  },
  {
    description:
      "indexes for the lookups that read a whole table at pharmacy scale (issue 12): a dispensing's kits (every patient view and visit plan), and a kit's label prints (every label printed)",
    up(db) {
      db.exec(`
        CREATE INDEX dispensing_kits_dispensing ON dispensing_kits (dispensing_id);
        CREATE INDEX label_prints_kit ON label_prints (kit_number, kind);
      `);
    },
  },
];
