#!/usr/bin/env node
/**
 * `veil`: the administrator's command line over the same core as the app.
 * From a checkout: `npm run --silent veil -- <command>`.
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { describeContract } from '../../shared/contract';
import { interpretScan } from '../../shared/barcode/scan';
import { LABEL_LANGUAGES, type LabelLanguage } from '../../shared/labels/labelCaptions';
import { openDatabase, openForReading, schemaVersion } from '../core/db/database';
import { databaseLocation, type DatabaseLocation } from '../core/db/location';
import { describePostgresUrl, openPostgres, openPostgresForReading, parsePostgresUrl, postgresFaultOf } from '../core/db/postgres';
import { postgresAnchorPath } from '../core/db/openedDatabase';
import { postgresStore, type Store } from '../core/db/store';
import { PostgresRecordedStateRepository } from '../core/audit/postgresRecordedStateRepository';
import { RecordedStateRepository } from '../core/audit/recordedStateRepository';
import { moveToPostgres } from '../core/db/moveToPostgres';
import { migrations } from '../core/db/migrations/index';
import Database from 'better-sqlite3';
import { anchorLocation, anchorPublicKey, anchorPublicKeyFromPem, type AnchorPublicKey } from '../core/audit/chainAnchors';
import { verifyRecord, type RecordReport } from '../core/audit/recordVerification';
import { openAllocationKeysAsHolder, openAllocationKeysFromStore, wipeHeldKeys, type HeldKeys } from '../core/allocation/keyHolderCredential';
import { VeilError } from '../../shared/errors';
import { seedDemo, type DemoResult } from '../core/demo/demoSeed';
import { streamLogger } from '../core/log';
import { DemoClock } from '../core/clock';
import { channelsOf, openVeilCore, openVeilCoreInternals } from '../core/veilCore';
import { startHost } from '../host/server';

const HELP = `veil: the Veil pharmacy administrator's command line

Usage: veil <command> [options]

Commands:
  serve [--db FILE | --database postgres://USER@HOST:PORT/DB [--ca-file FILE] [--data DIR]] [--demo [--single-study]]
        [--simulated-devices] [--port N]
        Run Veil in browser mode on 127.0.0.1. Prints the URL to open (with its launch token) as the first line.
        --demo seeds the demo studies, NS-DUPI and BRAVE-AA2 (NS-DUPI alone with --single-study), and one user per
        role into a new database (a temporary file when no database is given) and prints their credentials as one
        JSON line after the URL. --simulated-devices uses the device simulator (a virtual HID scanner and DYMO, a
        loopback Zebra) instead of USB devices, as --demo does: a training copy of a database made by veil demo.
        On PostgreSQL, --data
        is this workstation's own folder for the audit anchors it countersigns (default ~/.local/share/veil).
  contract
        Print the IPC contract (channels, permissions, JSON Schemas, examples) as JSON.
  verify (--db FILE | --database postgres://USER@HOST:PORT/DB [--ca-file FILE] [--data DIR]) [--seal SEAL] [--user NAME]
         [--anchors FILE] [--anchor-key FILE]
        Check a database: SQLite integrity, foreign keys, the audit trail's hash chain (naming the first broken
        event) and its dates, the anchors kept beside the database (FILE.audit-anchors, countersigned with the key
        veil-audit-anchor.key in the same folder: a rewritten or cut history no longer holds them), each
        e-signature's chain head, and the events replayed against the tables (a row changed without its event is
        named). --seal proves that a seal printed on a report ("event N, <hash>") is in the chain. --user, with the
        password of an unblinded key holder (from VEIL_PASSWORD or asked), also authenticates every sealed value.
        On PostgreSQL (--database or VEIL_DATABASE_URL) the same checks run in one read-only snapshot, the
        append-only triggers are checked in the server's catalog, and the anchors are this workstation's (kept in
        --data DIR, by default ~/.local/share/veil). Nothing is written. Exit 0 when all holds, 1 otherwise.
  demo --db FILE --lists DIR [--single-study]
        Create the demo database (NS-DUPI and BRAVE-AA2, or NS-DUPI alone) and write to DIR the sponsor-style lists it was built from and the two
        fridges' logger exports it imported; prints the demo users and the code-break passphrase as one JSON line.
  label --db FILE --kit KIT --format png|zpl|dymo|pdf --out FILE --user NAME [--kind carton|syringe] [--language en|fr]
        Write the blinded label of a dispensed kit exactly as it would print (default kind: carton; default language:
        the study's label language, another of its label languages on request), as a user allowed to print labels
        (password from VEIL_PASSWORD or asked). The download is recorded in the audit trail; it is not a print (a
        label is printed when a label printer confirms it).
  parse-barcode DATA
        Parse a scanned code (GS1 element string with a real GS or the text \x1d, or a plain kit number) as JSON.
  import randomization|kits --db FILE --file CSV --user NAME
        Import a sponsor list as an unblinded pharmacist, e-signed with the password (from VEIL_PASSWORD or asked).
  migrate (--db FILE | --database postgres://USER@HOST:PORT/DB) [--ca-file FILE]
        Bring a database's schema to this Veil's version, each step in its own transaction, and print the version
        before and after as one JSON line. A PostgreSQL database may be empty (Veil creates its tables); the address
        may also come from VEIL_DATABASE_URL, its password from the address or PGPASSWORD, TLS from ?sslmode= and
        --ca-file. A schema newer than this Veil, a server that does not answer or refused credentials are told
        plainly and nothing is written.
  move-to-postgres --db FILE --database postgres://USER@HOST:PORT/DB [--ca-file FILE]
        Copy every row of an SQLite database into an empty PostgreSQL database that veil migrate has set up, in one
        transaction, compare every table row for row, and only then mark the SQLite file as moved (Veil no longer
        writes to it). Sealed values are copied sealed. Prints the rows and digest of each table as one JSON line.
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

/** The database of --db or --database (or VEIL_DATABASE_URL), a mistake in them told as a usage error. */
function databaseOf(values: { db?: unknown; database?: unknown }): DatabaseLocation | null {
  try {
    return databaseLocation({ db: values.db as string | undefined, database: values.database as string | undefined });
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
}

const rendererDir = fileURLToPath(new URL('../../dist/renderer', import.meta.url));

async function serve(args: string[]): Promise<void> {
  const values = parse(args, { db: { type: 'string' }, database: { type: 'string' }, 'ca-file': { type: 'string' }, data: { type: 'string' }, demo: { type: 'boolean' }, 'single-study': { type: 'boolean' }, 'simulated-devices': { type: 'boolean' }, port: { type: 'string' } });
  const port = values.port === undefined ? 0 : Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new UsageError(`--port takes a number from 0 to 65535, not "${String(values.port)}".`);
  let location = databaseOf(values);
  if (!location) {
    if (!values.demo) throw new UsageError('serve needs --db FILE or --database postgres://user@host:port/database (or VEIL_DATABASE_URL), or --demo for a throwaway demo database.');
    location = { engine: 'sqlite', file: join(mkdtempSync(join(tmpdir(), 'veil-demo-')), 'veil-demo.db') };
  }
  // A PostgreSQL database is shared; this workstation's own folder keeps the audit anchors it countersigns.
  const dataFolder = typeof values.data === 'string' ? resolve(values.data) : location.engine === 'postgres' ? join(homedir(), '.local', 'share', 'veil') : undefined;
  if (dataFolder) mkdirSync(dataFolder, { recursive: true, mode: 0o700 });
  const where = location.engine === 'sqlite' ? { dbFile: location.file } : { database: location.url.href, ...(typeof values['ca-file'] === 'string' ? { caFile: resolve(values['ca-file']) } : {}) };
  const dbFile = location.engine === 'sqlite' ? location.file : undefined;
  const described = location.engine === 'sqlite' ? location.file : describePostgresUrl(location.url);
  if (!existsSync(join(rendererDir, 'index.html'))) {
    process.stderr.write('warning: the renderer is not built (dist/renderer); run `npm run build`. The /rpc API works meanwhile.\n');
  }
  const logger = streamLogger((line) => process.stderr.write(line));
  const clock = new DemoClock();
  // --demo or --simulated-devices: the device simulator (a virtual HID POS scanner and DYMO, a loopback Zebra);
  // otherwise real USB devices. The demo seed writes the site's set-up behind the channels; the server is then handed
  // the channels only.
  const simulated = values.demo || values['simulated-devices'];
  const opened = await openVeilCoreInternals({ ...where, ...(dataFolder ? { dataFolder } : {}), mode: 'browser', logger, clock, devices: simulated ? 'simulated' : 'hardware' });
  // The demo holds NS-DUPI and BRAVE-AA2; --single-study keeps it to NS-DUPI (a smaller world, as most tests use).
  const demo = values.demo ? await seedDemo(opened, clock, { history: true, secondStudy: !values['single-study'] }) : null;
  const core = channelsOf(opened);
  const listsDir = demo ? writeDemoLists(dbFile ? dirname(dbFile) : dataFolder!, demo) : null;
  const host = await startHost({ core, rendererDir, port });
  process.stdout.write(host.url + '\n');
  if (demo) process.stdout.write(JSON.stringify(demoSummary(described, demo, listsDir!)) + '\n');
  const stop = () => {
    void host.close().then(() => {
      core.close();
      process.exit(0);
    });
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

/** The sponsor-style lists the demo was built from, and the fridges' logger exports it imported (to import by hand). */
function writeDemoLists(dir: string, demo: DemoResult): DemoFiles {
  mkdirSync(dir, { recursive: true });
  const randomization = join(dir, 'NS-DUPI_randomization_list.csv');
  const kits = join(dir, 'NS-DUPI_kit_list.csv');
  writeFileSync(randomization, demo.lists.randomization);
  writeFileSync(kits, demo.lists.kits);
  const second = demo.secondStudy;
  if (second) {
    writeFileSync(join(dir, `${second.code}_randomization_list.csv`), second.lists.randomization);
    writeFileSync(join(dir, `${second.code}_kit_list.csv`), second.lists.kits);
  }
  const loggers = demo.loggerFiles.map((logger) => {
    const file = join(dir, logger.fileName);
    writeFileSync(file, logger.content);
    return file;
  });
  return { randomization, kits, loggers };
}

interface DemoFiles {
  randomization: string;
  kits: string;
  loggers: string[];
}

function demoSummary(dbFile: string, demo: DemoResult, lists: DemoFiles) {
  return {
    db: dbFile,
    users: demo.users,
    codeBreakPassphrase: demo.codeBreakPassphrase,
    lists,
    ...(demo.secondStudy ? { secondStudy: { code: demo.secondStudy.code, codeBreakPassphrase: demo.secondStudy.codeBreakPassphrase } } : {}),
  };
}

/** `veil demo --db FILE --lists DIR`: the demo database and the sponsor-style CSV lists it was built from. */
async function demo(args: string[]): Promise<number> {
  const values = parse(args, { db: { type: 'string' }, lists: { type: 'string' }, 'single-study': { type: 'boolean' } });
  if (typeof values.db !== 'string' || typeof values.lists !== 'string') throw new UsageError('demo needs --db FILE and --lists DIR.');
  const dbFile = resolve(values.db);
  if (existsSync(dbFile)) throw new UsageError(`${dbFile} already exists; the demo needs a new database file.`);
  mkdirSync(dirname(dbFile), { recursive: true });
  const clock = new DemoClock();
  const core = await openVeilCoreInternals({ dbFile, mode: 'browser', idleSweepMs: 0, clock });
  try {
    const seeded = await seedDemo(core, clock, { history: true, secondStudy: !values['single-study'] });
    process.stdout.write(JSON.stringify(demoSummary(dbFile, seeded, writeDemoLists(resolve(values.lists), seeded))) + '\n');
  } finally {
    core.close();
  }
  return 0;
}

/** The password from VEIL_PASSWORD, or asked on the terminal without echo; `purpose` says what it is for. */
async function readPassword(username: string, purpose: string): Promise<string> {
  const fromEnv = process.env.VEIL_PASSWORD;
  if (fromEnv) return fromEnv;
  if (!process.stdin.isTTY) throw new UsageError('No terminal to ask the password on: set VEIL_PASSWORD.');
  process.stdout.write(`Password for ${username} (${purpose}): `);
  return new Promise((resolvePassword) => {
    const stdin = process.stdin;
    let typed = '';
    stdin.setRawMode(true);
    stdin.resume();
    stdin.setEncoding('utf8');
    const onData = (chunk: string) => {
      for (const ch of chunk) {
        if (ch === '\r' || ch === '\n' || ch === '\u0004') {
          stdin.setRawMode(false);
          stdin.pause();
          stdin.off('data', onData);
          process.stdout.write('\n');
          resolvePassword(typed);
          return;
        }
        if (ch === '\u0003') process.exit(130);
        typed = ch === '\u007f' ? typed.slice(0, -1) : typed + ch;
      }
    };
    stdin.on('data', onData);
  });
}

async function importList(args: string[]): Promise<number> {
  const [kind, ...rest] = args;
  if (kind !== 'randomization' && kind !== 'kits') throw new UsageError('import takes "randomization" or "kits" first.');
  const values = parse(rest, { db: { type: 'string' }, file: { type: 'string' }, user: { type: 'string' } });
  if (typeof values.db !== 'string' || typeof values.file !== 'string' || typeof values.user !== 'string') {
    throw new UsageError('import needs --db FILE --file CSV --user NAME.');
  }
  const dbFile = resolve(values.db);
  const csvFile = resolve(values.file);
  if (!existsSync(dbFile)) throw new UsageError(`There is no database file at ${dbFile}.`);
  if (!existsSync(csvFile)) throw new UsageError(`There is no file at ${csvFile}.`);
  // The bytes as they are on disk: Veil finds the encoding and records the SHA-256 of the file itself.
  const contentBase64 = readFileSync(csvFile).toString('base64');
  const password = await readPassword(values.user, 'signs the import');
  const core = await openVeilCore({ dbFile, mode: 'browser', idleSweepMs: 0 });
  try {
    const window = 'cli';
    const login = await core.dispatch(window, 'session.login', { username: values.user, password });
    if (!login.ok) return fail(login.error.message);
    const result = await core.dispatch(window, 'allocation.importList', {
      kind,
      fileName: basename(csvFile),
      contentBase64,
      signature: { username: values.user, password },
    });
    await core.dispatch(window, 'session.logout', {});
    if (!result.ok) return fail(result.error.message, result.error.issues?.map((i) => i.message));
    const value = result.value as {
      rowCount: number;
      sha256: string;
      warnings: Array<{ message: string }>;
      risk: { findings: unknown[]; blindedLot: string | null; commonUseBefore: string | null } | null;
    };
    process.stdout.write(`Imported ${value.rowCount} rows from ${basename(csvFile)} (SHA-256 ${value.sha256}).\n`);
    for (const warning of value.warnings) process.stdout.write(`Warning: ${warning.message}\n`);
    if (value.risk && value.risk.findings.length > 0) {
      process.stdout.write(`Blinding risk: ${value.risk.findings.length} findings; labels use lot ${value.risk.blindedLot ?? '(real)'} and date ${value.risk.commonUseBefore ?? '(real)'}.\n`);
    }
    return 0;
  } finally {
    core.close();
  }
}

function fail(message: string, details: string[] = []): number {
  process.stderr.write(`veil: ${message}\n${details.map((d) => `  ${d}\n`).join('')}`);
  return 1;
}

/**
 * `veil label`: the blinded label of a dispensed kit as a file, through the contract like every other caller: the
 * user logs in, labels.download checks the permission and records the download in the audit trail.
 */
async function label(args: string[]): Promise<number> {
  const values = parse(args, { db: { type: 'string' }, kit: { type: 'string' }, format: { type: 'string' }, out: { type: 'string' }, kind: { type: 'string' }, user: { type: 'string' }, language: { type: 'string' } });
  const format = values.format;
  const kind = values.kind ?? 'carton';
  const language = values.language;
  if (language !== undefined && (typeof language !== 'string' || !(LABEL_LANGUAGES as readonly string[]).includes(language))) throw new UsageError(`--language is ${LABEL_LANGUAGES.join(' or ')}.`);
  if (typeof values.db !== 'string' || typeof values.kit !== 'string' || typeof values.out !== 'string' || typeof values.user !== 'string') {
    throw new UsageError('label needs --db FILE --kit KIT --format png|zpl|dymo|pdf --out FILE --user NAME.');
  }
  if (format !== 'png' && format !== 'zpl' && format !== 'dymo' && format !== 'pdf') throw new UsageError('--format is png, zpl, dymo or pdf.');
  if (kind !== 'carton' && kind !== 'syringe') throw new UsageError('--kind is carton or syringe.');
  const dbFile = resolve(values.db);
  if (!existsSync(dbFile)) throw new UsageError(`There is no database file at ${dbFile}.`);
  const password = await readPassword(values.user, 'to download the label');
  const core = await openVeilCore({ dbFile, mode: 'browser', idleSweepMs: 0 });
  const window = 'cli';
  try {
    const login = await core.dispatch(window, 'session.login', { username: values.user, password });
    if (!login.ok) return fail(login.error.message);
    const result = await core.dispatch(window, 'labels.download', { kitNumber: values.kit, kind, format, ...(language ? { language: language as LabelLanguage } : {}) });
    if (!result.ok) return fail(result.error.message, result.error.issues?.map((i) => i.message));
    const file = result.value as { fileName: string; base64: string };
    const bytes = Buffer.from(file.base64, 'base64');
    writeFileSync(resolve(values.out), bytes);
    process.stdout.write(`Wrote the ${kind} label of kit ${values.kit} (${format}, ${bytes.length} bytes) to ${resolve(values.out)}. Recorded as a download, not a print.\n`);
    return 0;
  } finally {
    await core.dispatch(window, 'session.logout', {});
    core.close();
  }
}

function parseBarcode(args: string[]): number {
  if (args.length !== 1) throw new UsageError('parse-barcode takes the scanned data as one argument.');
  const result = interpretScan(args[0]!, { now: new Date() });
  process.stdout.write(JSON.stringify(result, null, 2) + '\n');
  return result.kind === 'invalid' ? 1 : 0;
}

/** A seal as printed on a report: "event 612, <hash>", "612:<hash>", "612 <hash>" or the hash alone. */
function parseSeal(text: string): { seq: number | null; hash: string } {
  const hash = /\b[0-9a-f]{64}\b/i.exec(text)?.[0];
  if (!hash) throw new UsageError(`--seal takes the audit seal as printed on a report ("event 612, <64 hex digits>"), not "${text}".`);
  const before = text.slice(0, text.toLowerCase().indexOf(hash.toLowerCase()));
  const seq = /(\d+)\D*$/.exec(before);
  return { seq: seq ? Number(seq[1]) : null, hash: hash.toLowerCase() };
}

async function verify(args: string[]): Promise<number> {
  const values = parse(args, {
    db: { type: 'string' },
    database: { type: 'string' },
    'ca-file': { type: 'string' },
    data: { type: 'string' },
    seal: { type: 'string' },
    user: { type: 'string' },
    anchors: { type: 'string' },
    'anchor-key': { type: 'string' },
  });
  const database = databaseOf(values);
  if (!database) throw new UsageError('verify needs --db FILE or --database postgres://user@host:port/database (or VEIL_DATABASE_URL).');
  if (database.engine === 'sqlite' && !existsSync(database.file)) throw new UsageError(`There is no database file at ${database.file}.`);
  const caFile = typeof values['ca-file'] === 'string' ? resolve(values['ca-file']) : undefined;
  if (caFile && !existsSync(caFile)) throw new UsageError(`There is no CA certificate file at ${caFile}.`);
  const seal = typeof values.seal === 'string' ? parseSeal(values.seal) : undefined;
  // An SQLite file keeps its anchors beside itself; each workstation of a PostgreSQL database keeps its own, in its
  // data folder (veil serve --data, by default ~/.local/share/veil).
  const dataFolder = typeof values.data === 'string' ? resolve(values.data) : join(homedir(), '.local', 'share', 'veil');
  const location = anchorLocation(database.engine === 'sqlite' ? database.file : postgresAnchorPath(database.url, dataFolder));
  const where = database.engine === 'sqlite' ? database.file : describePostgresUrl(database.url);
  const anchorFile = typeof values.anchors === 'string' ? resolve(values.anchors) : location.anchorFile;
  const keyFile = values['anchor-key'];
  if (typeof keyFile === 'string' && !existsSync(keyFile)) throw new UsageError(`There is no anchor key file at ${resolve(keyFile)}.`);
  const password = typeof values.user === 'string' ? await readPassword(values.user, 'opens the allocation key to authenticate the sealed values') : null;

  let publicKey: AnchorPublicKey | null;
  let keyDescription: string;
  if (typeof keyFile === 'string') {
    publicKey = anchorPublicKeyFromPem(readFileSync(keyFile, 'utf8'));
    keyDescription = resolve(keyFile);
  } else {
    keyDescription = location.vault.description;
    try {
      publicKey = anchorPublicKey(location.vault);
    } catch (error) {
      // The key is readable by the account that runs Veil only: another account checks the anchors unauthenticated.
      publicKey = null;
      keyDescription += ` (not readable by this account: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}; run verify as the account that runs Veil, or give --anchor-key)`;
    }
  }
  const anchors = {
    anchorFile,
    publicKey,
    keyDescription,
    ...(database.engine === 'postgres'
      ? {
          whenMissing: `This workstation keeps no anchors of this database: each workstation that writes to it keeps its own, in its data folder (veil serve --data DIR, by default ~/.local/share/veil). Run verify there with --data DIR, or give --anchors FILE and --anchor-key FILE.`,
        }
      : {}),
  };

  let report: RecordReport;
  let allocationKeys: HeldKeys | undefined;
  let privateCopyNote = '';
  if (database.engine === 'sqlite') {
    try {
      const opened = openForReading(database.file);
      const db = opened.db;
      if (opened.privateCopy) privateCopyNote = `  Read from a private copy: this account cannot write in ${dirname(database.file)}, where SQLite keeps its index beside the file.\n`;
      try {
        if (typeof values.user === 'string') allocationKeys = await openAllocationKeysAsHolder(db, values.user, password!);
        report = await verifyRecord(new RecordedStateRepository(db), { anchors, ...(seal ? { seal } : {}), ...(allocationKeys ? { allocationKeys } : {}) });
      } finally {
        wipeHeldKeys(allocationKeys);
        opened.close();
      }
    } catch (error) {
      if (error instanceof VeilError && error.code !== 'storage') return fail(error.message);
      process.stdout.write(`FAILED: ${where} cannot be read as a Veil database: ${(error as Error).message}\n`);
      return 1;
    }
  } else {
    let store: Store;
    try {
      store = postgresStore(await openPostgresForReading(database.url.href, { poolSize: 2, ...(caFile ? { caFile } : {}) }));
    } catch (error) {
      return fail((postgresFaultOf(error, database.url) ?? (error as Error)).message);
    }
    try {
      if (typeof values.user === 'string') allocationKeys = await openAllocationKeysFromStore(store, values.user, password!);
      report = await PostgresRecordedStateRepository.inSnapshot(store.q(), (state) =>
        verifyRecord(state, { anchors, ...(seal ? { seal } : {}), ...(allocationKeys ? { allocationKeys } : {}) }),
      );
    } catch (error) {
      if (error instanceof VeilError && error.code !== 'storage') return fail(error.message);
      const fault = postgresFaultOf(error, database.url);
      if (fault) return fail(fault.message);
      process.stdout.write(`FAILED: ${where} cannot be read as a Veil database: ${(error as Error).message}\n`);
      return 1;
    } finally {
      wipeHeldKeys(allocationKeys);
      await store.close();
    }
  }
  const notes = report.notes.map((n) => `  ${n}\n`).join('') + privateCopyNote;
  if (!report.ok) {
    const omitted = report.omitted ? `  - (and ${report.omitted} more of the same kinds)\n` : '';
    process.stdout.write(`FAILED: ${where}: ${report.findings.length + report.omitted} problem(s):\n${report.findings.map((f) => `  - ${f.text}.\n`).join('')}${omitted}${notes}`);
    return 1;
  }
  const storage = database.engine === 'sqlite' ? 'SQLite integrity, foreign keys, ' : 'the append-only triggers, ';
  process.stdout.write(
    `OK: ${where}: ${storage}the recorded state (every row explained by its events), the e-signatures' chain heads and the audit chain (${report.events} events) hold.\n${notes}`,
  );
  return 0;
}

/** `veil migrate`: the schema of an SQLite file or a PostgreSQL database brought to this Veil's version. */
async function migrateCommand(args: string[]): Promise<number> {
  const values = parse(args, { db: { type: 'string' }, database: { type: 'string' }, 'ca-file': { type: 'string' } });
  const location = databaseOf(values);
  if (!location) throw new UsageError('migrate needs --db FILE or --database postgres://user@host:port/database (or VEIL_DATABASE_URL).');
  if (location.engine === 'sqlite') {
    if (!existsSync(location.file)) throw new UsageError(`There is no database file at ${location.file}.`);
    const peek = new Database(location.file, { readonly: true, fileMustExist: true });
    const before = schemaVersion(peek);
    peek.close();
    try {
      const db = openDatabase(location.file);
      const after = schemaVersion(db);
      db.close();
      process.stdout.write(JSON.stringify({ engine: 'sqlite', database: location.file, before, after, latest: migrations.length }) + '\n');
      return 0;
    } catch (error) {
      return fail((error as Error).message);
    }
  }
  const caFile = typeof values['ca-file'] === 'string' ? resolve(values['ca-file']) : undefined;
  if (caFile && !existsSync(caFile)) throw new UsageError(`There is no CA certificate file at ${caFile}.`);
  const where = describePostgresUrl(location.url);
  try {
    let change = { from: 0, to: 0 };
    const pool = await openPostgres(location.url.toString(), { poolSize: 1, ...(caFile ? { caFile } : {}), onMigrated: (c) => (change = c) });
    await pool.end();
    process.stdout.write(JSON.stringify({ engine: 'postgres', database: where, before: change.from, after: change.to, latest: migrations.length }) + '\n');
    return 0;
  } catch (error) {
    return fail((postgresFaultOf(error, location.url) ?? (error as Error)).message);
  }
}
/** `veil move-to-postgres`: a single bench's SQLite database moved to the pharmacy's PostgreSQL server. */
async function moveCommand(args: string[]): Promise<number> {
  const values = parse(args, { db: { type: 'string' }, database: { type: 'string' }, 'ca-file': { type: 'string' } });
  if (typeof values.db !== 'string' || typeof values.database !== 'string') throw new UsageError('move-to-postgres needs --db FILE and --database postgres://user@host:port/database.');
  const file = resolve(values.db);
  if (!existsSync(file)) throw new UsageError(`There is no database file at ${file}.`);
  let url: URL;
  try {
    url = parsePostgresUrl(values.database);
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  const caFile = typeof values['ca-file'] === 'string' ? resolve(values['ca-file']) : undefined;
  let source;
  try {
    source = openDatabase(file);
  } catch (error) {
    return fail((error as Error).message);
  }
  try {
    const pool = await openPostgres(url.toString(), { poolSize: 2, ...(caFile ? { caFile } : {}) });
    try {
      const report = await moveToPostgres(source, pool, describePostgresUrl(url));
      process.stdout.write(JSON.stringify({ from: file, to: describePostgresUrl(url), ...report }) + '\n');
      return 0;
    } finally {
      await pool.end();
    }
  } catch (error) {
    return fail((postgresFaultOf(error, url) ?? (error as Error)).message);
  } finally {
    source.close();
  }
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
      return await verify(rest);
    case 'migrate':
      return await migrateCommand(rest);
    case 'move-to-postgres':
      return await moveCommand(rest);
    case 'demo':
      return demo(rest);
    case 'import':
      return importList(rest);
    case 'label':
      return label(rest);
    case 'parse-barcode':
      return parseBarcode(rest);
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
