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
];
