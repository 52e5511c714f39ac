import { inject } from 'vitest';
import { createDatabaseOn } from './postgresCluster';

/** A new, empty database on the suite's throw-away PostgreSQL server (tests/helpers/postgresGlobalSetup.ts); its URL. */
export function createPostgresDatabase(): Promise<string> {
  return createDatabaseOn(inject('postgresUrl'), newDatabaseName());
}

function newDatabaseName(): string {
  return `veil_t${process.pid}_${Date.now().toString(36)}_${Math.random().toString(36).slice(2, 8)}`;
}

/** The plain name of a database of the suite's server, from its URL. */
function databaseNameOf(url: string): string {
  const name = decodeURIComponent(new URL(url).pathname.slice(1));
  if (!/^[a-z_][a-z0-9_]*$/.test(name)) throw new Error(`Not a plain database name: ${name}`);
  return name;
}

/** Runs `work` with a client of the suite's server (its `postgres` database, never one a test uses). */
async function onServer<T>(work: (client: import('pg').Client) => Promise<T>): Promise<T> {
  const { Client } = await import('pg');
  const client = new Client({ connectionString: inject('postgresUrl') });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

/** Waits until no session is connected to the database at `url` (a closed core's pool ends in the background). */
export function untilPostgresDatabaseUnused(url: string): Promise<void> {
  return onServer((client) => untilUnused(client, databaseNameOf(url)));
}

async function untilUnused(client: import('pg').Client, database: string, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const { rows } = await client.query<{ n: number }>('SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()', [database]);
    if (rows[0]!.n === 0) return;
    if (Date.now() > deadline) throw new Error(`the database ${database} still has ${rows[0]!.n} session(s) after ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/**
 * A new database of the suite's server holding what `url`'s holds (CREATE DATABASE ... TEMPLATE): PostgreSQL copies
 * only a database nobody is connected to, so this first waits for the last session to it to end. Its URL.
 */
export async function copyPostgresDatabase(url: string): Promise<string> {
  const template = databaseNameOf(url);
  const copy = newDatabaseName();
  await onServer(async (client) => {
    await untilUnused(client, template);
    // Since PostgreSQL 15 a copy writes every page of the template to the WAL by default: about 300 ms for the
    // example world (10 MB), against 50 ms copying the files (the test server runs without fsync).
    const { rows } = await client.query<{ v: string }>('SHOW server_version_num');
    const strategy = Number(rows[0]!.v) >= 150000 ? ' STRATEGY file_copy' : '';
    await client.query(`CREATE DATABASE ${copy} TEMPLATE ${template}${strategy}`);
  });
  return url.replace(/\/[^/]+$/, `/${copy}`);
}

/** Drops a test's own database, ending whatever sessions its closed core still has. Never throws (a clean-up). */
export async function dropPostgresDatabase(url: string): Promise<void> {
  try {
    const name = databaseNameOf(url);
    await onServer((client) => client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`));
  } catch {
    // The server may already be stopping at the end of the run.
  }
}
