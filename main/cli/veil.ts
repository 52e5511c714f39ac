#!/usr/bin/env node
/**
 * `veil`: the administrator's command line over the same core as the app.
 * From a checkout: `npm run --silent veil -- <command>`.
 */
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { describeContract } from '../../shared/contract';
import { openDatabase, integrityProblems } from '../core/db/database';
import { seedDemo } from '../core/demo/demoSeed';
import { streamLogger } from '../core/log';
import { systemClock } from '../core/clock';
import { createVeilCore } from '../core/veilCore';
import { startHost } from '../host/server';

const HELP = `veil: the Veil pharmacy administrator's command line

Usage: veil <command> [options]

Commands:
  serve [--db FILE] [--demo] [--port N]
        Run Veil in browser mode on 127.0.0.1. Prints the URL to open (with its launch token) as the first line.
        --demo seeds the NS-DUPI demo study and one user per role into a new database (a temporary file when
        --db is not given) and prints their credentials as one JSON line after the URL.
  contract
        Print the IPC contract (channels, permissions, JSON Schemas, examples) as JSON.
  verify --db FILE
        Check a database file: SQLite integrity and foreign keys. Exit 0 when all holds, 1 otherwise.
  --help
        This text.
`;

class UsageError extends Error {}

function parse(args: string[], options: ParseArgsConfig['options']) {
  try {
    return parseArgs({ args, options: options ?? {}, allowPositionals: false, strict: true }).values;
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
}

const rendererDir = fileURLToPath(new URL('../../dist/renderer', import.meta.url));

async function serve(args: string[]): Promise<void> {
  const values = parse(args, { db: { type: 'string' }, demo: { type: 'boolean' }, port: { type: 'string' } });
  const port = values.port === undefined ? 0 : Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new UsageError(`--port takes a number from 0 to 65535, not "${String(values.port)}".`);
  let dbFile = typeof values.db === 'string' ? resolve(values.db) : undefined;
  if (!dbFile) {
    if (!values.demo) throw new UsageError('serve needs --db FILE (or --demo for a throwaway demo database).');
    dbFile = join(mkdtempSync(join(tmpdir(), 'veil-demo-')), 'veil-demo.db');
  }
  if (!existsSync(join(rendererDir, 'index.html'))) {
    process.stderr.write('warning: the renderer is not built (dist/renderer); run `npm run build`. The /rpc API works meanwhile.\n');
  }
  const logger = streamLogger((line) => process.stderr.write(line));
  const core = createVeilCore({ dbFile, mode: 'browser', logger });
  const demo = values.demo ? await seedDemo(core, systemClock) : null;
  const host = await startHost({ core, rendererDir, port });
  process.stdout.write(host.url + '\n');
  if (demo) process.stdout.write(JSON.stringify({ db: dbFile, users: demo.users }) + '\n');
  const stop = () => {
    void host.close().then(() => {
      core.close();
      process.exit(0);
    });
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

function verify(args: string[]): number {
  const values = parse(args, { db: { type: 'string' } });
  if (typeof values.db !== 'string') throw new UsageError('verify needs --db FILE.');
  const file = resolve(values.db);
  if (!existsSync(file)) throw new UsageError(`There is no database file at ${file}.`);
  let problems: string[];
  try {
    const db = openDatabase(file, { readonly: true });
    try {
      problems = integrityProblems(db);
    } finally {
      db.close();
    }
  } catch (error) {
    process.stdout.write(`FAILED: ${file} cannot be read as a Veil database: ${(error as Error).message}\n`);
    return 1;
  }
  if (problems.length === 0) {
    process.stdout.write(`OK: ${file}: SQLite integrity and foreign keys hold.\n`);
    return 0;
  }
  process.stdout.write(`FAILED: ${file}:\n${problems.map((p) => `  - ${p}\n`).join('')}`);
  return 1;
}

export async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  switch (command) {
    case undefined:
    case '--help':
    case '-h':
    case 'help':
      process.stdout.write(HELP);
      return command === undefined ? 2 : 0;
    case 'serve':
      await serve(rest);
      return -1; // keeps running
    case 'contract':
      parse(rest, {});
      process.stdout.write(JSON.stringify(describeContract(), null, 2) + '\n');
      return 0;
    case 'verify':
      return verify(rest);
    default:
      throw new UsageError(`Unknown command "${command}".`);
  }
}

main(process.argv.slice(2)).then(
  (code) => {
    if (code >= 0) process.exitCode = code;
  },
  (error: unknown) => {
    if (error instanceof UsageError) {
      process.stderr.write(`veil: ${error.message}\nRun "veil --help" for the commands.\n`);
      process.exitCode = 2;
    } else {
      process.stderr.write(`veil: ${(error as Error).message}\n`);
      process.exitCode = 1;
    }
  },
);
