import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import pg from 'pg';
import { chainHash } from '../../main/core/audit/auditTrail';
import { openVeilCoreInternals, type CoreOptions, type VeilCoreInternals } from '../../main/core/veilCore';
import { canonicalJson } from '../../shared/canonicalJson';
import { copyPostgresDatabase } from './postgres';
import { numbered } from './rawSql';
import { VEIL_CLI } from './veilCli';

/**
 * A copy of a closed test database, on either engine, in which a test plants what no channel can make: the hand of
 * someone holding the SQLite file and a shell, or the PostgreSQL server's superuser. Statements use SQLite's `?`
 * placeholders and run one at a time outside any transaction, as an attacker's shell would. `veil verify` then judges
 * the copy as it would the real database (`--db FILE`, or `--database URL` with a data folder of its own).
 */
export interface PlantedCopy {
  sql<T = Record<string, unknown>>(text: string, ...params: unknown[]): Promise<T[]>;
  /** Removes the audit trail's append-only triggers, as the attacker must before changing or deleting an event. */
  dropAppendOnlyTriggers(): Promise<void>;
  /** Puts them back as the migration wrote them: the attacker covering their tracks, so only the chain can tell. */
  restoreAppendOnlyTriggers(): Promise<void>;
  /** The better-sqlite3 handle of an SQLite copy (null on PostgreSQL), for the exhaustive in-transaction loops. */
  readonly sqlite: Database.Database | null;
  /** `veil verify` in a child process, after the copy's connection is closed. */
  verify(): { code: number | null; stdout: string; stderr: string };
  /** A core on the copy (the caller closes it), after the copy's connection is closed. */
  open(options?: Partial<CoreOptions>): Promise<VeilCoreInternals>;
  close(): Promise<void>;
}

/** The source: a test database no one is connected to (an SQLite file checkpointed into the main file, or a PostgreSQL URL). */
export interface PlantSource {
  dbFile: string;
  database: string;
  /** A folder for the copy's files (SQLite) or its data folder (PostgreSQL). */
  dir: string;
}

let copies = 0;

export async function plantedCopy(source: PlantSource): Promise<PlantedCopy> {
  const folder = mkdtempSync(join(source.dir, `planted-${++copies}-`));
  if (!source.database) {
    const file = join(folder, 'veil.db');
    copyFileSync(source.dbFile, file);
    if (existsSync(`${source.dbFile}.audit-anchors`)) copyFileSync(`${source.dbFile}.audit-anchors`, `${file}.audit-anchors`);
    let db: Database.Database | null = new Database(file);
    const closeDb = () => {
      db?.close();
      db = null;
    };
    return {
      get sqlite() {
        return db;
      },
      async sql<T>(text: string, ...params: unknown[]) {
        const statement = db!.prepare(text);
        return (statement.reader ? statement.all(...params) : (statement.run(...params), [])) as T[];
      },
      async dropAppendOnlyTriggers() {
        db!.exec('DROP TRIGGER audit_events_no_update; DROP TRIGGER audit_events_no_delete;');
      },
      async restoreAppendOnlyTriggers() {
        db!.exec(`
          CREATE TRIGGER audit_events_no_update BEFORE UPDATE ON audit_events
            BEGIN SELECT RAISE(ABORT, 'The audit trail is append-only: events cannot be changed.'); END;
          CREATE TRIGGER audit_events_no_delete BEFORE DELETE ON audit_events
            BEGIN SELECT RAISE(ABORT, 'The audit trail is append-only: events cannot be deleted.'); END;`);
      },
      verify() {
        closeDb();
        return veilVerify(['--db', file]);
      },
      async open(options = {}) {
        closeDb();
        return openVeilCoreInternals({ dbFile: file, mode: 'browser', idleSweepMs: 0, ...options });
      },
      async close() {
        closeDb();
      },
    };
  }
  const url = await copyPostgresDatabase(source.database);
  let client: pg.Client | null = new pg.Client({ connectionString: url });
  await client.connect();
  const closeClient = async () => {
    await client?.end();
    client = null;
  };
  return {
    sqlite: null,
    async sql<T>(text: string, ...params: unknown[]) {
      return (await client!.query(numbered(text), params)).rows as T[];
    },
    async dropAppendOnlyTriggers() {
      await client!.query('DROP TRIGGER audit_events_no_update ON audit_events; DROP TRIGGER audit_events_no_delete ON audit_events;');
    },
    async restoreAppendOnlyTriggers() {
      await client!.query(`
        CREATE TRIGGER audit_events_no_update BEFORE UPDATE ON audit_events
          FOR EACH ROW EXECUTE FUNCTION veil_refuse_change('The audit trail is append-only: events cannot be changed.');
        CREATE TRIGGER audit_events_no_delete BEFORE DELETE ON audit_events
          FOR EACH ROW EXECUTE FUNCTION veil_refuse_change('The audit trail is append-only: events cannot be deleted.');`);
    },
    verify() {
      // A data folder of its own: the copy has no anchors here, which verify says plainly and does not count against it.
      return veilVerify(['--database', url, '--data', folder]);
    },
    async open(options = {}) {
      await closeClient();
      return openVeilCoreInternals({ database: url, dataFolder: folder, mode: 'browser', idleSweepMs: 0, ...options });
    },
    async close() {
      await closeClient();
    },
  };
}

/**
 * `veil verify` on a test's own database while its core may still be open (on SQLite, checkpoint it first): the
 * file, or the PostgreSQL database with the test's folder as the workstation's data folder (its anchors).
 */
export function verifyLive(t: PlantSource) {
  return veilVerify(t.database ? ['--database', t.database, '--data', t.dir] : ['--db', t.dbFile]);
}

function veilVerify(where: string[]) {
  const r = spawnSync(process.execPath, [VEIL_CLI, 'verify', ...where], { encoding: 'utf8', timeout: 120_000, env: { ...process.env, VEIL_DATABASE_URL: '' } });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/**
 * The attacker's copy of the chain algorithm (from reading auditTrail.ts): the hash of a stored audit row, linked to
 * `prevHash` (by default the row's own prev_hash). It covers the previous hash and the canonical JSON of every stored
 * column but the hash itself; a test first shows it recomputes every stored hash, so the forgeries are faithful.
 */
export function attackerHash(row: Record<string, unknown>, prevHash = row.prev_hash as string): string {
  return chainHash(
    prevHash,
    canonicalJson({
      // The study, where the event names one (migration 18).
      ...(row.study_code === null || row.study_code === undefined ? {} : { study: row.study_code }),
      seq: row.seq,
      atUtc: row.at_utc,
      atOffset: row.at_offset,
      userId: row.user_id,
      username: row.username,
      action: row.action,
      entityType: row.entity_type,
      entityId: row.entity_id,
      before: row.before_json,
      after: row.after_json,
      reason: row.reason,
      source: row.source,
      signatureId: row.signature_id,
    }),
  );
}
