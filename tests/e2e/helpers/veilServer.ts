import { spawn, type ChildProcess } from 'node:child_process';
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { createInterface } from 'node:readline';
import type { Role } from '../../../shared/roles';
import { demoTemplate, type DemoSummary } from './demoTemplate';
import { VEIL_CLI } from '../../helpers/veilCli';
import { REPO_ROOT } from './paths';

export interface DemoUser {
  username: string;
  password: string;
  role: Role;
  blinded: boolean;
}

export interface VeilServer {
  /** The URL with its launch token, as `veil serve` printed it. */
  url: string;
  origin: string;
  token: string;
  /** The SQLite file, or the PostgreSQL address the server was given (`database`). */
  dbFile: string;
  /** The demo users (empty without --demo). */
  users: DemoUser[];
  /** The sponsor-style CSV lists the demo was built from (written next to the database), or null without --demo. */
  lists: { randomization: string; kits: string } | null;
  /** The demo's emergency code-break passphrase (the investigator's sealed envelope), or null without --demo. */
  codeBreakPassphrase: string | null;
  user(role: Role): DemoUser;
  /** POST /rpc/<channel> with the launch token, as the page would; answers the HTTP status and the JSON body. */
  rpc(channel: string, input?: unknown): Promise<{ status: number; body: { ok: boolean; value?: unknown; error?: { code: string; message: string } } }>;
  /**
   * Logs this window out. Browser mode mirrors one desktop window: every page opened with the token shares its one
   * session, so each test starts from the login screen by ending whatever the previous test left.
   */
  logoutWindow(): Promise<void>;
  stderr(): string;
  stop(): Promise<void>;
}

/**
 * Starts `veil serve` on a fresh database in a temporary folder and reads the URL from its first stdout line. With
 * `demo`: NS-DUPI, with BRAVE-AA2 when `studies` is 'both', and one user per role. On SQLite the server gets its own
 * copy of the run's demo (helpers/demoTemplate.ts), served with the device simulator as `--demo` would; elsewhere
 * (PostgreSQL, or outside the e2e run) `--demo` seeds it and the users come from its JSON line. With `database` (a
 * postgres:// address), it serves that PostgreSQL database instead, with its own data folder: one workstation of
 * several.
 */
export async function startVeil(options: { demo?: boolean; database?: string; studies?: 'one' | 'both' } = {}): Promise<VeilServer> {
  const dir = mkdtempSync(join(tmpdir(), 'veil-e2e-'));
  const dbFile = options.database ?? join(dir, 'veil.db');
  const where = options.database ? ['--database', options.database, '--data', join(dir, 'data')] : ['--db', dbFile];
  // The demo of one study (NS-DUPI) unless the test asks for both (NS-DUPI and BRAVE-AA2).
  const studies = options.studies ?? 'one';
  const template = options.demo && !options.database ? await demoTemplate(studies) : null;
  let copied: DemoSummary | null = null;
  if (template) {
    cpSync(template.dir, dir, { recursive: true });
    const here = (file: string) => join(dir, basename(file));
    const { lists } = template.summary;
    copied = { ...template.summary, lists: { randomization: here(lists.randomization), kits: here(lists.kits), loggers: lists.loggers.map(here) } };
  }
  const seeding = options.demo && !template ? ['--demo', ...(studies === 'both' ? [] : ['--single-study'])] : [];
  // The command line bundled for the run (tests/helpers/veilCli.ts), as the desktop app ships its core.
  const args = [VEIL_CLI, 'serve', ...where, '--port', '0', ...seeding, ...(template ? ['--simulated-devices'] : [])];
  const child: ChildProcess = spawn(process.execPath, args, {
    cwd: REPO_ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, NODE_ENV: 'test' },
  });
  let stderr = '';
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));

  const lines = createInterface({ input: child.stdout! });
  const expected = seeding.length > 0 ? 2 : 1;
  const received: string[] = [];
  try {
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`veil serve did not print its URL within 90 s (a loaded machine builds the demo slowly).\n${stderr}`)), 90_000);
      lines.on('line', (line) => {
        received.push(line);
        if (received.length === expected) {
          clearTimeout(timer);
          resolve();
        }
      });
      child.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`veil serve exited (code ${code}) before printing its URL.\n${stderr}`));
      });
    });
  } catch (error) {
    child.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }

  const url = received[0]!;
  const match = /^(http:\/\/127\.0\.0\.1:\d+)\/#token=([A-Za-z0-9_-]+)$/.exec(url);
  if (!match) throw new Error(`Unexpected first line from veil serve: ${url}`);
  const origin = match[1]!;
  const token = match[2]!;
  const summary = copied ?? (seeding.length > 0 ? (JSON.parse(received[1]!) as DemoSummary) : null);
  const users: DemoUser[] = summary?.users ?? [];

  async function rpc(channel: string, input: unknown = {}) {
    const response = await fetch(`${origin}/rpc/${channel}`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
      body: JSON.stringify(input),
    });
    return { status: response.status, body: (await response.json()) as never };
  }

  return {
    url,
    origin,
    token,
    dbFile,
    users,
    lists: summary?.lists ?? null,
    codeBreakPassphrase: summary?.codeBreakPassphrase ?? null,
    user(role) {
      const found = users.find((u) => u.role === role);
      if (!found) throw new Error(`No demo user with role ${role}`);
      return found;
    },
    rpc,
    async logoutWindow() {
      const { status } = await rpc('session.logout');
      if (status !== 200 && status !== 401) throw new Error(`session.logout answered HTTP ${status}`);
    },
    stderr: () => stderr,
    async stop() {
      lines.close();
      if (child.exitCode === null) {
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
        await exited;
        clearTimeout(timer);
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
