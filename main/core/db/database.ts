import { copyFileSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { VeilError } from '../../../shared/errors';
import { migrations } from './migrations/index';
import { requireWritable, storageFaultOf, storageFaults } from './storageFaults';

export type Db = Database.Database;

export interface OpenOptions {
  /** Path of the better-sqlite3 native addon to load (the Electron build keeps its own; see scripts/electron-native.mjs). */
  nativeBinding?: string;
  readonly?: boolean;
  /** How long a write waits for another program's lock before it is refused (default 5 s). */
  busyTimeoutMs?: number;
}

/**
 * Opens a Veil database with the durability settings of DESIGN.md section 4 (WAL, synchronous=FULL, foreign keys)
 * and brings its schema to the latest migration. A file Veil cannot write, or that SQLite's quick check finds
 * damaged, is refused before anything is written to it, with a message that says what to do (storageFaults.ts).
 */
export function openDatabase(file: string, options: OpenOptions = {}): Db {
  if (!options.readonly) requireWritable(file);
  let db: Db;
  try {
    db = new Database(file, {
      ...(options.nativeBinding ? { nativeBinding: options.nativeBinding } : {}),
      ...(options.readonly ? { readonly: true, fileMustExist: true } : {}),
    });
  } catch (error) {
    throw storageFaultOf(error, file) ?? error;
  }
  try {
    db.pragma(`busy_timeout = ${Math.max(0, Math.floor(options.busyTimeoutMs ?? 5000))}`);
    if (!options.readonly) {
      refuseDamaged(db, file);
      db.pragma('journal_mode = WAL');
      db.pragma('synchronous = FULL');
      db.pragma('foreign_keys = ON');
      // Deleted rows are overwritten, not left readable in free pages: a plain value an upgrade sealed, a revoked wrap.
      db.pragma('secure_delete = ON');
      migrate(db);
      refuseMoved(db, file);
    }
    return db;
  } catch (error) {
    db.close();
    throw storageFaultOf(error, file) ?? error;
  }
}

/** The setting that marks an SQLite file as moved to PostgreSQL (moveToPostgres.ts writes it; its value: where to). */
export const MOVED_TO_SETTING = 'database_moved_to';

/**
 * A file whose data was moved to PostgreSQL (moveToPostgres.ts) is not written to again: a second, stale copy of the
 * stock taking dispensings would split the pharmacy's record in two. It can still be read (`veil verify`).
 */
function refuseMoved(db: Db, file: string): void {
  const moved = db.prepare('SELECT value FROM settings WHERE key = ?').get(MOVED_TO_SETTING) as { value: string } | undefined;
  if (moved) {
    throw new VeilError('conflict', `The Veil database ${file} was moved to PostgreSQL (${moved.value}); open that database instead. This file is kept, read-only, as it was at the move.`);
  }
}

/**
 * Moves every page of the WAL into the database file and empties the WAL: after a change that overwrote values that
 * must not stay readable (with secure_delete on, the file's old pages are overwritten; the WAL's copies go here).
 */
export function truncateWal(db: Db): void {
  db.pragma('wal_checkpoint(TRUNCATE)');
}

/**
 * SQLite's quick check (the b-tree structure of every page, without the slower index cross-check) at open: a damaged
 * file is never served, so nothing is read from it wrongly or written on top of the damage.
 */
function refuseDamaged(db: Db, file: string): void {
  const rows = db.pragma('quick_check') as Array<{ quick_check: string }>;
  const problems = rows.map((r) => r.quick_check).filter((m) => m !== 'ok');
  if (problems.length > 0) throw storageFaults.damaged(file, problems.slice(0, 3).join('; ') + (problems.length > 3 ? ` (and ${problems.length - 3} more)` : ''));
}

/**
 * Opens a database file to read it only, wherever it is (`veil verify`). SQLite keeps a shared-memory index beside a
 * WAL database even to read it, so where the folder is not writable by this account (read-only media, another
 * account's folder) a private copy of the file and its WAL is read instead; `close()` removes the copy.
 */
export function openForReading(file: string): { db: Db; privateCopy: boolean; close(): void } {
  try {
    const db = openDatabase(file, { readonly: true });
    try {
      // The first read is where SQLite needs its index: probe it here.
      db.prepare('SELECT count(*) FROM sqlite_master').get();
    } catch (error) {
      db.close();
      throw error;
    }
    return { db, privateCopy: false, close: () => db.close() };
  } catch (error) {
    const code = (error as { code?: string }).code ?? '';
    const kind = (error as { kind?: string }).kind;
    if (!(kind === 'folder_not_writable' || kind === 'read_only' || code.startsWith('SQLITE_READONLY') || code.startsWith('SQLITE_CANTOPEN'))) throw error;
  }
  const dir = mkdtempSync(join(tmpdir(), 'veil-read-'));
  const copy = join(dir, 'copy.db');
  try {
    copyFileSync(file, copy);
    if (existsSync(`${file}-wal`)) copyFileSync(`${file}-wal`, `${copy}-wal`);
    const db = openDatabase(copy, { readonly: true });
    return {
      db,
      privateCopy: true,
      close: () => {
        db.close();
        rmSync(dir, { recursive: true, force: true });
      },
    };
  } catch (error) {
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
}

export function schemaVersion(db: Db): number {
  return db.pragma('user_version', { simple: true }) as number;
}

/** Applies, each in its own transaction, every migration numbered above the database's user_version. */
export function migrate(db: Db, target: number = migrations.length): void {
  const current = schemaVersion(db);
  if (current > migrations.length) {
    throw new Error(
      `This database was written by a newer Veil (schema ${current}; this version knows ${migrations.length}). Update Veil before opening it.`,
    );
  }
  for (let version = current + 1; version <= target; version++) {
    const migration = migrations[version - 1]!;
    // Foreign keys cannot be switched inside a transaction: a step that rebuilds tables runs with them off, and
    // SQLite's own check must find nothing before it commits.
    const enforced = db.pragma('foreign_keys', { simple: true }) === 1;
    if (migration.rebuildsTables) db.pragma('foreign_keys = OFF');
    try {
      db.transaction(() => {
        migration.sqlite(db);
        if (migration.rebuildsTables) {
          const broken = db.pragma('foreign_key_check') as Array<{ table: string; parent: string }>;
          if (broken.length > 0) throw new Error(`Schema step ${version} left ${broken.length} rows pointing nowhere (first: ${broken[0]!.table} -> ${broken[0]!.parent}).`);
        }
        db.pragma(`user_version = ${version}`);
      })();
    } finally {
      if (migration.rebuildsTables && enforced) db.pragma('foreign_keys = ON');
    }
  }
  // A step may replace plain values with sealed ones (step 7, sealed blocks): the old pages leave the WAL and the file now.
  if (current < target && schemaVersion(db) === target) db.pragma('wal_checkpoint(TRUNCATE)');
}

/** Veil's tables in a database, by name (SQLite's own internal tables left out). */
export function tableNames(db: Db): string[] {
  return (db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name").all() as Array<{ name: string }>).map((r) => r.name);
}

/** SQLite's own structural check; returns the problems found (empty when the file is sound). */
export function integrityProblems(db: Db): string[] {
  const rows = db.pragma('integrity_check') as Array<{ integrity_check: string }>;
  const problems = rows.map((r) => r.integrity_check).filter((m) => m !== 'ok');
  const fk = db.pragma('foreign_key_check') as Array<{ table: string; rowid: number; parent: string }>;
  for (const f of fk) problems.push(`foreign key: ${f.table} row ${f.rowid} points to a missing ${f.parent}`);
  return problems;
}
