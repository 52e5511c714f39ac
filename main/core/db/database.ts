import Database from 'better-sqlite3';
import { migrations } from './migrations';

export type Db = Database.Database;

export interface OpenOptions {
  /** Path of the better-sqlite3 native addon to load (the Electron build keeps its own; see scripts/electron-native.mjs). */
  nativeBinding?: string;
  readonly?: boolean;
}

/**
 * Opens a Veil database with the durability settings of DESIGN.md section 4 (WAL, synchronous=FULL, foreign keys)
 * and brings its schema to the latest migration.
 */
export function openDatabase(file: string, options: OpenOptions = {}): Db {
  const db = new Database(file, {
    ...(options.nativeBinding ? { nativeBinding: options.nativeBinding } : {}),
    ...(options.readonly ? { readonly: true, fileMustExist: true } : {}),
  });
  try {
    db.pragma('busy_timeout = 5000');
    if (!options.readonly) {
      db.pragma('journal_mode = WAL');
      db.pragma('synchronous = FULL');
      db.pragma('foreign_keys = ON');
      // Deleted rows are overwritten, not left readable in free pages: a plain value an upgrade sealed, a revoked wrap.
      db.pragma('secure_delete = ON');
      migrate(db);
    }
    return db;
  } catch (error) {
    db.close();
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
    db.transaction(() => {
      migration.up(db);
      db.pragma(`user_version = ${version}`);
    })();
  }
  // A step may replace plain values with sealed ones (migration 5): the old pages leave the WAL and the file now.
  if (current < target && schemaVersion(db) === target) db.pragma('wal_checkpoint(TRUNCATE)');
}

/** SQLite's own structural check; returns the problems found (empty when the file is sound). */
export function integrityProblems(db: Db): string[] {
  const rows = db.pragma('integrity_check') as Array<{ integrity_check: string }>;
  const problems = rows.map((r) => r.integrity_check).filter((m) => m !== 'ok');
  const fk = db.pragma('foreign_key_check') as Array<{ table: string; rowid: number; parent: string }>;
  for (const f of fk) problems.push(`foreign key: ${f.table} row ${f.rowid} points to a missing ${f.parent}`);
  return problems;
}
