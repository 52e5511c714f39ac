import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll } from 'vitest';
import { openDatabase, type Db } from '../../main/core/db/database';
import { openPostgres } from '../../main/core/db/postgres';
import { postgresStore, sqliteStore, type Engine, type Store, type StoreOptions } from '../../main/core/db/store';
import { createPostgresDatabase } from './postgres';

/**
 * Stores for one test file, each on a new, migrated database of the engine asked for (SQLite in a temporary folder,
 * PostgreSQL on the suite's throw-away server); all closed, and the folder removed, after the file's tests.
 */
export function testStores(name: string): { open(engine: Engine, options?: StoreOptions & { poolSize?: number }): Promise<{ store: Store; db: Db | null }> } {
  const dir = mkdtempSync(join(tmpdir(), `veil-${name}-`));
  const opened: Store[] = [];
  let files = 0;
  afterAll(async () => {
    for (const store of opened) await store.close();
    rmSync(dir, { recursive: true, force: true });
  });
  return {
    async open(engine, { poolSize, ...options } = {}) {
      if (engine === 'sqlite') {
        const db = openDatabase(join(dir, `s${++files}.db`));
        const store = sqliteStore(db, options);
        opened.push(store);
        return { store, db };
      }
      const store = postgresStore(await openPostgres(await createPostgresDatabase(), poolSize ? { poolSize } : {}), options);
      opened.push(store);
      return { store, db: null };
    },
  };
}
