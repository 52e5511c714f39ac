import { inject } from 'vitest';
import { createDatabaseOn } from './postgresCluster';

/** A new, empty database on the suite's throw-away PostgreSQL server (tests/helpers/postgresGlobalSetup.ts); its URL. */
export function createPostgresDatabase(): Promise<string> {
  return createDatabaseOn(inject('postgresUrl'), `veil_t${process.pid}_${Date.now().toString(36)}_${Math.random().toString(36).slice(2, 8)}`);
}
