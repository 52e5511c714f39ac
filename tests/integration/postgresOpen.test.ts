import { localDate } from '../../shared/schedule/visitSchedule';
import { createServer } from 'node:net';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { migrations } from '../../main/core/db/migrations/index';
import { migratePostgres, openPostgres, parsePostgresUrl, postgresSchemaVersion } from '../../main/core/db/postgres';
import { createPostgresDatabase } from '../helpers/postgres';
import { inject } from 'vitest';

/**
 * Issue 13, item 4: pointing Veil at PostgreSQL. Every fault a person can fix gets its own message and nothing is
 * written; the steps carry data across on PostgreSQL as they do on SQLite.
 */
const pools: pg.Pool[] = [];
afterAll(async () => {
  await Promise.all(pools.map((p) => p.end()));
});

async function tablesOf(url: string): Promise<string[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<{ name: string }>("SELECT table_name AS name FROM information_schema.tables WHERE table_schema = 'public' ORDER BY 1")).rows.map((r) => r.name);
  } finally {
    await client.end();
  }
}

describe('opening a PostgreSQL database', () => {
  it('migrates an empty database to the latest step, and opening it again changes nothing', async () => {
    const url = await createPostgresDatabase();
    const pool = await openPostgres(url);
    pools.push(pool);
    expect(await postgresSchemaVersion(pool)).toBe(migrations.length);
    const again = await openPostgres(url);
    pools.push(again);
    expect(await postgresSchemaVersion(again)).toBe(migrations.length);
  });

  it('lets two workstations start at once: each step runs once', async () => {
    const url = await createPostgresDatabase();
    const [a, b] = await Promise.all([openPostgres(url), openPostgres(url)]);
    pools.push(a, b);
    expect(await postgresSchemaVersion(a)).toBe(migrations.length);
  });

  it('refuses an address that is not a PostgreSQL address, saying what is wrong', () => {
    expect(() => parsePostgresUrl('localhost:5432/veil')).toThrow(/not a PostgreSQL address.*postgres:\/\/user@host:5432\/database/);
    expect(() => parsePostgresUrl('mysql://a@b/c')).toThrow(/starts with "mysql:"/);
    expect(() => parsePostgresUrl('postgres://veil@db.example')).toThrow(/names no database/);
    expect(() => parsePostgresUrl('postgres://veil@db.example/veil?sslmode=maybe')).toThrow(/sslmode "maybe"/);
    // The password never appears in the message.
    expect(() => parsePostgresUrl('http://veil:s3cret@db.example/veil')).toThrow(expect.objectContaining({ message: expect.not.stringContaining('s3cret') }));
  });

  it('says the server does not answer when nothing listens at the address', async () => {
    const port = await new Promise<number>((resolve) => {
      const s = createServer().listen(0, '127.0.0.1', () => {
        const p = (s.address() as { port: number }).port;
        s.close(() => resolve(p));
      });
    });
    await expect(openPostgres(`postgres://veil:x@127.0.0.1:${port}/veil`)).rejects.toThrow(/does not answer \(ECONNREFUSED\).*nothing was changed/);
  });

  it('says the credentials were refused, without writing anything', async () => {
    const url = await createPostgresDatabase();
    const wrong = url.replace(/^postgres:\/\/veil:[^@]+@/, 'postgres://veil:wrong@');
    await expect(openPostgres(wrong)).rejects.toThrow(/refused the user name or password of "veil"/);
    expect(await tablesOf(url)).toEqual([]);
  });

  it('says the database does not exist', async () => {
    const server = inject('postgresUrl');
    await expect(openPostgres(server.replace(/\/postgres$/, '/no_such_veil'))).rejects.toThrow(/does not exist on that server/);
  });

  it('refuses a database written by a newer Veil and writes nothing to it', async () => {
    const url = await createPostgresDatabase();
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    await client.query('CREATE TABLE veil_schema_version (id integer PRIMARY KEY CHECK (id = 1), version integer NOT NULL)');
    await client.query('INSERT INTO veil_schema_version VALUES (1, $1)', [migrations.length + 5]);
    await client.end();
    await expect(openPostgres(url)).rejects.toThrow(new RegExp(`newer Veil \\(schema ${migrations.length + 5}; this version knows ${migrations.length}\\)`));
    expect(await tablesOf(url)).toEqual(['veil_schema_version']);
  });
});

describe('PostgreSQL steps carry data across', () => {
  it('5, 7 and 9: a version-4 database keeps its users, slots and kits; temporary-password key pairs go; plain blocks leave the slots', async () => {
    const url = await createPostgresDatabase();
    const pool = new pg.Pool({ connectionString: url });
    pools.push(pool);
    await migratePostgres(pool, 4);
    expect(await postgresSchemaVersion(pool)).toBe(4);
    await pool.query(`INSERT INTO users (id, username, display_name, role, password_hash, must_change_password, created_at) VALUES
      (1, 'pharma', 'P', 'unblinded_pharmacist', 'h', 0, 'now'), (2, 'newbie', 'N', 'unblinded_pharmacist', 'h', 1, 'now')`);
    await pool.query(`INSERT INTO user_keys VALUES (2, 'pub', 'sealed', 'now')`);
    await pool.query(`INSERT INTO key_wraps VALUES ('user:2', 2, '{}', 1, 'now')`);
    await pool.query(`INSERT INTO signatures (id, user_id, printed_name, meaning, signed_at_utc, record_type, record_id, record_hash) VALUES (1, 1, 'P', 'm', 'now', 'list', '1', 'h')`);
    await pool.query(`INSERT INTO list_imports (id, kind, file_name, sha256, row_count, imported_at, user_id, signature_id) VALUES (1, 'kits', 'k.csv', 's', 1, 'now', 1, 1)`);
    await pool.query(`INSERT INTO randomization_slots VALUES ('R001', 1, 'BLK-PG-7', 'all', 'sealed-arm', 1)`);
    await pool.query(`INSERT INTO kits (kit_number, arm_sealed, lot_sealed, expiry_sealed, blinded_lot, use_before, status, import_id) VALUES ('1001', 'a', 'l', 'e', 'BL1', '2027-06-30', 'available', 1)`);

    // To 19 only: from step 20 every kit names its study, and this fixture (as the SQLite ones) loaded none.
    await migratePostgres(pool, 19);

    expect(await postgresSchemaVersion(pool)).toBe(19);
    expect((await pool.query('SELECT username FROM users ORDER BY id')).rows).toEqual([{ username: 'pharma' }, { username: 'newbie' }]);
    // Step 5: the key pair made under a temporary password is gone.
    expect((await pool.query('SELECT count(*)::int AS n FROM user_keys')).rows).toEqual([{ n: 0 }]);
    expect((await pool.query('SELECT count(*)::int AS n FROM key_wraps')).rows).toEqual([{ n: 0 }]);
    // Step 7: nobody holds the key, so the plain block waits in blocks_in_transition; the slots table has no block.
    const slotColumns = (await pool.query<{ c: string }>("SELECT column_name AS c FROM information_schema.columns WHERE table_name = 'randomization_slots'")).rows.map((r) => r.c);
    expect(slotColumns).not.toContain('block');
    expect(JSON.stringify((await pool.query('SELECT * FROM randomization_slots')).rows)).not.toContain('BLK-PG-7');
    expect((await pool.query('SELECT randomization_number, plain FROM blocks_in_transition')).rows).toEqual([{ randomization_number: 'R001', plain: 'BLK-PG-7' }]);
    // Step 9: the kit is kept and not held.
    expect((await pool.query('SELECT kit_number, status, expiry_hold FROM kits')).rows).toEqual([{ kit_number: '1001', status: 'available', expiry_hold: 0 }]);
  });

  it('19: the one study of a version-18 database becomes study 1 of `studies`; the next study is numbered 2; codes are unique', async () => {
    const url = await createPostgresDatabase();
    const pool = new pg.Pool({ connectionString: url });
    pools.push(pool);
    await migratePostgres(pool, 18);
    await pool.query(`INSERT INTO study (id, code, config_json, loaded_at) VALUES (1, 'NS-DUPI', '{"code":"NS-DUPI"}', '2026-01-01T09:00:00.000Z')`);

    await migratePostgres(pool);

    expect((await pool.query('SELECT id, code, config_json, loaded_at FROM studies')).rows).toEqual([
      { id: 1, code: 'NS-DUPI', config_json: '{"code":"NS-DUPI"}', loaded_at: '2026-01-01T09:00:00.000Z' },
    ]);
    expect(await tablesOf(url)).not.toContain('study');
    // Without moving the identity past the copied row, this insert would be given id 1 and be refused.
    const added = await pool.query(`INSERT INTO studies (code, config_json, loaded_at) VALUES ('BRAVE-AA2', '{}', 'now') RETURNING id`);
    expect(added.rows).toEqual([{ id: 2 }]);
    await expect(pool.query(`INSERT INTO studies (code, config_json, loaded_at) VALUES ('NS-DUPI', '{}', 'now')`)).rejects.toThrow(/unique/i);
  });
});

describe('PostgreSQL step 20: records name their study', () => {
  it('gives every record of a version-19 database its one study, keeps the rows, and makes numbers unique per study', async () => {
    const url = await createPostgresDatabase();
    const pool = new pg.Pool({ connectionString: url });
    pools.push(pool);
    await migratePostgres(pool, 19);
    await pool.query(`
      INSERT INTO users (id, username, display_name, role, password_hash, created_at) VALUES (1, 'ph', 'P', 'unblinded_pharmacist', 'h', 'now');
      INSERT INTO signatures (id, user_id, printed_name, meaning, signed_at_utc, record_type, record_id, record_hash) VALUES (1, 1, 'P', 'm', 'now', 'list', '1', 'h');
      INSERT INTO studies (id, code, config_json, loaded_at) VALUES (1, 'NS-DUPI', '{}', 'now');
      INSERT INTO list_imports (id, kind, file_name, sha256, row_count, imported_at, user_id, signature_id) VALUES (1, 'kits', 'k.csv', 's', 2, 'now', 1, 1);
      INSERT INTO randomization_slots (randomization_number, list_order, stratum, arm_sealed, import_id, block_sealed) VALUES ('R001', 1, 'ALL', 'a', 1, 'b');
      INSERT INTO kits (kit_number, arm_sealed, lot_sealed, expiry_sealed, blinded_lot, use_before, status, import_id) VALUES ('1001', 'a', 'l', 'e', 'BL1', '2027-06-30', 'dispensed', 1), ('1002', 'a', 'l', 'e', 'BL1', '2027-06-30', 'available', 1);
      INSERT INTO shipments (id, reference, created_at, created_by) VALUES (1, 'SH-1', 'now', 1);
      INSERT INTO shipment_kits (shipment_id, kit_number, outcome) VALUES (1, '1001', 'received'), (1, '1002', 'received');
      INSERT INTO patients (id, screening_number, initials, year_of_birth, investigator, stratum, status, randomization_number, baseline_date, registered_at) VALUES (1, 'S-1', 'AB', 1980, 'Dr', 'ALL', 'randomized', 'R001', '2026-01-01', 'now');
      INSERT INTO dispensings (id, patient_id, visit_code, dispensed_at, user_id, signature_id) VALUES (1, 1, 'D1', 'now', 1, 1);
      INSERT INTO dispensing_kits (dispensing_id, kit_number, source) VALUES (1, '1001', 'scanner');
      INSERT INTO label_prints (id, kit_number, kind, requested_at, user_id) VALUES (1, '1001', 'carton', 'now', 1);
    `);
    const tables = ['list_imports', 'randomization_slots', 'kits', 'shipments', 'shipment_kits', 'patients', 'dispensing_kits', 'label_prints'];
    const ordered = (rows: Array<Record<string, unknown>>) => rows.map((r) => JSON.stringify(r)).sort();
    const before = Object.fromEntries(await Promise.all(tables.map(async (t) => [t, ordered((await pool.query(`SELECT * FROM ${t}`)).rows)] as const)));

    await migratePostgres(pool, 20);

    for (const t of tables) {
      const after = (await pool.query(`SELECT * FROM ${t}`)).rows as Array<Record<string, unknown>>;
      expect(after.every((r) => r.study_id === 1)).toBe(true);
      expect({ t, rows: ordered(after.map(({ study_id: _, ...rest }) => rest)) }).toEqual({ t, rows: before[t] });
    }
    // Another study may use the same numbers; within a study they stay unique, and a row names only its study's kit.
    await pool.query(`
      INSERT INTO studies (id, code, config_json, loaded_at) VALUES (2, 'BRAVE-AA2', '{}', 'now');
      INSERT INTO list_imports (id, kind, file_name, sha256, row_count, imported_at, user_id, signature_id, study_id) VALUES (2, 'kits', 'k.csv', 's', 1, 'now', 1, 1, 2);
      INSERT INTO kits (kit_number, arm_sealed, lot_sealed, expiry_sealed, blinded_lot, use_before, status, import_id, study_id) VALUES ('1001', 'z', 'l', 'e', 'BL2', '2027-06-30', 'available', 2, 2);
      INSERT INTO shipments (id, reference, created_at, created_by, study_id) VALUES (2, 'SH-1', 'now', 1, 2);
      INSERT INTO shipment_kits (shipment_id, kit_number, study_id) VALUES (2, '1001', 2);
    `);
    expect((await pool.query(`SELECT study_id, status FROM kits WHERE kit_number = '1001' ORDER BY study_id`)).rows).toEqual([
      { study_id: 1, status: 'dispensed' },
      { study_id: 2, status: 'available' },
    ]);
    await expect(pool.query(`INSERT INTO kits (kit_number, arm_sealed, lot_sealed, expiry_sealed, blinded_lot, use_before, import_id, study_id) VALUES ('1001', 'z', 'l', 'e', 'B', 'd', 2, 2)`)).rejects.toThrow(/duplicate key/);
    await expect(pool.query(`INSERT INTO shipments (id, reference, created_at, created_by, study_id) VALUES (3, 'SH-1', 'now', 1, 2)`)).rejects.toThrow(/duplicate key value violates unique constraint "shipments_study_id_reference_key"/);
    await expect(pool.query(`INSERT INTO dispensing_kits (dispensing_id, kit_number, source, study_id) VALUES (1, '1002', 'scanner', 2)`)).rejects.toThrow(/foreign key/);
    await expect(pool.query(`INSERT INTO patients (id, screening_number, initials, year_of_birth, investigator, stratum, registered_at, study_id, randomization_number) VALUES (2, 'S-2', 'CD', 1980, 'Dr', 'ALL', 'now', 2, 'R001')`)).rejects.toThrow(/foreign key/);
  });
});

describe('PostgreSQL step 21: delegations', () => {
  it('delegates each user of a version-20 database to its study in their role from the day the account was made, the administrator excepted', async () => {
    const url = await createPostgresDatabase();
    const pool = new pg.Pool({ connectionString: url });
    pools.push(pool);
    await migratePostgres(pool, 20);
    await pool.query(`
      INSERT INTO users (id, username, display_name, role, password_hash, created_at) VALUES
        (1, 'admin', 'A', 'administrator', 'h', '2026-01-05T08:00:00.000Z'),
        (2, 'ph', 'P', 'unblinded_pharmacist', 'h', '2026-01-05T08:30:00.000Z'),
        (3, 'mon', 'M', 'monitor', 'h', '2026-03-10T14:00:00.000Z');
      INSERT INTO studies (id, code, config_json, loaded_at) VALUES (1, 'NS-DUPI', '{}', 'now');
    `);
    await migratePostgres(pool);
    const localDay = (iso: string) => localDate(new Date(iso));
    expect((await pool.query('SELECT user_id, study_id, role, starts_on, granted_by, signature_id FROM delegations ORDER BY user_id')).rows).toEqual([
      { user_id: 2, study_id: 1, role: 'unblinded_pharmacist', starts_on: localDay('2026-01-05T08:30:00.000Z'), granted_by: null, signature_id: null },
      { user_id: 3, study_id: 1, role: 'monitor', starts_on: localDay('2026-03-10T14:00:00.000Z'), granted_by: null, signature_id: null },
    ]);
    await expect(pool.query(`INSERT INTO delegations (user_id, study_id, role, starts_on, granted_at) VALUES (1, 1, 'administrator', '2026-01-05', 'now')`)).rejects.toThrow(/check constraint/);
  });
});

describe('PostgreSQL step 22: a key per study', () => {
  it('gives the wraps of a version-21 database to its study, one per study and holder', async () => {
    const url = await createPostgresDatabase();
    const pool = new pg.Pool({ connectionString: url });
    pools.push(pool);
    await migratePostgres(pool, 21);
    await pool.query(`
      INSERT INTO users (id, username, display_name, role, password_hash, created_at) VALUES (1, 'ph', 'P', 'unblinded_pharmacist', 'h', 'now');
      INSERT INTO studies (id, code, config_json, loaded_at) VALUES (1, 'NS-DUPI', '{}', 'now');
      INSERT INTO user_keys (user_id, public_key, sealed_private_key, created_at) VALUES (1, 'pub1', 'sealed1', 't1');
      INSERT INTO key_wraps (holder, user_id, wrap_json, granted_by, created_at) VALUES ('emergency', NULL, '{"e":1}', 1, 't'), ('user:1', 1, '{"u":1}', 1, 't');
    `);
    await migratePostgres(pool);
    expect((await pool.query('SELECT holder, study_id, wrap_json FROM key_wraps ORDER BY holder')).rows).toEqual([
      { holder: 'emergency', study_id: 1, wrap_json: '{"e":1}' },
      { holder: 'user:1', study_id: 1, wrap_json: '{"u":1}' },
    ]);
    await pool.query(`INSERT INTO studies (id, code, config_json, loaded_at) VALUES (2, 'BRAVE-AA2', '{}', 'now')`);
    await pool.query(`INSERT INTO key_wraps (holder, user_id, wrap_json, created_at, study_id) VALUES ('user:1', 1, '{"u":12}', 'now', 2)`);
    await expect(pool.query(`INSERT INTO key_wraps (holder, user_id, wrap_json, created_at, study_id) VALUES ('user:1', 1, '{}', 'now', 2)`)).rejects.toThrow(/duplicate key/);
    await expect(pool.query(`INSERT INTO key_wraps (holder, user_id, wrap_json, created_at, study_id) VALUES ('emergency', NULL, '{}', 'now', 9)`)).rejects.toThrow(/foreign key/);
  });

  it('drops the key of a version-21 database that has no study: it sealed nothing, and a key now belongs to a study', async () => {
    const url = await createPostgresDatabase();
    const pool = new pg.Pool({ connectionString: url });
    pools.push(pool);
    await migratePostgres(pool, 21);
    await pool.query(`
      INSERT INTO users (id, username, display_name, role, password_hash, created_at) VALUES (1, 'ph', 'P', 'unblinded_pharmacist', 'h', 'now');
      INSERT INTO user_keys (user_id, public_key, sealed_private_key, created_at) VALUES (1, 'pub1', 'sealed1', 't1');
      INSERT INTO key_wraps (holder, user_id, wrap_json, granted_by, created_at) VALUES ('emergency', NULL, '{}', 1, 't'), ('user:1', 1, '{}', 1, 't');
    `);
    await migratePostgres(pool);
    expect((await pool.query('SELECT count(*)::int AS n FROM key_wraps')).rows[0].n).toBe(0);
    expect((await pool.query('SELECT count(*)::int AS n FROM user_keys')).rows[0].n).toBe(1);
  });
});

describe('PostgreSQL step 23: kits name their type', () => {
  it('keeps every kit of a version-22 database, of the implicit type', async () => {
    const url = await createPostgresDatabase();
    const pool = new pg.Pool({ connectionString: url });
    pools.push(pool);
    await migratePostgres(pool, 22);
    await pool.query(`
      INSERT INTO users (id, username, display_name, role, password_hash, created_at) VALUES (1, 'ph', 'P', 'unblinded_pharmacist', 'h', 'now');
      INSERT INTO studies (id, code, config_json, loaded_at) VALUES (1, 'NS-DUPI', '{}', 'now');
      INSERT INTO signatures (id, user_id, printed_name, meaning, signed_at_utc, record_type, record_id, record_hash) VALUES (1, 1, 'P', 'm', 't', 'list_import', 'x', 'h');
      INSERT INTO list_imports (id, kind, file_name, sha256, row_count, imported_at, user_id, signature_id, study_id) VALUES (1, 'kits', 'kits.csv', 's', 1, 't', 1, 1, 1);
      INSERT INTO kits (kit_number, arm_sealed, lot_sealed, expiry_sealed, blinded_lot, use_before, status, import_id, study_id) VALUES ('1001', 'a1', 'l1', 'e1', 'BL', '2027-06-30', 'available', 1, 1);
    `);
    await migratePostgres(pool);
    expect((await pool.query('SELECT kit_number, arm_sealed, status, kit_type FROM kits')).rows).toEqual([{ kit_number: '1001', arm_sealed: 'a1', status: 'available', kit_type: null }]);
    await pool.query(`INSERT INTO kits (kit_number, arm_sealed, lot_sealed, expiry_sealed, blinded_lot, use_before, import_id, study_id, kit_type) VALUES ('2001', 'c', 'l', 'e', 'BL', '2027-06-30', 1, 1, 'B')`);
    expect((await pool.query(`SELECT kit_type FROM kits WHERE kit_number = '2001'`)).rows).toEqual([{ kit_type: 'B' }]);
  });
});

describe('PostgreSQL step 24: a closed study archived', () => {
  it('keeps every closure of a version-23 database, not archived; an archive names a user who exists', async () => {
    const url = await createPostgresDatabase();
    const pool = new pg.Pool({ connectionString: url });
    pools.push(pool);
    await migratePostgres(pool, 23);
    await pool.query(`
      INSERT INTO users (id, username, display_name, role, password_hash, created_at) VALUES (1, 'ph', 'P', 'unblinded_pharmacist', 'h', 'now');
      INSERT INTO signatures (id, user_id, printed_name, meaning, signed_at_utc, record_type, record_id, record_hash) VALUES (1, 1, 'P', 'm', 't', 'study_closure', 'NS-DUPI', 'h');
      INSERT INTO study_closures (id, study_code, closed_at, closed_by, close_signature_id) VALUES (1, 'NS-DUPI', '2026-11-30T10:00:00.000Z', 1, 1);
    `);
    await migratePostgres(pool);
    expect((await pool.query('SELECT study_code, closed_at, archived_at, archived_by FROM study_closures')).rows).toEqual([{ study_code: 'NS-DUPI', closed_at: '2026-11-30T10:00:00.000Z', archived_at: null, archived_by: null }]);
    await pool.query(`UPDATE study_closures SET archived_at = 'now', archived_by = 1`);
    await expect(pool.query(`UPDATE study_closures SET archived_by = 9`)).rejects.toThrow(/foreign key/);
  });
});

describe('a connection the server ends while Veil holds it', () => {
  it('is an error of that connection, never an uncaught exception of the process', async () => {
    const pool = await openPostgres(await createPostgresDatabase());
    try {
      // Checked out, as Kysely holds a connection through a unit of work: pg-pool watches only idle connections.
      const client = await pool.connect();
      try {
        // What pg does when the server ends the connection between two statements (a restart, a dropped database).
        expect(() => client.emit('error', new Error('terminating connection due to administrator command'))).not.toThrow();
      } finally {
        client.release(true);
      }
    } finally {
      await pool.end();
    }
  });
});
