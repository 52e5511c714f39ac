import { resolve } from 'node:path';
import { parsePostgresUrl } from './postgres';

/** Where Veil keeps its data: an SQLite file (one bench, the default) or a PostgreSQL server (several workstations). */
export type DatabaseLocation = { engine: 'sqlite'; file: string } | { engine: 'postgres'; url: URL };

/**
 * The database a command or the app was pointed at: `--database postgres://…` or `--db FILE`, else the
 * VEIL_DATABASE_URL environment variable (a postgres:// address or a file path). Both flags at once is a mistake, told
 * as one; a bad address is refused before anything connects.
 */
export function databaseLocation(options: { db?: string | undefined; database?: string | undefined }, env: NodeJS.ProcessEnv = process.env): DatabaseLocation | null {
  if (options.db !== undefined && options.database !== undefined) {
    throw new Error('Give either --db FILE (SQLite) or --database postgres://… (PostgreSQL), not both.');
  }
  const text = options.database ?? options.db ?? env.VEIL_DATABASE_URL;
  if (text === undefined || text === '') return null;
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(text)) return { engine: 'postgres', url: parsePostgresUrl(text) };
  if (options.database !== undefined) parsePostgresUrl(text); // --database is for server addresses: say what is wrong with it
  return { engine: 'sqlite', file: resolve(text) };
}
