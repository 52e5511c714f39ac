import { execFileSync, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmodSync, chownSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * A throw-away PostgreSQL server for the tests and the benchmark: `initdb` in a temporary folder, a random loopback
 * port, password authentication over TCP, removed by `stop()`. PostgreSQL refuses to run as root, so when the tests
 * run as root (CI on Debian) the server runs as the `postgres` account Debian's package creates.
 */
export interface PostgresCluster {
  /** `postgres://veil:<password>@127.0.0.1:<port>/postgres`: the superuser of this throw-away server. */
  readonly url: string;
  readonly port: number;
  readonly password: string;
  /** The server's data folder (readable by root: the at-rest tests read its files as a thief of the disk would). */
  readonly dataDir: string;
  /** A URL to a new, empty database on this server (`CREATE DATABASE`). */
  createDatabase(name?: string): Promise<string>;
  stop(): void;
}

export interface ClusterOptions {
  /**
   * Trade durability for speed (fsync off): right for the test suites, which never survive a power cut, wrong for
   * the benchmark, which must measure durable commits.
   */
  durable?: boolean;
}

/** The newest PostgreSQL server binaries installed by Debian's packages (or `PG_BIN`). */
export function postgresBinaries(): string | null {
  if (process.env.PG_BIN && existsSync(join(process.env.PG_BIN, 'initdb'))) return process.env.PG_BIN;
  const root = '/usr/lib/postgresql';
  if (!existsSync(root)) return null;
  const versions = readdirSync(root)
    .filter((v) => existsSync(join(root, v, 'bin', 'initdb')))
    .sort((a, b) => Number(b) - Number(a));
  return versions.length ? join(root, versions[0]!, 'bin') : null;
}

async function freeLoopbackPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

export async function startPostgresCluster(options: ClusterOptions = {}): Promise<PostgresCluster> {
  const bin = postgresBinaries();
  if (!bin) throw new Error('PostgreSQL is not installed: on Debian, `apt-get install postgresql` (scripts/ensure-deps.sh does it as root).');
  const asRoot = process.getuid?.() === 0;
  const owner = asRoot ? accountIds('postgres') : null;
  const dir = mkdtempSync(join(tmpdir(), 'veil-pg-'));
  const data = join(dir, 'data');
  const password = randomBytes(18).toString('base64url');
  const pwFile = join(dir, 'pw');
  writeFileSync(pwFile, password + '\n', { mode: 0o600 });
  if (owner) {
    chownSync(dir, owner.uid, owner.gid);
    chownSync(pwFile, owner.uid, owner.gid);
  }
  chmodSync(dir, 0o700);
  const run = (tool: string, args: string[]) => {
    const command = asRoot ? 'runuser' : join(bin, tool);
    const fullArgs = asRoot ? ['-u', 'postgres', '--', join(bin, tool), ...args] : args;
    const result = spawnSync(command, fullArgs, { encoding: 'utf8', cwd: dir });
    if (result.status !== 0) throw new Error(`${tool} failed (${result.status}): ${result.stderr || result.stdout}`);
  };
  try {
    run('initdb', ['-D', data, '-U', 'veil', `--pwfile=${pwFile}`, '--auth-local=trust', '--auth-host=scram-sha-256', '-E', 'UTF8', '--locale=C.UTF-8', '--no-sync']);
    rmSync(pwFile);
    const port = await freeLoopbackPort();
    const settings = [
      `-p ${port}`,
      `-c listen_addresses=127.0.0.1`,
      `-c unix_socket_directories=${dir}`,
      `-c max_connections=200`,
      ...(options.durable ? [] : ['-c fsync=off', '-c synchronous_commit=off', '-c full_page_writes=off']),
    ].join(' ');
    run('pg_ctl', ['-D', data, '-o', settings, '-l', join(dir, 'server.log'), '-w', '-t', '60', 'start']);
    const url = `postgres://veil:${encodeURIComponent(password)}@127.0.0.1:${port}/postgres`;
    let counter = 0;
    return {
      url,
      port,
      password,
      dataDir: data,
      createDatabase: (name) => createDatabaseOn(url, name ?? `veil_${process.pid}_${Date.now().toString(36)}_${++counter}`),
      stop() {
        try {
          run('pg_ctl', ['-D', data, '-m', 'immediate', '-w', 'stop']);
        } finally {
          rmSync(dir, { recursive: true, force: true });
        }
      },
    };
  } catch (error) {
    const log = join(dir, 'server.log');
    const tail = existsSync(log) ? `\n${readFileSync(log, 'utf8').slice(-2000)}` : '';
    rmSync(dir, { recursive: true, force: true });
    throw new Error(`${(error as Error).message}${tail}`);
  }
}

/** Creates an empty database on a server (given by its superuser's URL) and answers the new database's URL. */
export async function createDatabaseOn(serverUrl: string, database: string): Promise<string> {
  if (!/^[a-z_][a-z0-9_]*$/.test(database)) throw new Error(`Not a plain database name: ${database}`);
  const { Client } = await import('pg');
  const client = new Client({ connectionString: serverUrl });
  await client.connect();
  try {
    await client.query(`CREATE DATABASE ${database}`);
  } finally {
    await client.end();
  }
  return serverUrl.replace(/\/postgres$/, `/${database}`);
}

function accountIds(name: string): { uid: number; gid: number } {
  const uid = Number(execFileSync('id', ['-u', name], { encoding: 'utf8' }).trim());
  const gid = Number(execFileSync('id', ['-g', name], { encoding: 'utf8' }).trim());
  return { uid, gid };
}
