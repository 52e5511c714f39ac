import { inject } from 'vitest';
import pg from 'pg';

/** A new, empty database on the suite's throw-away PostgreSQL server (tests/helpers/postgresGlobalSetup.ts); its URL. */
export async function createPostgresDatabase(): Promise<string> {
  const serverUrl = inject('postgresUrl');
  const name = `veil_t${process.pid}_${Date.now().toString(36)}_${Math.random().toString(36).slice(2, 8)}`;
  const client = new pg.Client({ connectionString: serverUrl });
  await client.connect();
  try {
    await client.query(`CREATE DATABASE ${name}`);
  } finally {
    await client.end();
  }
  return serverUrl.replace(/\/postgres$/, `/${name}`);
}
