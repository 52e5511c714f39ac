import { localDate } from '../../shared/schedule/visitSchedule';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { migrate, openDatabase, schemaVersion } from '../../main/core/db/database';
import { migrations } from '../../main/core/db/migrations/index';
import { hashPassword } from '../../main/core/auth/passwords';
import { seal, sealedField } from '../../main/core/crypto/allocationCipher';
import { createUserKeyPair, newDataKey, wrapForEmergency, wrapForUser } from '../../main/core/crypto/keyCustody';
import { KeyRepository, EMERGENCY_HOLDER, userHolder } from '../../main/core/allocation/keyRepository';
import { UserRepository } from '../../main/core/users/userRepository';
import { sqliteStore } from '../../main/core/db/store';
import { studyScope } from '../../main/core/study/studyScope';
import { NS_DUPI } from '../../main/core/demo/demoSeed';
import { openVeilCoreInternals } from '../../main/core/veilCore';
import { AuditRepository } from '../../main/core/audit/auditRepository';
import { AuditTrail, GENESIS_HASH, verifyChain } from '../../main/core/audit/auditTrail';
import { attackerHash } from '../helpers/plantedCopy';

const dir = mkdtempSync(join(tmpdir(), 'veil-migrations-'));

/**
 * Opens a file of an older version and upgrades it to `version` only, as openDatabase does (foreign keys on): the
 * case of step N checks what step N did to a database of its time. Step 20 gives every kit and patient a study, which
 * the older fixtures (kits without a loaded study) never had; its own case starts from a version-19 database that has one.
 */
function upgradeTo(file: string, version: number): Database.Database {
  const db = new Database(file);
  db.pragma('foreign_keys = ON');
  migrate(db, version);
  return db;
}
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('migrations', () => {
  it('bring a new database to the latest version with WAL, synchronous=FULL and foreign keys', () => {
    const db = openDatabase(join(dir, 'new.db'));
    expect(schemaVersion(db)).toBe(migrations.length);
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(db.pragma('synchronous', { simple: true })).toBe(2); // FULL
    expect(db.pragma('foreign_keys', { simple: true })).toBe(1);
    db.close();
  });

  // Each migration N gets a case here: build version N-1 holding data, migrate, check the data survived.
  it('1: 1an empty file becomes version 1', () => {
    const file = join(dir, 'v0.db');
    const raw = new Database(file);
    migrate(raw, 1);
    expect(schemaVersion(raw)).toBe(1);
    raw.prepare("INSERT INTO users (username, display_name, role, password_hash, created_at) VALUES ('a', 'A', 'monitor', 'x', 'now')").run();
    raw.close();
    const db = openDatabase(file);
    expect(db.prepare('SELECT username FROM users').all()).toEqual([{ username: 'a' }]);
    db.close();
  });

  it('2: 2a version-1 database with a user and a setting gains the audit trail, signatures, key custody, lists and kits', () => {
    const file = join(dir, 'v1.db');
    const raw = new Database(file);
    migrate(raw, 1);
    raw.prepare("INSERT INTO users (username, display_name, role, password_hash, created_at) VALUES ('ph', 'P. Harma', 'unblinded_pharmacist', 'hash', '2026-01-01T00:00:00.000Z')").run();
    raw.prepare("INSERT INTO settings (key, value) VALUES ('security', '{\"idleMinutes\":10}')").run();
    expect(schemaVersion(raw)).toBe(1);
    raw.close();

    const db = upgradeTo(file, 2);
    expect(schemaVersion(db)).toBe(2);
    expect(db.prepare('SELECT id, username, display_name, role, password_hash, active FROM users').all()).toEqual([
      { id: 1, username: 'ph', display_name: 'P. Harma', role: 'unblinded_pharmacist', password_hash: 'hash', active: 1 },
    ]);
    expect(db.prepare('SELECT key, value FROM settings').all()).toEqual([{ key: 'security', value: '{"idleMinutes":10}' }]);
    const names = (type: string) => (db.prepare('SELECT name FROM sqlite_master WHERE type = ? ORDER BY name').all(type) as Array<{ name: string }>).map((r) => r.name);
    expect(names('table')).toEqual(expect.arrayContaining(['audit_events', 'signatures', 'user_keys', 'key_wraps', 'list_imports', 'randomization_slots', 'kits']));
    expect(names('trigger')).toEqual(expect.arrayContaining(['audit_events_no_update', 'audit_events_no_delete', 'signatures_no_update', 'signatures_no_delete']));
    const triggersOn = (table: string) => (db.prepare("SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = ?").all(table) as Array<{ name: string }>).length;
    expect(triggersOn('audit_events')).toBe(2);

    // The new tables work with the surviving user, and the audit trail is append-only from the start.
    db.prepare("INSERT INTO signatures (user_id, printed_name, meaning, signed_at_utc, record_type, record_id, record_hash) VALUES (1, 'P. Harma', 'm', 't', 'list_import', 'x', 'h')").run();
    db.prepare("INSERT INTO list_imports (kind, file_name, sha256, row_count, imported_at, user_id, signature_id) VALUES ('kits', 'k.csv', 'abc', 1, 't', 1, 1)").run();
    db.prepare("INSERT INTO kits (kit_number, arm_sealed, lot_sealed, expiry_sealed, blinded_lot, use_before, import_id) VALUES ('1001', 's', 's', 's', 'L', '2028-01-31', 1)").run();
    db.prepare(
      "INSERT INTO audit_events (seq, at_utc, at_offset, username, action, entity_type, entity_id, prev_hash, hash) VALUES (1, 't', '+00:00', 'ph', 'a', 'e', '1', 'p', 'h')",
    ).run();
    expect(() => db.prepare("UPDATE audit_events SET action = 'b'").run()).toThrow(/append-only/);
    expect(() => db.prepare('DELETE FROM audit_events').run()).toThrow(/append-only/);
    expect(() => db.prepare("UPDATE signatures SET meaning = 'other'").run()).toThrow(/cannot be changed/);
    // Foreign keys hold: a kit cannot point to a missing import.
    expect(() => db.prepare("INSERT INTO kits (kit_number, arm_sealed, lot_sealed, expiry_sealed, blinded_lot, use_before, import_id) VALUES ('1002', 's', 's', 's', 'L', 'd', 99)").run()).toThrow(/FOREIGN KEY/);
    db.close();
  });

  /** A version-2 database holding a user, a signature, a list import, a slot and a kit: the base for steps 3 and 4. */
  function versionTwoWithData(file: string): Database.Database {
    const raw = new Database(file);
    migrate(raw, 2);
    raw.exec(`
      INSERT INTO users (id, username, display_name, role, password_hash, created_at) VALUES (1, 'ph', 'Pharmacist', 'unblinded_pharmacist', 'x', 'now');
      INSERT INTO signatures (id, user_id, printed_name, meaning, signed_at_utc, record_type, record_id, record_hash) VALUES (1, 1, 'Pharmacist', 'm', 'now', 'list_import', 'h', 'h');
      INSERT INTO list_imports (id, kind, file_name, sha256, row_count, imported_at, user_id, signature_id) VALUES (1, 'kits', 'k.csv', 'h', 1, 'now', 1, 1);
      INSERT INTO randomization_slots (randomization_number, list_order, block, stratum, arm_sealed, import_id) VALUES ('R001', 1, 'B1', 'ALL', 'v1.x.y', 1);
      INSERT INTO kits (kit_number, arm_sealed, lot_sealed, expiry_sealed, blinded_lot, use_before, status, import_id) VALUES ('100001', 'v1.a.b', 'v1.c.d', 'v1.e.f', 'BL', '2027-01-31', 'available', 1);
    `);
    return raw;
  }

  it('3: 3a version-2 database with kits and slots gains shipments, patients, dispensings and label prints', () => {
    const file = join(dir, 'v2.db');
    versionTwoWithData(file).close();
    const db = upgradeTo(file, 3);
    expect(schemaVersion(db)).toBe(3);
    expect(db.prepare('SELECT kit_number, status FROM kits').all()).toEqual([{ kit_number: '100001', status: 'available' }]);
    db.exec(`
      INSERT INTO patients (id, screening_number, initials, year_of_birth, investigator, stratum, status, randomization_number, baseline_date, registered_at)
        VALUES (1, 'S-1', 'AB', 1980, 'Dr', 'ALL', 'randomized', 'R001', '2026-01-01', 'now');
      INSERT INTO dispensings (id, patient_id, visit_code, dispensed_at, user_id, signature_id) VALUES (1, 1, 'D1', 'now', 1, 1);
      INSERT INTO dispensing_kits (dispensing_id, kit_number, source) VALUES (1, '100001', 'scanner');
      INSERT INTO label_prints (kit_number, kind, requested_at, user_id) VALUES ('100001', 'carton', 'now', 1);
    `);
    expect(() => db.prepare("INSERT INTO dispensing_kits (dispensing_id, kit_number, source) VALUES (1, '100001', 'scanner')").run()).toThrow(/UNIQUE/);
    db.close();
  });

  it('4: 4a version-3 database with a dispensing gains returns, sign-offs, destructions and emergency unblindings', () => {
    const file = join(dir, 'v3.db');
    const raw = versionTwoWithData(file);
    migrate(raw, 3);
    raw.exec(`
      INSERT INTO patients (id, screening_number, initials, year_of_birth, investigator, stratum, status, randomization_number, baseline_date, registered_at)
        VALUES (1, 'S-1', 'AB', 1980, 'Dr', 'ALL', 'randomized', 'R001', '2026-01-01', 'now');
      INSERT INTO dispensings (id, patient_id, visit_code, dispensed_at, user_id, signature_id) VALUES (1, 1, 'D1', 'now', 1, 1);
      INSERT INTO dispensing_kits (dispensing_id, kit_number, source) VALUES (1, '100001', 'scanner');
    `);
    raw.close();
    const db = upgradeTo(file, 4);
    expect(schemaVersion(db)).toBe(4);
    expect(db.prepare('SELECT kit_number FROM dispensing_kits').all()).toEqual([{ kit_number: '100001' }]);
    db.exec(`
      INSERT INTO kit_returns (kit_number, patient_id, returned_at, user_id, condition, units_returned, units_missing, source) VALUES ('100001', 1, 'now', 1, 'used', 1, 0, 'scanner');
      INSERT INTO emergency_unblindings (patient_id, user_id, unblinded_at, reason, adverse_event, signature_id) VALUES (1, 1, 'now', 'reason', 1, 1);
    `);
    expect(() => db.prepare("INSERT INTO kit_returns (kit_number, patient_id, returned_at, user_id, condition, units_returned, units_missing, source) VALUES ('100001', 1, 'now', 1, 'lost', 1, 0, 'x')").run()).toThrow();
    db.close();
  });

  it('5: 5a version-4 database loses the key pairs and wraps of users whose password must still change, and nothing else', () => {
    const file = join(dir, 'v4.db');
    const raw = versionTwoWithData(file);
    migrate(raw, 4);
    raw.exec(`
      INSERT INTO users (id, username, display_name, role, password_hash, must_change_password, created_at) VALUES
        (2, 'reset.ph', 'Reset Pharmacist', 'unblinded_pharmacist', 'x', 1, 'now'),
        (3, 'um', 'Unblinded Monitor', 'unblinded_monitor', 'x', 0, 'now');
      INSERT INTO user_keys (user_id, public_key, sealed_private_key, created_at) VALUES
        (1, 'pk1', '{"sealed":"own"}', 'now'), (2, 'pk2', '{"sealed":"temporary"}', 'now'), (3, 'pk3', '{"sealed":"own"}', 'now');
      INSERT INTO key_wraps (holder, user_id, wrap_json, granted_by, created_at) VALUES
        ('emergency', NULL, '{"e":1}', 1, 'now'), ('user:1', 1, '{"w":1}', 1, 'now'), ('user:2', 2, '{"w":2}', 1, 'now'), ('user:3', 3, '{"w":3}', 1, 'now');
      INSERT INTO patients (id, screening_number, initials, year_of_birth, investigator, stratum, status, randomization_number, baseline_date, registered_at)
        VALUES (1, 'S-1', 'AB', 1980, 'Dr', 'ALL', 'randomized', 'R001', '2026-01-01', 'now');
    `);
    expect(schemaVersion(raw)).toBe(4);
    raw.close();

    // Up to step 5 only: step 7 seals blocks with a transition key wrapped to each holder's public key, which the
    // stand-in keys above are not (its own test below uses real key pairs).
    const db = new Database(file);
    migrate(db, 5);
    expect(schemaVersion(db)).toBe(5);
    expect(db.prepare('SELECT user_id FROM user_keys ORDER BY user_id').all()).toEqual([{ user_id: 1 }, { user_id: 3 }]);
    expect(db.prepare('SELECT holder FROM key_wraps ORDER BY holder').all()).toEqual([{ holder: 'emergency' }, { holder: 'user:1' }, { holder: 'user:3' }]);
    // The account itself, the study's data and the emergency wrap stay.
    expect(db.prepare('SELECT id, username, must_change_password FROM users ORDER BY id').all()).toEqual([
      { id: 1, username: 'ph', must_change_password: 0 },
      { id: 2, username: 'reset.ph', must_change_password: 1 },
      { id: 3, username: 'um', must_change_password: 0 },
    ]);
    expect(db.prepare('SELECT screening_number FROM patients').all()).toEqual([{ screening_number: 'S-1' }]);
    // Wrong code-break passphrases now have a per-study count.
    db.prepare("INSERT INTO code_break_attempts (study_code, failed_attempts, locked_until) VALUES ('NS-DUPI', 2, NULL)").run();
    expect(() => db.prepare("INSERT INTO code_break_attempts (study_code, failed_attempts) VALUES ('NS-DUPI', 1)").run()).toThrow(/UNIQUE/);
    db.close();
  });

  it('6: 6a version-5 database with a signature gains the chain head of each signature; the old one keeps none, the trail stays append-only', () => {
    const file = join(dir, 'v5.db');
    const raw = versionTwoWithData(file);
    migrate(raw, 5);
    raw.exec(`
      INSERT INTO audit_events (seq, at_utc, at_offset, username, action, entity_type, entity_id, prev_hash, hash) VALUES (1, 't', '+00:00', 'ph', 'a', 'e', '1', 'p', 'h1');
    `);
    raw.close();
    const db = upgradeTo(file, 6);
    expect(schemaVersion(db)).toBe(6);
    expect(db.prepare('SELECT id, meaning, record_hash, chain_seq, chain_hash FROM signatures').all()).toEqual([{ id: 1, meaning: 'm', record_hash: 'h', chain_seq: null, chain_hash: null }]);
    db.prepare("INSERT INTO signatures (user_id, printed_name, meaning, signed_at_utc, record_type, record_id, record_hash, chain_seq, chain_hash) VALUES (1, 'P', 'm', 't', 'x', 'y', 'h', 1, 'h1')").run();
    expect(db.prepare('SELECT chain_seq, chain_hash FROM signatures WHERE id = 2').get()).toEqual({ chain_seq: 1, chain_hash: 'h1' });
    expect(() => db.prepare('UPDATE signatures SET chain_hash = ? WHERE id = 2').run('forged')).toThrow(/cannot be changed/);
    expect(() => db.prepare('DELETE FROM audit_events').run()).toThrow(/append-only/);
    db.close();
  });

  /**
   * A version-4 database as Veil 4 wrote it after a randomization list import: a study, an unblinded pharmacist holding
   * the allocation key (and the code-break wrap), and slots whose arms are sealed but whose blocks are plain text.
   */
  async function versionFourWithPlainBlocks(file: string, blocks: string[], options: { holder: boolean }) {
    const password = 'pharmacist password 4';
    const raw = new Database(file);
    raw.pragma('journal_mode = WAL');
    migrate(raw, 4);
    const now = '2026-01-05T09:00:00.000Z';
    const store = sqliteStore(raw);
    // The study as a version-4 Veil wrote it: the one row of `study`.
    raw.prepare('INSERT INTO study (id, code, config_json, loaded_at) VALUES (1, ?, ?, ?)').run(NS_DUPI.code, JSON.stringify(NS_DUPI), now);
    const users = new UserRepository(store);
    const userId = await users.insert({ username: 'pharma', displayName: 'P. Harma', role: 'unblinded_pharmacist', passwordHash: await hashPassword(password), mustChangePassword: false, createdAt: now });
    const pair = await createUserKeyPair(userId, password);
    const keys = new KeyRepository(store, studyScope(1));
    await keys.saveUserKey(userId, pair.publicKey, pair.sealedPrivateKey, now);
    const dataKey = newDataKey();
    // The wraps as a version-4 Veil wrote them: one per holder, naming no study (migration 22 gives them the first).
    const wrap = raw.prepare('INSERT INTO key_wraps (holder, user_id, wrap_json, granted_by, created_at) VALUES (?, ?, ?, ?, ?)');
    wrap.run(EMERGENCY_HOLDER, null, JSON.stringify(await wrapForEmergency(dataKey, 'AAAAA-BBBBB-CCCCC-DDDDD-EEEEE-FFFFF-GGGGG-HHHHH')), userId, now);
    if (options.holder) wrap.run(userHolder(userId), userId, JSON.stringify(wrapForUser(dataKey, userId, pair.publicKey)), userId, now);
    raw.prepare("INSERT INTO signatures (id, user_id, printed_name, meaning, signed_at_utc, record_type, record_id, record_hash) VALUES (1, ?, 'P. Harma', 'm', ?, 'list_import', 'h', 'h')").run(userId, now);
    raw.prepare("INSERT INTO list_imports (id, kind, file_name, sha256, row_count, imported_at, user_id, signature_id) VALUES (1, 'randomization', 'r.csv', 'h', ?, ?, ?, 1)").run(blocks.length * 3, now, userId);
    const insert = raw.prepare('INSERT INTO randomization_slots (randomization_number, list_order, block, stratum, arm_sealed, import_id) VALUES (?, ?, ?, ?, ?, 1)');
    const slots: Array<{ randomizationNumber: string; block: string; armCode: string }> = [];
    blocks.forEach((block, b) =>
      ['DUPI300', 'PLACEBO', 'DUPI300'].forEach((arm, i) => {
        const randomizationNumber = `R${String(b * 3 + i + 1).padStart(3, '0')}`;
        insert.run(randomizationNumber, b * 3 + i + 1, block, 'ALL', seal(dataKey, arm, sealedField.slotArm(randomizationNumber)));
        slots.push({ randomizationNumber, block, armCode: arm });
      }),
    );
    expect(schemaVersion(raw)).toBe(4);
    await store.close();
    raw.close();
    return { password, slots, userId, dataKey, publicKey: pair.publicKey };
  }

  const fileText = (file: string) => Buffer.concat([readFileSync(file), ...(existsSync(file + '-wal') ? [readFileSync(file + '-wal')] : [])]).toString('latin1');

  it('7: 7a version-4 database with plain-text randomization blocks keeps none in its file or WAL, and the register still shows them', async () => {
    const file = join(dir, 'v4-blocks.db');
    const blocks = ['BLK-WX41', 'BLK-WX42', 'BLK-WX43'];
    const { password, slots, userId } = await versionFourWithPlainBlocks(file, blocks, { holder: true });
    expect(fileText(file)).toContain(blocks[0]); // the old file really held them

    const core = await openVeilCoreInternals({ dbFile: file, mode: 'browser', idleSweepMs: 0 });
    try {
      expect(schemaVersion(core.db)).toBe(migrations.length);
      // Straight after the upgrade, before anyone holding the key logs in: a copied file reveals no block.
      for (const block of blocks) expect(fileText(file).includes(block), block).toBe(false);
      const columns = (core.db.prepare('PRAGMA table_info(randomization_slots)').all() as Array<{ name: string }>).map((c) => c.name);
      expect(columns).not.toContain('block');
      expect(columns).toContain('block_sealed');
      // Sealed for the one key holder, under a transition key only they can open.
      expect(core.db.prepare('SELECT count(*) AS n FROM blocks_in_transition WHERE sealed IS NOT NULL AND plain IS NULL').get()).toEqual({ n: 9 });
      expect(core.db.prepare('SELECT user_id AS u FROM block_transition_wraps').all()).toEqual([{ u: userId }]);

      const login = await core.dispatch('w', 'session.login', { username: 'pharma', password });
      if (!login.ok) throw new Error(login.error.message);
      // That login resealed them under the allocation key, once, audited, and the transition key is gone.
      expect(core.db.prepare('SELECT count(*) AS n FROM blocks_in_transition').get()).toEqual({ n: 0 });
      expect(core.db.prepare('SELECT count(*) AS n FROM block_transition_wraps').get()).toEqual({ n: 0 });
      expect(core.db.prepare('SELECT count(*) AS n FROM randomization_slots WHERE block_sealed IS NULL').get()).toEqual({ n: 0 });
      expect((await core.audit.query({ action: 'allocation.blocks_sealed' })).map((e) => [e.username, e.after])).toEqual([['pharma', { slots: 9 }]]);
      const register = await core.dispatch('w', 'allocation.register', { password });
      if (!register.ok) throw new Error(register.error.message);
      const shown = (register.value as { slots: Array<{ randomizationNumber: string; block: string; armCode: string }> }).slots;
      expect(shown.map((s) => ({ randomizationNumber: s.randomizationNumber, block: s.block, armCode: s.armCode }))).toEqual(slots);
      for (const block of blocks) expect(fileText(file).includes(block), block).toBe(false);
      // A second login finds nothing left to do.
      await core.dispatch('w', 'session.logout', {});
      expect((await core.dispatch('w', 'session.login', { username: 'pharma', password })).ok).toBe(true);
      expect((await core.audit.query({ action: 'allocation.blocks_sealed' }))).toHaveLength(1);
    } finally {
      core.close();
    }
  });

  it('7: 7when nobody holds the allocation key any more, the plain blocks wait where no channel reads them, then are sealed by the first key session', async () => {
    const file = join(dir, 'v4-blocks-no-holder.db');
    const blocks = ['BLK-NH51', 'BLK-NH52'];
    const { password, slots, userId, dataKey, publicKey } = await versionFourWithPlainBlocks(file, blocks, { holder: false });
    const core = await openVeilCoreInternals({ dbFile: file, mode: 'browser', idleSweepMs: 0 });
    try {
      // Nothing could seal them for anyone: they are kept, not destroyed, out of the slots table blinded reports read.
      expect(JSON.stringify(core.db.prepare('SELECT * FROM randomization_slots').all())).not.toContain('BLK-NH');
      expect(core.db.prepare('SELECT count(*) AS n FROM blocks_in_transition WHERE plain IS NOT NULL').get()).toEqual({ n: 6 });
      // Access restored to the pharmacist (as a grant would), then their login seals the blocks under the allocation key.
      await core.repositories.keys.saveWrap(userHolder(userId), userId, wrapForUser(dataKey, userId, publicKey), userId, '2026-01-06T09:00:00.000Z');
      expect((await core.dispatch('w', 'session.login', { username: 'pharma', password })).ok).toBe(true);
      for (const block of blocks) expect(fileText(file).includes(block), block).toBe(false);
      const register = await core.dispatch('w', 'allocation.register', { password });
      if (!register.ok) throw new Error(register.error.message);
      expect((register.value as { slots: Array<{ block: string }> }).slots.map((s) => s.block)).toEqual(slots.map((s) => s.block));
    } finally {
      core.close();
    }
  });

  it('8: 8a version-7 database with a return gains the monitor\'s discrepancy comments, the return kept as it was', () => {
    const file = join(dir, 'v7.db');
    const raw = versionTwoWithData(file);
    migrate(raw, 7);
    raw.exec(`
      INSERT INTO patients (id, screening_number, initials, year_of_birth, investigator, stratum, status, randomization_number, baseline_date, registered_at)
        VALUES (1, 'S-1', 'AB', 1980, 'Dr', 'ALL', 'randomized', 'R001', '2026-01-01', 'now');
      INSERT INTO dispensings (id, patient_id, visit_code, dispensed_at, user_id, signature_id) VALUES (1, 1, 'D1', 'now', 1, 1);
      INSERT INTO dispensing_kits (dispensing_id, kit_number, source) VALUES (1, '100001', 'scanner');
      INSERT INTO kit_returns (kit_number, patient_id, returned_at, user_id, condition, units_returned, units_missing, source) VALUES ('100001', 1, 'now', 1, 'unused', 1, 0, 'scanner');
    `);
    expect(schemaVersion(raw)).toBe(7);
    raw.close();
    const db = upgradeTo(file, 8);
    expect(schemaVersion(db)).toBe(8);
    expect(db.prepare('SELECT kit_number, condition, verified_at FROM kit_returns').all()).toEqual([{ kit_number: '100001', condition: 'unused', verified_at: null }]);
    db.prepare("INSERT INTO discrepancy_comments (kit_number, discrepancies, comment, user_id, commented_at) VALUES ('100001', 'dose_not_taken', 'Dose missed', 1, 'now')").run();
    // A comment names a kit of the kit list and a user.
    expect(() => db.prepare("INSERT INTO discrepancy_comments (kit_number, discrepancies, comment, user_id, commented_at) VALUES ('no-such-kit', 'x', 'y', 1, 'now')").run()).toThrow();
    db.close();
  });

  it('9: 9a version-8 database with kits gains the expiry hold, every kit kept as it was and not held', () => {
    const file = join(dir, 'v8.db');
    const raw = versionTwoWithData(file);
    migrate(raw, 8);
    const before = raw.prepare('SELECT * FROM kits ORDER BY kit_number').all();
    expect(before.length).toBeGreaterThan(0);
    expect(schemaVersion(raw)).toBe(8);
    raw.close();
    const db = upgradeTo(file, 9);
    expect(schemaVersion(db)).toBe(9);
    const after = db.prepare('SELECT * FROM kits ORDER BY kit_number').all() as Array<Record<string, unknown>>;
    expect(after.map(({ expiry_hold, ...rest }) => (expect(expiry_hold).toBe(0), rest))).toEqual(before);
    expect(() => db.prepare("UPDATE kits SET expiry_hold = 2 WHERE kit_number = '100001'").run()).toThrow();
    db.close();
  });

  it('10: 10a version-9 database with an audit trail gains the indexes by user and action, every event kept as it was', () => {
    const file = join(dir, 'v9.db');
    const raw = versionTwoWithData(file);
    migrate(raw, 9);
    const event = raw.prepare("INSERT INTO audit_events (seq, at_utc, at_offset, user_id, username, action, entity_type, entity_id, prev_hash, hash) VALUES (?, 'now', '+00:00', 1, 'ph', ?, 'kit', '100001', 'p', 'h')");
    event.run(1, 'kit.received');
    event.run(2, 'dispensing.confirmed');
    const before = raw.prepare('SELECT * FROM audit_events ORDER BY seq').all();
    expect(before.length).toBeGreaterThan(0);
    raw.close();
    const db = upgradeTo(file, 10);
    expect(schemaVersion(db)).toBe(10);
    // The columns of version 9 (a later step adds one: the study each event names).
    const columns = Object.keys(before[0] as object).join(', ');
    expect(db.prepare(`SELECT ${columns} FROM audit_events ORDER BY seq`).all()).toEqual(before);
    const indexes = db.prepare("SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'audit_events' ORDER BY name").pluck().all();
    expect(indexes).toEqual(expect.arrayContaining(['audit_events_action', 'audit_events_username']));
    db.close();
  });

  it('11: 11a version-10 database with an emergency unblinding gains the sponsor notifications, one per unblinding', () => {
    const file = join(dir, 'v10-unblinding.db');
    const raw = versionTwoWithData(file);
    migrate(raw, 10);
    raw.exec(`
      INSERT INTO patients (id, screening_number, initials, year_of_birth, investigator, stratum, status, randomization_number, baseline_date, registered_at)
        VALUES (1, 'S-1', 'AB', 1980, 'Dr', 'ALL', 'randomized', 'R001', '2026-01-01', 'now');
      INSERT INTO emergency_unblindings (id, patient_id, user_id, unblinded_at, reason, adverse_event, signature_id) VALUES (1, 1, 1, 'now', 'Anaphylaxis', 1, 1);
    `);
    expect(schemaVersion(raw)).toBe(10);
    raw.close();
    const db = upgradeTo(file, 11);
    expect(schemaVersion(db)).toBe(11);
    expect(db.prepare('SELECT id, reason FROM emergency_unblindings').all()).toEqual([{ id: 1, reason: 'Anaphylaxis' }]);
    db.prepare("INSERT INTO emergency_sponsor_notifications (unblinding_id, user_id, notified_at, reference) VALUES (1, 1, 'now', NULL)").run();
    // Once per unblinding, and only for an unblinding that exists.
    expect(() => db.prepare("INSERT INTO emergency_sponsor_notifications (unblinding_id, user_id, notified_at) VALUES (1, 1, 'later')").run()).toThrow(/UNIQUE/);
    expect(() => db.prepare("INSERT INTO emergency_sponsor_notifications (unblinding_id, user_id, notified_at) VALUES (2, 1, 'now')").run()).toThrow(/FOREIGN KEY/);
    db.close();
  });

  it('12: 12a version-11 database with dispensings and label prints gains their indexes, and the lookups use them', () => {
    const file = join(dir, 'v11.db');
    const raw = versionTwoWithData(file);
    migrate(raw, 11);
    raw.exec(`
      INSERT INTO patients (id, screening_number, initials, year_of_birth, investigator, stratum, status, randomization_number, baseline_date, registered_at)
        VALUES (1, 'S-1', 'AB', 1980, 'Dr', 'ALL', 'randomized', 'R001', '2026-01-01', 'now');
      INSERT INTO dispensings (id, patient_id, visit_code, dispensed_at, user_id, signature_id) VALUES (1, 1, 'D1', 'now', 1, 1);
      INSERT INTO dispensing_kits (dispensing_id, kit_number, source) VALUES (1, '100001', 'scanner');
      INSERT INTO label_prints (kit_number, kind, requested_at, user_id) VALUES ('100001', 'carton', 'now', 1);
    `);
    const tables = ['dispensings', 'dispensing_kits', 'label_prints'];
    const before = tables.map((table) => raw.prepare(`SELECT * FROM ${table}`).all());
    expect(before.every((rows) => rows.length > 0)).toBe(true);
    raw.close();
    const db = upgradeTo(file, 12);
    expect(schemaVersion(db)).toBe(12);
    expect(tables.map((table) => db.prepare(`SELECT * FROM ${table}`).all())).toEqual(before);
    const plan = (sql: string) => (db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all() as Array<{ detail: string }>).map((r) => r.detail).join(' | ');
    expect(plan('SELECT kit_number FROM dispensing_kits WHERE dispensing_id = 1')).toMatch(/USING (COVERING )?INDEX dispensing_kits_dispensing/);
    expect(plan("SELECT count(*) FROM label_prints WHERE kit_number = '100001' AND kind = 'carton'")).toMatch(/USING (COVERING )?INDEX label_prints_kit/);
    db.close();
  });

  it('13: 13a version-12 database with kits and a dispensing gains the cold chain, every kit kept as it was and in no location', () => {
    const file = join(dir, 'v12.db');
    const raw = versionTwoWithData(file);
    migrate(raw, 12);
    raw.exec(`
      INSERT INTO patients (id, screening_number, initials, year_of_birth, investigator, stratum, status, randomization_number, baseline_date, registered_at)
        VALUES (1, 'S-1', 'AB', 1980, 'Dr', 'ALL', 'randomized', 'R001', '2026-01-01', 'now');
      INSERT INTO dispensings (id, patient_id, visit_code, dispensed_at, user_id, signature_id) VALUES (1, 1, 'D1', 'now', 1, 1);
      INSERT INTO dispensing_kits (dispensing_id, kit_number, source) VALUES (1, '100001', 'scanner');
    `);
    const tables = ['kits', 'dispensings', 'dispensing_kits'];
    const before = tables.map((table) => raw.prepare(`SELECT * FROM ${table}`).all());
    expect(before.every((rows) => rows.length > 0)).toBe(true);
    expect(schemaVersion(raw)).toBe(12);
    raw.close();
    const db = upgradeTo(file, 13);
    expect(schemaVersion(db)).toBe(13);
    expect(tables.map((table) => db.prepare(`SELECT * FROM ${table}`).all())).toEqual(before);
    expect(db.prepare('SELECT count(*) FROM kit_stays').pluck().get()).toBe(0);
    db.exec(`
      INSERT INTO storage_locations (id, name, kind, min_centi, max_centi, calibration_due, barcode, created_at) VALUES (1, 'Fridge A', 'fridge', 200, 800, '2027-01-31', 'LOC-FRIDGE-A', 'now');
      INSERT INTO kit_stays (kit_number, location_id, from_ms, to_ms, user_id) VALUES ('100001', 1, 1000, NULL, 1);
    `);
    // One open stay per kit; a range must have its minimum below its maximum; a stay names a kit of the list.
    expect(() => db.prepare("INSERT INTO kit_stays (kit_number, location_id, from_ms, to_ms, user_id) VALUES ('100001', 1, 2000, NULL, 1)").run()).toThrow(/UNIQUE/);
    expect(() => db.prepare("INSERT INTO storage_locations (name, kind, min_centi, max_centi, barcode, created_at) VALUES ('Bad', 'fridge', 800, 200, 'LOC-BAD', 'now')").run()).toThrow(/CHECK/);
    expect(() => db.prepare("INSERT INTO kit_stays (kit_number, location_id, from_ms, to_ms, user_id) VALUES ('no-such-kit', 1, 2000, NULL, 1)").run()).toThrow(/FOREIGN KEY/);
    // Epoch milliseconds beyond 32 bits are kept exactly.
    db.prepare("INSERT INTO temperature_imports (id, location_id, file_name, sha256, format, reading_count, first_ms, last_ms, imported_at, user_id) VALUES (1, 1, 'a.csv', 'abc', 'plain', 1, 1780000000000, 1780000000000, 'now', 1)").run();
    db.prepare('INSERT INTO temperature_readings (location_id, at_ms, centi, import_id) VALUES (1, 1780000000000, 512, 1)').run();
    expect(db.prepare('SELECT at_ms, centi FROM temperature_readings').get()).toEqual({ at_ms: 1780000000000, centi: 512 });
    expect(() => db.prepare("INSERT INTO temperature_imports (location_id, file_name, sha256, format, reading_count, first_ms, last_ms, imported_at, user_id) VALUES (1, 'b.csv', 'abc', 'plain', 1, 1, 1, 'now', 1)").run()).toThrow(/UNIQUE/);
    db.close();
  });

  it('14: 14a version-13 database with a dispensing gains extra dispensings: a replacement names the kit it replaces, once', () => {
    const file = join(dir, 'v13.db');
    const raw = versionTwoWithData(file);
    migrate(raw, 13);
    raw.exec(`
      INSERT INTO patients (id, screening_number, initials, year_of_birth, investigator, stratum, status, randomization_number, baseline_date, registered_at)
        VALUES (1, 'S-1', 'AB', 1980, 'Dr', 'ALL', 'randomized', 'R001', '2026-01-01', 'now');
      INSERT INTO dispensings (id, patient_id, visit_code, dispensed_at, user_id, signature_id) VALUES (1, 1, 'D1', 'now', 1, 1);
      INSERT INTO dispensing_kits (dispensing_id, kit_number, source) VALUES (1, '100001', 'scanner');
    `);
    const tables = ['kits', 'dispensings', 'dispensing_kits'];
    const before = tables.map((table) => raw.prepare(`SELECT * FROM ${table}`).all());
    expect(before.every((rows) => rows.length > 0)).toBe(true);
    raw.close();
    const db = upgradeTo(file, 14);
    expect(schemaVersion(db)).toBe(14);
    expect(tables.map((table) => db.prepare(`SELECT * FROM ${table}`).all())).toEqual(before);
    expect(db.prepare('SELECT count(*) FROM extra_dispensings').pluck().get()).toBe(0);
    db.exec("INSERT INTO dispensings (id, patient_id, visit_code, dispensed_at, user_id, signature_id) VALUES (2, 1, 'D1/R1', 'now', 1, 1), (3, 1, 'U1', 'now', 1, 1)");
    db.exec("INSERT INTO extra_dispensings (dispensing_id, kind, replaces_kit, reason) VALUES (2, 'replacement', '100001', 'Dropped by the patient')");
    db.exec("INSERT INTO extra_dispensings (dispensing_id, kind, replaces_kit, reason) VALUES (3, 'unscheduled', NULL, 'Extra dose ordered')");
    // A replacement names the kit it replaces (a kit of the list, replaced once); an unscheduled dispensing names none.
    db.exec("INSERT INTO dispensings (id, patient_id, visit_code, dispensed_at, user_id, signature_id) VALUES (4, 1, 'D1/R2', 'now', 1, 1)");
    expect(() => db.prepare("INSERT INTO extra_dispensings (dispensing_id, kind, replaces_kit, reason) VALUES (4, 'replacement', '100001', 'again')").run()).toThrow(/UNIQUE/);
    expect(() => db.prepare("INSERT INTO extra_dispensings (dispensing_id, kind, replaces_kit, reason) VALUES (4, 'replacement', NULL, 'none')").run()).toThrow(/CHECK/);
    expect(() => db.prepare("INSERT INTO extra_dispensings (dispensing_id, kind, replaces_kit, reason) VALUES (4, 'unscheduled', '100001', 'both')").run()).toThrow(/CHECK/);
    expect(() => db.prepare("INSERT INTO extra_dispensings (dispensing_id, kind, replaces_kit, reason) VALUES (4, 'replacement', 'no-such-kit', 'x')").run()).toThrow(/FOREIGN KEY/);
    db.close();
  });

  it('15: 15a version-14 database with kits gains the over-labels, every kit kept as it was; one over-label per kit and extension', () => {
    const file = join(dir, 'v14.db');
    const raw = versionTwoWithData(file);
    migrate(raw, 14);
    const before = raw.prepare('SELECT * FROM kits').all();
    expect(before.length).toBeGreaterThan(0);
    raw.close();
    const db = upgradeTo(file, 15);
    expect(schemaVersion(db)).toBe(15);
    expect(db.prepare('SELECT * FROM kits').all()).toEqual(before);
    expect(db.prepare('SELECT count(*) FROM over_labels').pluck().get()).toBe(0);
    db.exec("INSERT INTO over_labels (kit_number, use_before, signature_id, queued_at) VALUES ('100001', '2029-01-31', 1, 'now')");
    expect(() => db.prepare("INSERT INTO over_labels (kit_number, use_before, signature_id, queued_at) VALUES ('100001', '2029-02-28', 1, 'now')").run()).toThrow(/UNIQUE/);
    expect(() => db.prepare("INSERT INTO over_labels (kit_number, use_before, signature_id, queued_at) VALUES ('no-such-kit', '2029-01-31', 1, 'now')").run()).toThrow(/FOREIGN KEY/);
    db.close();
  });

  it('16: 16a version-15 database gains the study closures, every table kept as it was; one closure in force per study', () => {
    const file = join(dir, 'v15.db');
    const raw = versionTwoWithData(file);
    migrate(raw, 15);
    const tables = ['kits', 'users', 'audit_events', 'signatures'];
    const before = tables.map((table) => raw.prepare(`SELECT * FROM ${table}`).all());
    raw.close();
    const db = upgradeTo(file, 16);
    expect(schemaVersion(db)).toBe(16);
    expect(tables.map((table) => db.prepare(`SELECT * FROM ${table}`).all())).toEqual(before);
    expect(db.prepare('SELECT count(*) FROM study_closures').pluck().get()).toBe(0);
    db.exec("INSERT INTO study_closures (study_code, closed_at, closed_by, close_signature_id) VALUES ('NS-DUPI', 'then', 1, 1)");
    // A second closure in force for the same study is refused; once the first is reopened, the study may close again.
    expect(() => db.prepare("INSERT INTO study_closures (study_code, closed_at, closed_by, close_signature_id) VALUES ('NS-DUPI', 'now', 1, 1)").run()).toThrow(/UNIQUE/);
    db.exec("UPDATE study_closures SET reopened_at = 'later', reopened_by = 1, reopen_signature_id = 1, reopen_reason = 'A kit came back'");
    db.exec("INSERT INTO study_closures (study_code, closed_at, closed_by, close_signature_id) VALUES ('NS-DUPI', 'now', 1, 1)");
    expect(() => db.prepare("INSERT INTO study_closures (study_code, closed_at, closed_by, close_signature_id) VALUES ('OTHER-STUDY', 'now', 99, 1)").run()).toThrow(/FOREIGN KEY/);
    db.close();
  });

  it('17: 17a version-16 database gains the status indexes, every table kept as it was; the home counts read through them', () => {
    const file = join(dir, 'v16.db');
    const raw = versionTwoWithData(file);
    migrate(raw, 16);
    const tables = ['kits', 'patients', 'users', 'audit_events', 'signatures'];
    const before = tables.map((table) => raw.prepare(`SELECT * FROM ${table}`).all());
    const plan = (database: Database.Database, sql: string) => (database.prepare(`EXPLAIN QUERY PLAN ${sql}`).all() as Array<{ detail: string }>).map((r) => r.detail).join(' | ');
    const quarantined = "SELECT count(*) FROM kits WHERE status = 'quarantined'";
    const randomized = "SELECT id FROM patients WHERE status = 'randomized'";
    // Before the step, both counts read every row.
    expect(plan(raw, quarantined)).toMatch(/SCAN kits/);
    raw.close();
    const db = upgradeTo(file, 17);
    expect(schemaVersion(db)).toBe(17);
    expect(tables.map((table) => db.prepare(`SELECT * FROM ${table}`).all())).toEqual(before);
    expect(plan(db, quarantined)).toMatch(/USING COVERING INDEX kits_status/);
    expect(plan(db, "SELECT count(*) FROM kits WHERE status = 'available' AND use_before <= '2027-01-31'")).toMatch(/USING COVERING INDEX kits_status \(status=\? AND use_before<\?\)/);
    expect(plan(db, randomized)).toMatch(/USING COVERING INDEX patients_status/);
    db.close();
  });

  it('18: 18a version-17 trail keeps its chain; events from then on name their study, covered by the hash', async () => {
    const file = join(dir, 'v17.db');
    const raw = versionTwoWithData(file);
    migrate(raw, 17);
    // Three events hashed as Veil hashed them before this step (no study in the content), linked into a chain.
    const columns = ['seq', 'at_utc', 'at_offset', 'user_id', 'username', 'action', 'entity_type', 'entity_id', 'before_json', 'after_json', 'reason', 'source', 'signature_id', 'prev_hash', 'hash'];
    let prev = GENESIS_HASH;
    for (const [seq, action] of [[1, 'user.created'], [2, 'kit.status_changed'], [3, 'session.login']] as const) {
      const row: Record<string, unknown> = { seq, at_utc: `2026-01-0${seq}T09:00:00.000Z`, at_offset: '+01:00', user_id: 1, username: 'ph', action, entity_type: 'kit', entity_id: '100001', before_json: null, after_json: '{"status":"available"}', reason: null, source: null, signature_id: null, prev_hash: prev };
      row.hash = attackerHash(row);
      prev = row.hash as string;
      raw.prepare(`INSERT INTO audit_events (${columns.join(', ')}) VALUES (${columns.map(() => '?').join(', ')})`).run(...columns.map((c) => row[c]));
    }
    expect(verifyChain(raw)).toEqual({ ok: true, events: 3 });
    const before = raw.prepare(`SELECT ${columns.join(', ')} FROM audit_events ORDER BY seq`).all();
    raw.close();
    const db = upgradeTo(file, 18);
    expect(schemaVersion(db)).toBe(18);
    // Every event as it was, naming no study, and the chain holds without a single event rewritten.
    expect(db.prepare(`SELECT ${columns.join(', ')} FROM audit_events ORDER BY seq`).all()).toEqual(before);
    expect(db.prepare('SELECT study_code FROM audit_events').pluck().all()).toEqual([null, null, null]);
    expect(verifyChain(db)).toEqual({ ok: true, events: 3 });
    // The next events name the study (the site's do not), and the chain still holds.
    const store = sqliteStore(db);
    const trail = new AuditTrail(store, new AuditRepository(store), { now: () => new Date('2026-02-01T09:00:00.000Z') }, () => 'NS-DUPI');
    await store.transaction(async () => {
      await trail.append({ userId: 1, username: 'ph' }, { action: 'kit.status_changed', entityType: 'kit', entityId: '100001', after: { status: 'quarantined' } });
      await trail.append({ userId: 1, username: 'ph' }, { action: 'session.logout', entityType: 'user', entityId: 'ph' });
    });
    expect(db.prepare('SELECT study_code FROM audit_events WHERE seq > 3 ORDER BY seq').pluck().all()).toEqual(['NS-DUPI', null]);
    expect(verifyChain(db)).toEqual({ ok: true, events: 5 });
    // A study written on an old event (triggers dropped, as an attacker would) breaks the chain at that event.
    db.exec('DROP TRIGGER audit_events_no_update');
    db.exec("UPDATE audit_events SET study_code = 'NS-DUPI' WHERE seq = 2");
    expect(verifyChain(db).firstBroken?.seq).toBe(2);
    db.close();
  });

  it('19: 19the one study of a version-18 database becomes study 1 of `studies`, every other table kept; studies are rows with unique codes', () => {
    const file = join(dir, 'v18.db');
    const raw = versionTwoWithData(file);
    migrate(raw, 18);
    raw.prepare("INSERT INTO study (id, code, config_json, loaded_at) VALUES (1, 'NS-DUPI', ?, '2026-01-01T09:00:00.000Z')").run(JSON.stringify(NS_DUPI));
    // Before the step a second study cannot even be written.
    expect(() => raw.prepare("INSERT INTO study (id, code, config_json, loaded_at) VALUES (2, 'BRAVE-AA2', '{}', 'now')").run()).toThrow(/CHECK/);
    const tables = ['kits', 'users', 'audit_events', 'signatures', 'list_imports'];
    const before = tables.map((table) => raw.prepare(`SELECT * FROM ${table}`).all());
    raw.close();
    const db = upgradeTo(file, 19);
    expect(schemaVersion(db)).toBe(19);
    expect(tables.map((table) => db.prepare(`SELECT * FROM ${table}`).all())).toEqual(before);
    expect(db.prepare('SELECT id, code, config_json, loaded_at FROM studies').all()).toEqual([
      { id: 1, code: 'NS-DUPI', config_json: JSON.stringify(NS_DUPI), loaded_at: '2026-01-01T09:00:00.000Z' },
    ]);
    expect(db.prepare("SELECT count(*) FROM sqlite_schema WHERE name = 'study'").pluck().get()).toBe(0);
    expect(db.prepare("INSERT INTO studies (code, config_json, loaded_at) VALUES ('BRAVE-AA2', '{}', 'now')").run().lastInsertRowid).toBe(2);
    expect(() => db.prepare("INSERT INTO studies (code, config_json, loaded_at) VALUES ('NS-DUPI', '{}', 'now')").run()).toThrow(/UNIQUE/);
    db.close();
  });

  it('20: every record of a version-19 database names its one study, nothing else changes, the chain holds; numbers are unique per study from then on', () => {
    const file = join(dir, 'v19.db');
    const raw = new Database(file);
    raw.pragma('foreign_keys = ON');
    migrate(raw, 19);
    // One study's records in every table the step rebuilds, as a version-19 Veil wrote them.
    raw.exec(`
      INSERT INTO users (id, username, display_name, role, password_hash, created_at) VALUES (1, 'ph', 'Pharmacist', 'unblinded_pharmacist', 'x', 'now'), (2, 'wit', 'Witness', 'technician', 'x', 'now');
      INSERT INTO signatures (id, user_id, printed_name, meaning, signed_at_utc, record_type, record_id, record_hash) VALUES (1, 1, 'Pharmacist', 'm', 'now', 'list_import', 'h', 'h'), (2, 2, 'Witness', 'm', 'now', 'destruction', '1', 'h');
      INSERT INTO studies (id, code, config_json, loaded_at) VALUES (1, 'NS-DUPI', '{}', '2026-01-01T09:00:00.000Z');
      INSERT INTO list_imports (id, kind, file_name, sha256, row_count, imported_at, user_id, signature_id) VALUES (1, 'kits', 'k.csv', 'h', 3, 'now', 1, 1), (2, 'randomization', 'r.csv', 'h', 2, 'now', 1, 1);
      INSERT INTO randomization_slots (randomization_number, list_order, stratum, arm_sealed, import_id, block_sealed) VALUES ('R001', 1, 'ALL', 'v1.a', 2, NULL), ('R002', 2, 'ALL', 'v1.b', 2, 'v1.blk');
      INSERT INTO blocks_in_transition (randomization_number, sealed, plain) VALUES ('R001', NULL, 'B1');
      INSERT INTO kits (kit_number, arm_sealed, lot_sealed, expiry_sealed, blinded_lot, use_before, status, import_id, expiry_hold) VALUES
        ('100001', 'v1.a', 'v1.l', 'v1.e', 'BL', '2027-01-31', 'destroyed', 1, 0), ('100002', 'v1.a', 'v1.l', 'v1.e', 'BL', '2027-01-31', 'dispensed', 1, 0), ('100003', 'v1.a', 'v1.l', 'v1.e', 'BL', '2027-01-31', 'available', 1, 1);
      INSERT INTO shipments (id, reference, created_at, created_by, temperature, closed_at, closed_by) VALUES (1, 'SH-1', 'now', 1, 'no_alarm', 'now', 1);
      INSERT INTO shipment_kits (shipment_id, kit_number, outcome, scanned_at, source) VALUES (1, '100001', 'received', 'now', 'scanner'), (1, '100002', 'received', 'now', 'scanner'), (1, '100003', 'received', 'now', 'manual');
      INSERT INTO patients (id, screening_number, initials, year_of_birth, investigator, stratum, status, randomization_number, baseline_date, registered_at) VALUES (1, 'S-1', 'AB', 1980, 'Dr', 'ALL', 'randomized', 'R002', '2026-01-01', 'now');
      INSERT INTO dispensings (id, patient_id, visit_code, dispensed_at, user_id, signature_id) VALUES (1, 1, 'D1', 'now', 1, 1), (2, 1, 'D1/R1', 'now', 1, 1);
      INSERT INTO dispensing_kits (dispensing_id, kit_number, source) VALUES (1, '100001', 'scanner'), (2, '100002', 'scanner');
      INSERT INTO extra_dispensings (dispensing_id, kind, replaces_kit, reason) VALUES (2, 'replacement', '100001', 'Dropped');
      INSERT INTO kit_returns (kit_number, patient_id, returned_at, user_id, condition, units_returned, units_missing, source) VALUES ('100001', 1, 'now', 1, 'damaged', 1, 0, 'scanner');
      INSERT INTO destructions (id, destroyed_on, method, place, recorded_at, user_id, signature_id, witness_id, witness_signature_id) VALUES (1, '2026-02-01', 'incineration', 'site', 'now', 1, 1, 2, 2);
      INSERT INTO destruction_kits (destruction_id, kit_number) VALUES (1, '100001');
      INSERT INTO reconciliation_signoffs (id, signed_at, user_id, signature_id, audit_seq, snapshot_hash, discrepancies) VALUES (1, 'now', 1, 1, 0, 'h', 1);
      INSERT INTO discrepancy_comments (id, kit_number, discrepancies, comment, user_id, commented_at) VALUES (1, '100001', 'damaged', 'Seen broken', 1, 'now');
      INSERT INTO label_prints (id, kit_number, kind, requested_at, user_id) VALUES (1, '100002', 'carton', 'now', 1);
      INSERT INTO over_labels (id, kit_number, use_before, signature_id, queued_at) VALUES (1, '100003', '2027-03-31', 1, 'now');
      INSERT INTO storage_locations (id, name, kind, min_centi, max_centi, barcode, created_at) VALUES (1, 'Fridge 1', 'fridge', 200, 800, 'LOC-1', 'now');
      INSERT INTO manual_readings (id, location_id, read_ms, min_centi, max_centi, user_id, recorded_at) VALUES (1, 1, 1000, 150, 900, 1, 'now');
      INSERT INTO excursions (id, location_id, manual_reading_id, start_ms, end_ms, ongoing, direction, worst_centi, min_centi, max_centi, created_at) VALUES (1, 1, 1, 0, 1000, 0, 'above', 900, 150, 900, 'now');
      INSERT INTO kit_stays (id, kit_number, location_id, from_ms, to_ms, user_id) VALUES (1, '100003', 1, 0, NULL, 1);
      INSERT INTO excursion_kits (excursion_id, kit_number, exposure_seconds, status_then, quarantined) VALUES (1, '100003', 60, 'available', 0);
    `);
    // A hash-chained trail, as step 18 left it: it must hold after the tables under it are rebuilt.
    const columns = ['seq', 'at_utc', 'at_offset', 'user_id', 'username', 'action', 'entity_type', 'entity_id', 'before_json', 'after_json', 'reason', 'source', 'signature_id', 'prev_hash', 'hash', 'study_code'];
    let prev = GENESIS_HASH;
    for (const [seq, action] of [[1, 'kit.status_changed'], [2, 'dispensing.recorded']] as const) {
      const row: Record<string, unknown> = { seq, at_utc: `2026-01-0${seq}T09:00:00.000Z`, at_offset: '+01:00', user_id: 1, username: 'ph', action, entity_type: 'kit', entity_id: '100001', before_json: null, after_json: null, reason: null, source: null, signature_id: null, prev_hash: prev, study_code: 'NS-DUPI' };
      row.hash = attackerHash(row);
      prev = row.hash as string;
      raw.prepare(`INSERT INTO audit_events (${columns.join(', ')}) VALUES (${columns.map(() => '?').join(', ')})`).run(...columns.map((c) => row[c]));
    }
    expect(verifyChain(raw)).toEqual({ ok: true, events: 2 });
    const rebuilt = ['list_imports', 'randomization_slots', 'blocks_in_transition', 'kits', 'shipments', 'shipment_kits', 'patients', 'dispensing_kits', 'extra_dispensings', 'kit_returns', 'destructions', 'destruction_kits', 'reconciliation_signoffs', 'discrepancy_comments', 'label_prints', 'over_labels', 'excursion_kits', 'kit_stays'];
    const unchanged = ['users', 'signatures', 'studies', 'dispensings', 'excursions', 'audit_events'];
    const rows = (db: Database.Database, table: string) => db.prepare(`SELECT * FROM ${table} ORDER BY rowid`).all() as Array<Record<string, unknown>>;
    const before = Object.fromEntries([...rebuilt, ...unchanged].map((table) => [table, rows(raw, table)]));
    expect(rebuilt.every((table) => before[table]!.length > 0)).toBe(true);
    raw.close();

    const db = upgradeTo(file, 20);
    expect(schemaVersion(db)).toBe(20);
    // Every row as it was, now naming study 1; the site's tables and the trail untouched; nothing points nowhere.
    for (const table of rebuilt) expect({ table, rows: rows(db, table) }).toEqual({ table, rows: before[table]!.map((row) => ({ ...row, study_id: 1 })) });
    for (const table of unchanged) expect({ table, rows: rows(db, table) }).toEqual({ table, rows: before[table] });
    expect(db.pragma('foreign_key_check')).toEqual([]);
    expect(db.pragma('foreign_keys', { simple: true })).toBe(1);
    expect(verifyChain(db)).toEqual({ ok: true, events: 2 });
    // The lookups the bench times still read one row through an index.
    const plan = (sql: string) => (db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all() as Array<{ detail: string }>).map((r) => r.detail).join(' | ');
    expect(plan("SELECT * FROM kits WHERE study_id = 1 AND kit_number = '100003'")).toMatch(/USING INDEX sqlite_autoindex_kits_1 \(study_id=\? AND kit_number=\?\)/);
    expect(plan("SELECT count(*) FROM kits WHERE study_id = 1 AND status = 'available'")).toMatch(/USING COVERING INDEX kits_status/);

    // A second sponsor's study may use the same kit, randomization, screening and shipment numbers.
    db.exec(`
      INSERT INTO studies (id, code, config_json, loaded_at) VALUES (2, 'BRAVE-AA2', '{}', 'now');
      INSERT INTO list_imports (id, kind, file_name, sha256, row_count, imported_at, user_id, signature_id, study_id) VALUES (3, 'kits', 'k.csv', 'h', 1, 'now', 1, 1, 2);
      INSERT INTO randomization_slots (randomization_number, list_order, stratum, arm_sealed, import_id, study_id) VALUES ('R002', 1, 'ALL', 'v1.c', 3, 2);
      INSERT INTO kits (kit_number, arm_sealed, lot_sealed, expiry_sealed, blinded_lot, use_before, status, import_id, study_id) VALUES ('100001', 'v1.z', 'v1.l', 'v1.e', 'BL2', '2027-05-31', 'available', 3, 2);
      INSERT INTO patients (id, screening_number, initials, year_of_birth, investigator, stratum, status, randomization_number, baseline_date, registered_at, study_id) VALUES (2, 'S-1', 'CD', 1975, 'Dr', 'ALL', 'randomized', 'R002', '2026-02-01', 'now', 2);
      INSERT INTO shipments (id, reference, created_at, created_by, study_id) VALUES (2, 'SH-1', 'now', 1, 2);
      INSERT INTO shipment_kits (shipment_id, kit_number, study_id) VALUES (2, '100001', 2);
      INSERT INTO dispensings (id, patient_id, visit_code, dispensed_at, user_id, signature_id) VALUES (3, 2, 'D1', 'now', 1, 1);
      INSERT INTO dispensing_kits (dispensing_id, kit_number, source, study_id) VALUES (3, '100001', 'scanner', 2);
    `);
    expect(db.prepare('SELECT study_id, status FROM kits WHERE kit_number = ? ORDER BY study_id').all('100001')).toEqual([
      { study_id: 1, status: 'destroyed' },
      { study_id: 2, status: 'available' },
    ]);
    // Within one study they stay unique, and a row cannot name a kit or slot its study does not have.
    expect(() => db.exec("INSERT INTO kits (kit_number, arm_sealed, lot_sealed, expiry_sealed, blinded_lot, use_before, import_id, study_id) VALUES ('100001', 'a', 'l', 'e', 'B', 'd', 3, 2)")).toThrow(/UNIQUE/);
    expect(() => db.exec("INSERT INTO patients (screening_number, initials, year_of_birth, investigator, stratum, registered_at, study_id) VALUES ('S-1', 'EF', 1990, 'Dr', 'ALL', 'now', 2)")).toThrow(/UNIQUE/);
    expect(() => db.exec("INSERT INTO shipments (reference, created_at, created_by, study_id) VALUES ('SH-1', 'now', 1, 2)")).toThrow(/UNIQUE/);
    expect(() => db.exec("INSERT INTO dispensing_kits (dispensing_id, kit_number, source, study_id) VALUES (3, '100003', 'scanner', 2)")).toThrow(/FOREIGN KEY/);
    expect(() => db.exec("UPDATE patients SET randomization_number = 'R001' WHERE id = 2")).toThrow(/FOREIGN KEY/);
    expect(() => db.exec("INSERT INTO kit_returns (kit_number, patient_id, returned_at, user_id, condition, units_returned, units_missing, source, study_id) VALUES ('100001', 2, 'now', 1, 'used', 0, 0, 'scanner', 3)")).toThrow(/FOREIGN KEY/);
    db.close();
  });

  it('21: each user of a version-20 database is delegated to its study in their role from the day the account was made; the administrator is not, and a database without a study gets none', () => {
    const file = join(dir, 'v20.db');
    const raw = new Database(file);
    raw.pragma('foreign_keys = ON');
    migrate(raw, 20);
    raw.exec(`
      INSERT INTO users (id, username, display_name, role, password_hash, created_at) VALUES
        (1, 'admin', 'Admin', 'administrator', 'x', '2026-01-05T08:00:00.000Z'),
        (2, 'ph', 'Pharmacist', 'unblinded_pharmacist', 'x', '2026-01-05T08:30:00.000Z'),
        (3, 'mon', 'Monitor', 'monitor', 'x', '2026-03-10T14:00:00.000Z');
      INSERT INTO studies (id, code, config_json, loaded_at) VALUES (1, 'NS-DUPI', '{}', '2026-01-05T09:00:00.000Z');
    `);
    const users = raw.prepare('SELECT * FROM users ORDER BY id').all();
    raw.close();
    const db = upgradeTo(file, 21);
    expect(schemaVersion(db)).toBe(21);
    expect(db.prepare('SELECT * FROM users ORDER BY id').all()).toEqual(users);
    const localDay = (iso: string) => localDate(new Date(iso));
    expect(db.prepare('SELECT user_id, study_id, role, starts_on, ends_on, granted_at, granted_by, signature_id, ended_at FROM delegations ORDER BY user_id').all()).toEqual([
      { user_id: 2, study_id: 1, role: 'unblinded_pharmacist', starts_on: localDay('2026-01-05T08:30:00.000Z'), ends_on: null, granted_at: '2026-01-05T08:30:00.000Z', granted_by: null, signature_id: null, ended_at: null },
      { user_id: 3, study_id: 1, role: 'monitor', starts_on: localDay('2026-03-10T14:00:00.000Z'), ends_on: null, granted_at: '2026-03-10T14:00:00.000Z', granted_by: null, signature_id: null, ended_at: null },
    ]);
    // The administrator is a site role: never delegated, not even by hand.
    expect(() => db.exec("INSERT INTO delegations (user_id, study_id, role, starts_on, granted_at) VALUES (1, 1, 'administrator', '2026-01-05', 'now')")).toThrow(/CHECK/);
    expect(() => db.exec("INSERT INTO delegations (user_id, study_id, role, starts_on, granted_at) VALUES (2, 9, 'monitor', '2026-01-05', 'now')")).toThrow(/FOREIGN KEY/);
    db.close();

    const empty = join(dir, 'v20-no-study.db');
    const bare = new Database(empty);
    migrate(bare, 20);
    bare.exec("INSERT INTO users (id, username, display_name, role, password_hash, created_at) VALUES (1, 'ph', 'Pharmacist', 'unblinded_pharmacist', 'x', '2026-01-05T08:30:00.000Z')");
    bare.close();
    const upgraded = upgradeTo(empty, 21);
    expect(upgraded.prepare('SELECT count(*) FROM delegations').pluck().get()).toBe(0);
    upgraded.close();
  });

  it('22: the key wraps of a version-21 database become its study\'s, one per study and holder; a key made before any study was loaded is dropped', () => {
    const file = join(dir, 'v21.db');
    const raw = new Database(file);
    raw.pragma('foreign_keys = ON');
    migrate(raw, 21);
    raw.exec(`
      INSERT INTO users (id, username, display_name, role, password_hash, created_at) VALUES
        (1, 'ph', 'Pharmacist', 'unblinded_pharmacist', 'x', '2026-01-05T08:30:00.000Z'),
        (2, 'um', 'Monitor', 'unblinded_monitor', 'x', '2026-01-06T08:30:00.000Z');
      INSERT INTO studies (id, code, config_json, loaded_at) VALUES (1, 'NS-DUPI', '{}', '2026-01-05T09:00:00.000Z');
      INSERT INTO user_keys (user_id, public_key, sealed_private_key, created_at) VALUES (1, 'pub1', 'sealed1', 't1'), (2, 'pub2', 'sealed2', 't2');
      INSERT INTO key_wraps (holder, user_id, wrap_json, granted_by, created_at) VALUES
        ('emergency', NULL, '{"e":1}', 1, '2026-01-05T09:10:00.000Z'),
        ('user:1', 1, '{"u":1}', 1, '2026-01-05T09:10:00.000Z'),
        ('user:2', 2, '{"u":2}', 1, '2026-01-06T10:00:00.000Z');
    `);
    const wraps = raw.prepare('SELECT * FROM key_wraps ORDER BY holder').all() as Array<Record<string, unknown>>;
    const keys = raw.prepare('SELECT * FROM user_keys ORDER BY user_id').all();
    raw.close();
    const db = upgradeTo(file, 22);
    expect(schemaVersion(db)).toBe(22);
    expect(db.prepare('SELECT * FROM key_wraps ORDER BY holder').all()).toEqual(wraps.map((w) => ({ ...w, study_id: 1 })));
    // The key pair stays the person's: one pair opens the wraps of every study they hold.
    expect(db.prepare('SELECT * FROM user_keys ORDER BY user_id').all()).toEqual(keys);
    // A second study has wraps of its own for the same holders; one study cannot hold two for one holder.
    db.exec(`
      INSERT INTO studies (id, code, config_json, loaded_at) VALUES (2, 'BRAVE-AA2', '{}', 'now');
      INSERT INTO key_wraps (holder, user_id, wrap_json, granted_by, created_at, study_id) VALUES ('emergency', NULL, '{"e":2}', 1, 'now', 2), ('user:1', 1, '{"u":12}', 1, 'now', 2);
    `);
    expect(db.prepare("SELECT study_id, wrap_json FROM key_wraps WHERE holder = 'user:1' ORDER BY study_id").all()).toEqual([
      { study_id: 1, wrap_json: '{"u":1}' },
      { study_id: 2, wrap_json: '{"u":12}' },
    ]);
    expect(() => db.exec("INSERT INTO key_wraps (holder, user_id, wrap_json, created_at, study_id) VALUES ('user:1', 1, '{}', 'now', 2)")).toThrow(/UNIQUE/);
    expect(() => db.exec("INSERT INTO key_wraps (holder, user_id, wrap_json, created_at, study_id) VALUES ('user:2', 2, '{}', 'now', 9)")).toThrow(/FOREIGN KEY/);
    db.close();

    const early = join(dir, 'v21-key-no-study.db');
    const bare = new Database(early);
    migrate(bare, 21);
    bare.exec(`
      INSERT INTO users (id, username, display_name, role, password_hash, created_at) VALUES (1, 'ph', 'Pharmacist', 'unblinded_pharmacist', 'x', '2026-01-05T08:30:00.000Z');
      INSERT INTO user_keys (user_id, public_key, sealed_private_key, created_at) VALUES (1, 'pub1', 'sealed1', 't1');
      INSERT INTO key_wraps (holder, user_id, wrap_json, granted_by, created_at) VALUES ('emergency', NULL, '{}', 1, 't'), ('user:1', 1, '{}', 1, 't');
    `);
    bare.close();
    const upgraded = upgradeTo(early, 22);
    expect(upgraded.prepare('SELECT count(*) FROM key_wraps').pluck().get()).toBe(0);
    expect(upgraded.prepare('SELECT count(*) FROM user_keys').pluck().get()).toBe(1);
    upgraded.close();
  });

  it('23: the kits of a version-22 database keep every value and take the implicit type; a kit of a named type says it', () => {
    const file = join(dir, 'v22.db');
    const raw = new Database(file);
    raw.pragma('foreign_keys = ON');
    migrate(raw, 22);
    raw.exec(`
      INSERT INTO users (id, username, display_name, role, password_hash, created_at) VALUES (1, 'ph', 'Pharmacist', 'unblinded_pharmacist', 'x', '2026-01-05T08:30:00.000Z');
      INSERT INTO studies (id, code, config_json, loaded_at) VALUES (1, 'NS-DUPI', '{}', '2026-01-05T09:00:00.000Z');
      INSERT INTO signatures (id, user_id, printed_name, meaning, signed_at_utc, record_type, record_id, record_hash) VALUES (1, 1, 'Pharmacist', 'm', 't', 'list_import', 'x', 'h');
      INSERT INTO list_imports (id, kind, file_name, sha256, row_count, imported_at, user_id, signature_id, study_id) VALUES (1, 'kits', 'kits.csv', 's', 2, 't', 1, 1, 1);
      INSERT INTO kits (kit_number, arm_sealed, lot_sealed, expiry_sealed, blinded_lot, use_before, status, import_id, study_id) VALUES
        ('1001', 'a1', 'l1', 'e1', 'BL', '2027-06-30', 'available', 1, 1),
        ('1002', 'a2', 'l2', 'e2', 'BL', '2027-06-30', 'dispensed', 1, 1);
    `);
    const kits = raw.prepare('SELECT * FROM kits ORDER BY kit_number').all() as Array<Record<string, unknown>>;
    raw.close();
    const db = upgradeTo(file, 23);
    expect(schemaVersion(db)).toBe(23);
    expect(db.prepare('SELECT * FROM kits ORDER BY kit_number').all()).toEqual(kits.map((k) => ({ ...k, kit_type: null })));
    db.exec("INSERT INTO kits (kit_number, arm_sealed, lot_sealed, expiry_sealed, blinded_lot, use_before, import_id, study_id, kit_type) VALUES ('2001', 'c', 'l', 'e', 'BL', '2027-06-30', 1, 1, 'A')");
    expect(db.prepare("SELECT kit_type FROM kits WHERE kit_number = '2001'").pluck().get()).toBe('A');
    db.close();
  });

  it('24: the closures of a version-23 database are kept, none archived; an archive names a user who exists', () => {
    const file = join(dir, 'v23.db');
    const raw = new Database(file);
    raw.pragma('foreign_keys = ON');
    migrate(raw, 23);
    raw.exec(`
      INSERT INTO users (id, username, display_name, role, password_hash, created_at) VALUES (1, 'ph', 'Pharmacist', 'unblinded_pharmacist', 'x', '2026-01-05T08:30:00.000Z');
      INSERT INTO signatures (id, user_id, printed_name, meaning, signed_at_utc, record_type, record_id, record_hash) VALUES (1, 1, 'Pharmacist', 'm', 't', 'study_closure', 'NS-DUPI', 'h');
      INSERT INTO study_closures (id, study_code, closed_at, closed_by, close_signature_id) VALUES (1, 'NS-DUPI', '2026-11-30T10:00:00.000Z', 1, 1);
    `);
    const closures = raw.prepare('SELECT * FROM study_closures').all() as Array<Record<string, unknown>>;
    raw.close();
    const db = upgradeTo(file, 24);
    expect(schemaVersion(db)).toBe(24);
    expect(db.prepare('SELECT * FROM study_closures').all()).toEqual(closures.map((c) => ({ ...c, archived_at: null, archived_by: null })));
    db.exec("UPDATE study_closures SET archived_at = 'now', archived_by = 1");
    expect(() => db.exec('UPDATE study_closures SET archived_by = 9')).toThrow(/FOREIGN KEY/);
    db.close();
  });

  it('refuses a database written by a newer Veil instead of damaging it', () => {
    const file = join(dir, 'future.db');
    const raw = new Database(file);
    raw.pragma(`user_version = ${migrations.length + 1}`);
    raw.close();
    expect(() => upgradeTo(file, 19)).toThrow(/newer Veil/);
  });
});
