import { readFileSync } from 'node:fs';
import pg from 'pg';
import { VeilError } from '../../../shared/errors';
import { migrations } from './migrations/index';

/**
 * PostgreSQL, for a pharmacy with several workstations (issue 13). The same numbered steps as SQLite
 * (./migrations/), the version kept in `veil_schema_version` instead of SQLite's user_version.
 */

export interface PostgresOptions {
  /** A CA certificate file to trust for TLS (with sslmode=verify-ca or verify-full in the URL). */
  caFile?: string;
  /** Connections kept open (default 10). */
  poolSize?: number;
  /** Told the schema version found and the one left (`veil migrate` prints them). */
  onMigrated?: (change: { from: number; to: number }) => void;
}

/** What a user typed as the database address, checked before anything connects. */
export function parsePostgresUrl(text: string): URL {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw postgresFaults.badUrl(text, 'it is not an address');
  }
  if (url.protocol !== 'postgres:' && url.protocol !== 'postgresql:') throw postgresFaults.badUrl(text, `it starts with "${url.protocol}" instead of "postgres:"`);
  if (!url.hostname) throw postgresFaults.badUrl(text, 'it names no server');
  if (url.pathname.replace(/^\//, '') === '') throw postgresFaults.badUrl(text, 'it names no database (…/database at the end)');
  const sslmode = url.searchParams.get('sslmode');
  if (sslmode && !['disable', 'prefer', 'require', 'verify-ca', 'verify-full', 'no-verify'].includes(sslmode)) {
    throw postgresFaults.badUrl(text, `sslmode "${sslmode}" is not one of disable, prefer, require, verify-ca, verify-full`);
  }
  return url;
}

/** The address without its password, for messages and logs. */
export function describePostgresUrl(url: URL): string {
  return `${url.protocol}//${url.username ? `${decodeURIComponent(url.username)}@` : ''}${url.host}${url.pathname}`;
}

export const postgresFaults = {
  badUrl: (text: string, why: string) =>
    new VeilError('validation', `"${text.replace(/:[^:@/]*@/, ':…@')}" is not a PostgreSQL address: ${why}. Write it as postgres://user@host:5432/database.`),
  unreachable: (where: string, detail: string) =>
    new VeilError('storage', `The PostgreSQL server at ${where} does not answer (${detail}). Check that it is running and that this computer may reach it; nothing was changed.`),
  refused: (where: string, user: string) =>
    new VeilError('storage', `The PostgreSQL server at ${where} refused the user name or password of "${user}". Check the credentials; nothing was changed.`),
  noDatabase: (where: string) => new VeilError('storage', `The database ${where} does not exist on that server. Ask its administrator to create it (empty); nothing was changed.`),
  tls: (where: string, detail: string) => new VeilError('storage', `The secure connection to ${where} failed (${detail}). Check sslmode and the CA file; nothing was changed.`),
  newer: (current: number, known: number) =>
    new VeilError('conflict', `This database was written by a newer Veil (schema ${current}; this version knows ${known}). Update Veil before opening it.`),
};

/** A pg error (or a Node socket error) turned into the message a pharmacist or IT technician can act on. */
export function postgresFaultOf(error: unknown, url: URL): VeilError | null {
  if (error instanceof VeilError) return error;
  const code = (error as { code?: string }).code ?? '';
  const where = describePostgresUrl(url);
  const message = (error as Error)?.message ?? String(error);
  if (['ECONNREFUSED', 'ENOTFOUND', 'EHOSTUNREACH', 'ETIMEDOUT', 'EAI_AGAIN', 'ECONNRESET'].includes(code)) return postgresFaults.unreachable(where, code === 'ENOTFOUND' ? 'no such host' : code);
  if (code === '28P01' || code === '28000') return postgresFaults.refused(where, decodeURIComponent(url.username || 'the current user'));
  if (code === '3D000') return postgresFaults.noDatabase(where);
  if (/SSL|TLS|certificate/i.test(message) && !code.match(/^[0-9A-Z]{5}$/)) return postgresFaults.tls(where, message);
  if (/timeout/i.test(message) && /connect/i.test(message)) return postgresFaults.unreachable(where, 'timed out');
  return null;
}

function poolConfig(url: URL, options: PostgresOptions): pg.PoolConfig {
  const config: pg.PoolConfig = { connectionString: url.toString(), max: options.poolSize ?? 10, connectionTimeoutMillis: 10_000, types: { getTypeParser: veilTypeParser } };
  if (options.caFile) config.ssl = { ca: readFileSync(options.caFile, 'utf8'), rejectUnauthorized: true };
  return config;
}

/**
 * Counts and sums come back from PostgreSQL as bigint, which pg gives as text: Veil's are far below 2^53, and the
 * repositories expect numbers, as SQLite gives them.
 */
const veilTypeParser = ((oid: number, format?: 'text' | 'binary') =>
  oid === pg.types.builtins.INT8 ? (value: string) => Number(value) : pg.types.getTypeParser(oid, format as 'text')) as pg.CustomTypesConfig['getTypeParser'];

/**
 * A connection the server ends (a restart, the database dropped) must not crash the process. pg-pool reports it for
 * idle connections only (the pool's 'error'); one checked out, as Kysely holds it through a unit of work, would emit
 * 'error' with no listener, an uncaught exception. The statement running on it fails on its own, and the next unit of
 * work gets a new connection.
 */
function survivesLostConnections(pool: pg.Pool): void {
  pool.on('error', () => undefined);
  pool.on('connect', (client) => client.on('error', () => undefined));
}

/**
 * Connects, checks the schema and brings it to the latest step. Every fault a person can fix (address, server down,
 * credentials, missing database, a schema newer than this Veil) is refused with its own message before anything is
 * written.
 */
export async function openPostgres(text: string, options: PostgresOptions = {}): Promise<pg.Pool> {
  const url = parsePostgresUrl(text);
  const pool = new pg.Pool(poolConfig(url, options));
  survivesLostConnections(pool);
  try {
    const change = await migratePostgres(pool);
    options.onMigrated?.(change);
    return pool;
  } catch (error) {
    await pool.end().catch(() => undefined);
    throw postgresFaultOf(error, url) ?? error;
  }
}

/**
 * A pool whose every transaction is READ ONLY, with the schema version it found (no migration runs); a schema newer
 * than this Veil, and every connection fault, are refused with their own message and the pool closed.
 */
async function openReadOnly(text: string, options: Pick<PostgresOptions, 'caFile' | 'poolSize'>, check: (version: number, url: URL) => void = () => {}): Promise<{ pool: pg.Pool; url: URL; version: number }> {
  const url = parsePostgresUrl(text);
  const pool = new pg.Pool({ ...poolConfig(url, options), options: '-c default_transaction_read_only=on' });
  survivesLostConnections(pool);
  try {
    const version = await postgresSchemaVersion(pool);
    if (version > migrations.length) throw postgresFaults.newer(version, migrations.length);
    check(version, url);
    return { pool, url, version };
  } catch (error) {
    await pool.end().catch(() => undefined);
    throw postgresFaultOf(error, url) ?? error;
  }
}

/**
 * Connects to read only (`veil verify`): a database Veil has never written to is refused too, with its own message.
 */
export async function openPostgresForReading(text: string, options: Pick<PostgresOptions, 'caFile' | 'poolSize'> = {}): Promise<pg.Pool> {
  const { pool } = await openReadOnly(text, options, (version, url) => {
    if (version === 0) throw new VeilError('not_found', `The database ${describePostgresUrl(url)} holds no Veil data (no Veil schema): there is nothing to verify.`);
  });
  return pool;
}

/** A trial connection for the administrator's screen: reads the schema version and closes, writing nothing. */
export async function probePostgres(text: string, options: Pick<PostgresOptions, 'caFile'> = {}): Promise<{ where: string; schemaVersion: number; knownVersion: number }> {
  const { pool, url, version } = await openReadOnly(text, { ...options, poolSize: 1 });
  await pool.end().catch(() => undefined);
  return { where: describePostgresUrl(url), schemaVersion: version, knownVersion: migrations.length };
}

/** The schema version of a PostgreSQL database (0 when Veil has never written to it). */
export async function postgresSchemaVersion(client: pg.Pool | pg.PoolClient): Promise<number> {
  const table = await client.query<{ present: boolean }>("SELECT to_regclass('veil_schema_version') IS NOT NULL AS present");
  if (!table.rows[0]!.present) return 0;
  const row = await client.query<{ version: number }>('SELECT version FROM veil_schema_version WHERE id = 1');
  return row.rows[0]?.version ?? 0;
}

/**
 * Applies every step above the database's version, each in its own transaction. Several workstations may start at
 * once: an advisory lock makes them take turns, and each re-reads the version under the lock, so a step runs once.
 */
export async function migratePostgres(pool: pg.Pool, target: number = migrations.length): Promise<{ from: number; to: number }> {
  const client = await pool.connect();
  try {
    const found = await postgresSchemaVersion(client);
    let to = found;
    if (found > migrations.length) throw postgresFaults.newer(found, migrations.length);
    for (;;) {
      await client.query('BEGIN');
      let applied: number | null = null;
      try {
        await client.query("SELECT pg_advisory_xact_lock(hashtext('veil_migrate'))");
        await client.query('CREATE TABLE IF NOT EXISTS veil_schema_version (id integer PRIMARY KEY CHECK (id = 1), version integer NOT NULL)');
        await client.query('INSERT INTO veil_schema_version (id, version) VALUES (1, 0) ON CONFLICT (id) DO NOTHING');
        const current = await postgresSchemaVersion(client);
        if (current > migrations.length) throw postgresFaults.newer(current, migrations.length);
        if (current < target) {
          applied = current + 1;
          await migrations[current]!.postgres(client);
          await client.query('UPDATE veil_schema_version SET version = $1 WHERE id = 1', [applied]);
        }
        await client.query('COMMIT');
      } catch (error) {
        await client.query('ROLLBACK').catch(() => undefined);
        throw error;
      }
      if (applied === null) return { from: found, to };
      to = applied;
      for (const statement of migrations[applied - 1]!.postgresAfterCommit ?? []) await client.query(statement);
    }
  } finally {
    client.release();
  }
}
