import { execFile, spawn } from 'node:child_process';
import { copyFileSync, existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyChain } from '../../main/core/audit/auditTrail';
import { canonicalJson } from '../../shared/canonicalJson';
import { demoCore } from '../helpers/core';
import {
  KITS_PER_STEP,
  SLOTS_PER_STEP,
  kitCsv,
  kitNumbers,
  listFileName,
  newUser,
  randomizationCsv,
  securitySettings,
  sha256,
  slotNumbers,
  type StepKind,
} from './fixtures/crashSteps';
import { bundleScript, TEST_BUNDLES, VEIL_CLI } from '../helpers/veilCli';

/**
 * DESIGN.md section 4 ("a crash or power cut at any instant leaves each workflow step entirely done or not done at
 * all") and issue 3: a worker process runs a stream of list imports, user creations and settings changes on one
 * database and is killed with SIGKILL, many times; after every kill `veil verify` passes, SQLite's integrity check
 * passes, and every step is entirely present or absent (rows, signature and audit event together).
 */
const WORKER = fileURLToPath(new URL('./fixtures/crashWorker.ts', import.meta.url));

/**
 * Worker runs on the one database. Most are killed at a random moment after the worker is up (so open, login and the
 * step stream all get hit); every IN_TRANSACTION_EVERY-th kills itself inside a step's write transaction instead, so
 * mid-transaction crashes are certain rather than left to chance.
 */
const RUNS = 32;
const IN_TRANSACTION_EVERY = 5;

let dir: string;
let dbFile: string;
let passwords: { pharmacist: string; admin: string };
/** The worker bundled once and run by node: 32 start-ups under tsx spent about two seconds each compiling it. */
let worker: string;

beforeAll(async () => {
  const t = await demoCore();
  dir = t.dir;
  dbFile = t.dbFile;
  worker = await bundleScript(WORKER, join(TEST_BUNDLES, 'crashWorker.mjs'));
  passwords = { pharmacist: t.userOf('unblinded_pharmacist').password, admin: t.userOf('administrator').password };
  t.core.close();
});
afterAll(() => {
  for (const pid of spawned) killGroup(pid);
  if (dir) rmSync(dir, { recursive: true, force: true });
});

interface Step {
  kind: StepKind;
  id: string;
  iteration: number;
  n: number;
  done: boolean;
  /** The worker killed itself inside this step's transaction: nothing of it may remain. */
  crashedInside: boolean;
}

interface WorkerRun {
  lines: string[];
  steps: Step[];
  exitCode: number | null;
  signal: NodeJS.Signals | null;
  killed: boolean;
  stderr: string;
}

interface Worker {
  /** Resolves when the worker has loaded its modules and waits for "go" (nothing is opened yet). */
  ready: Promise<void>;
  /**
   * Lets it run; with a kill, SIGKILLs it `afterMs` after "go" (from: 'start', so opening the database and logging in
   * get hit too) or after it has logged in (from: 'stream', so the kill lands among the steps).
   */
  go(kill?: { afterMs: number; from: 'start' | 'stream' }): void;
  finished: Promise<WorkerRun>;
}

const spawned: number[] = [];

function startWorker(iteration: number, crashInTransaction?: string): Worker {
  const env: NodeJS.ProcessEnv = { ...process.env, VEIL_PHARMACIST_PASSWORD: passwords.pharmacist, VEIL_ADMIN_PASSWORD: passwords.admin };
  if (crashInTransaction) env.VEIL_CRASH_IN_TRANSACTION = crashInTransaction;
  // detached: its own process group, so the safety net takes it down with anything it started.
  const child = spawn(process.execPath, [worker, dbFile, String(iteration)], { env, stdio: ['pipe', 'pipe', 'pipe'], detached: true });
  spawned.push(child.pid!);
  let out = '';
  let stderr = '';
  let workerPid = 0;
  let killed = false;
  let onReady: () => void = () => {};
  let onLoggedIn: () => void = () => {};
  const ready = new Promise<void>((resolve) => (onReady = resolve));
  child.stdout.setEncoding('utf8');
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (chunk: string) => (stderr += chunk));
  child.stdout.on('data', (chunk: string) => {
    out += chunk;
    const m = !workerPid && /^ready (\d+)$/m.exec(out);
    if (m) {
      workerPid = Number(m[1]);
      onReady();
    }
    if (/^logged-in$/m.test(out)) {
      onLoggedIn();
      onLoggedIn = () => {};
    }
  });
  const finished = new Promise<WorkerRun>((resolve, reject) => {
    const safety = setTimeout(() => {
      killGroup(child.pid!);
      reject(new Error(`crash worker of iteration ${iteration} did not end in time:\n${out}\n${stderr}`));
    }, 120_000);
    child.on('error', reject);
    child.on('close', (exitCode, signal) => {
      clearTimeout(safety);
      const lines = out.split('\n').filter(Boolean);
      const steps = new Map<string, Step>();
      for (const line of lines) {
        const m = /^(start|done|crash-in-transaction (?:before|after)) (\w+) (i(\d+)s(\d+))$/.exec(line);
        if (!m) continue;
        const [, what, kind, id, it, n] = m;
        const step = steps.get(id!) ?? { kind: kind as StepKind, id: id!, iteration: Number(it), n: Number(n), done: false, crashedInside: false };
        if (what === 'done') step.done = true;
        if (what!.startsWith('crash')) step.crashedInside = true;
        steps.set(id!, step);
      }
      resolve({ lines, steps: [...steps.values()], exitCode, signal, killed, stderr });
    });
  });
  return {
    ready,
    finished,
    go(kill) {
      child.stdin.end('go\n');
      if (!kill) return;
      const sigkill = () =>
        setTimeout(() => {
          try {
            // The worker's own pid, as it said it (the pid of the process spawned, now that no wrapper runs it).
            process.kill(workerPid, 'SIGKILL');
            killed = true;
          } catch {
            // it had already ended
          }
        }, kill.afterMs);
      if (kill.from === 'start') sigkill();
      else onLoggedIn = sigkill;
    },
  };
}

function killGroup(pid: number): void {
  try {
    process.kill(-pid, 'SIGKILL');
  } catch {
    // already gone
  }
}

/** `veil verify --db FILE`, the real CLI, asynchronously (it runs while the next worker does). */
function veilVerify(file: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    execFile(process.execPath, [VEIL_CLI, 'verify', '--db', file], { encoding: 'utf8', timeout: 120_000 }, (error, stdout, stderr) => {
      if (error && typeof error.code !== 'number') reject(error);
      else resolve({ code: error ? (error.code as number) : 0, stdout, stderr });
    });
  });
}

interface AuditRow {
  seq: number;
  action: string;
  entity_type: string;
  entity_id: string;
  after_json: string | null;
  signature_id: number | null;
}

/** Every cross-table invariant of "each step entirely present or absent"; returns the problems found. */
function checkDatabase(db: Database.Database, steps: Step[]): { problems: string[]; committed: Set<string> } {
  const problems: string[] = [];
  const committed = new Set<string>();
  const audit = db.prepare('SELECT seq, action, entity_type, entity_id, after_json, signature_id FROM audit_events ORDER BY seq').all() as AuditRow[];
  const afterOf = (e: AuditRow) => (e.after_json === null ? null : (JSON.parse(e.after_json) as Record<string, unknown>));

  // List imports: rows, signature and audit event, all together.
  const imports = db.prepare('SELECT id, kind, file_name, sha256, row_count, signature_id FROM list_imports').all() as Array<{
    id: number;
    kind: 'randomization' | 'kits';
    file_name: string;
    sha256: string;
    row_count: number;
    signature_id: number;
  }>;
  const importEvents = audit.filter((e) => e.entity_type === 'list_import');
  for (const imp of imports) {
    const table = imp.kind === 'randomization' ? 'randomization_slots' : 'kits';
    const rows = (db.prepare(`SELECT count(*) AS n FROM ${table} WHERE import_id = ?`).get(imp.id) as { n: number }).n;
    if (rows !== imp.row_count) problems.push(`import ${imp.id} (${imp.file_name}): ${rows} rows stored, ${imp.row_count} recorded`);
    const sig = db.prepare('SELECT record_type, record_id FROM signatures WHERE id = ?').get(imp.signature_id) as { record_type: string; record_id: string } | undefined;
    if (!sig || sig.record_type !== 'list_import' || sig.record_id !== imp.sha256) problems.push(`import ${imp.id} (${imp.file_name}): its signature is missing or bound elsewhere`);
    const events = importEvents.filter((e) => e.entity_id === String(imp.id));
    if (events.length !== 1) {
      problems.push(`import ${imp.id} (${imp.file_name}): ${events.length} audit events`);
      continue;
    }
    const event = events[0]!;
    const after = afterOf(event);
    const action = imp.kind === 'randomization' ? 'list.randomization_imported' : 'list.kits_imported';
    if (event.action !== action || after?.sha256 !== imp.sha256 || after?.rowCount !== imp.row_count || after?.fileName !== imp.file_name || event.signature_id !== imp.signature_id) {
      problems.push(`import ${imp.id} (${imp.file_name}): audit event ${event.seq} does not match it`);
    }
  }
  const importIds = new Set(imports.map((i) => String(i.id)));
  for (const e of importEvents) if (!importIds.has(e.entity_id)) problems.push(`audit event ${e.seq} (${e.action}) records import ${e.entity_id}, which does not exist`);
  const listSignatures = db.prepare("SELECT id FROM signatures WHERE record_type = 'list_import'").all() as Array<{ id: number }>;
  const signedImports = new Set(imports.map((i) => i.signature_id));
  for (const s of listSignatures) if (!signedImports.has(s.id)) problems.push(`signature ${s.id} signs a list import that does not exist`);
  for (const table of ['randomization_slots', 'kits']) {
    const orphans = (db.prepare(`SELECT count(*) AS n FROM ${table} WHERE import_id NOT IN (SELECT id FROM list_imports)`).get() as { n: number }).n;
    if (orphans) problems.push(`${orphans} ${table} rows belong to no import`);
  }

  // Users: a user row exactly when its 'user.created' event exists.
  const usernames = (db.prepare('SELECT username FROM users').all() as Array<{ username: string }>).map((u) => u.username);
  const created = audit.filter((e) => e.action === 'user.created').map((e) => e.entity_id);
  for (const u of usernames) if (created.filter((c) => c === u).length !== 1) problems.push(`user ${u} has ${created.filter((c) => c === u).length} 'user.created' events`);
  for (const c of created) if (!usernames.includes(c)) problems.push(`'user.created' event for ${c}, but there is no such user`);

  // Settings: the stored value is the one the last 'settings.security_changed' event records.
  const settingsEvents = audit.filter((e) => e.action === 'settings.security_changed');
  const stored = db.prepare("SELECT value FROM settings WHERE key = 'security'").get() as { value: string } | undefined;
  const last = settingsEvents[settingsEvents.length - 1];
  if (!stored !== !last) problems.push(`security settings ${stored ? 'stored without' : 'changed in the audit trail but not stored, with'} an audit event`);
  else if (stored && last && canonicalJson(JSON.parse(stored.value)) !== canonicalJson(afterOf(last))) {
    problems.push(`security settings ${stored.value} differ from the last audited change (event ${last.seq})`);
  }

  // Each step of the stream, by the rows derived from its id.
  for (const step of steps) {
    let present: boolean;
    if (step.kind === 'randomization' || step.kind === 'kits') {
      const numbers = step.kind === 'randomization' ? slotNumbers(step.id) : kitNumbers(step.id);
      const expected = step.kind === 'randomization' ? SLOTS_PER_STEP : KITS_PER_STEP;
      const table = step.kind === 'randomization' ? 'randomization_slots' : 'kits';
      const column = step.kind === 'randomization' ? 'randomization_number' : 'kit_number';
      const found = db.prepare(`SELECT import_id FROM ${table} WHERE ${column} IN (${numbers.map(() => '?').join(',')})`).all(...numbers) as Array<{ import_id: number }>;
      const fileImports = imports.filter((i) => i.file_name === listFileName(step.id, step.kind as 'randomization' | 'kits'));
      present = found.length === expected;
      if (found.length !== 0 && found.length !== expected) problems.push(`step ${step.id}: ${found.length} of ${expected} ${table} rows`);
      if (fileImports.length !== (present ? 1 : 0)) problems.push(`step ${step.id}: ${fileImports.length} list_imports rows with ${found.length} ${table} rows`);
      const imp = fileImports[0];
      if (present && imp) {
        const content = step.kind === 'randomization' ? randomizationCsv(step.id) : kitCsv(step.id);
        if (new Set(found.map((f) => f.import_id)).size !== 1 || found[0]!.import_id !== imp.id) problems.push(`step ${step.id}: rows split across imports`);
        if (imp.sha256 !== sha256(content) || imp.row_count !== expected) problems.push(`step ${step.id}: import ${imp.id} has the wrong SHA-256 or row count`);
      }
    } else if (step.kind === 'user') {
      const user = newUser(step.id, step.n);
      const row = db.prepare('SELECT u.id, u.role, k.user_id AS keyed FROM users u LEFT JOIN user_keys k ON k.user_id = u.id WHERE u.username = ?').get(user.username) as
        | { id: number; role: string; keyed: number | null }
        | undefined;
      present = row !== undefined;
      // Created with a temporary password: no key pair, whatever the role (DESIGN.md section 3, invariant 6); one is
      // made only when the user chooses their own password.
      if (row && row.keyed !== null) problems.push(`step ${step.id}: the new ${row.role} has a key pair under the temporary password`);
    } else {
      const wanted = canonicalJson(securitySettings(step.iteration, step.n));
      // Values can repeat across steps, so only "done means present" is checked here; the settings-level check above
      // and the per-iteration event count in the test cover the rest.
      present = settingsEvents.some((e) => canonicalJson(afterOf(e)) === wanted);
    }
    if (step.done && !present) problems.push(`step ${step.kind} ${step.id} was reported done but is not in the database`);
    if (step.crashedInside && present && step.kind !== 'settings') problems.push(`step ${step.kind} ${step.id} crashed inside its transaction but is in the database`);
    if (present) committed.add(step.id);
  }
  return { problems, committed };
}

describe('crash safety (SIGKILL at random points of a stream of imports and changes)', () => {
  it(`every killed database passes veil verify and holds each step entirely or not at all`, { timeout: 300_000 }, async () => {
    const started = Date.now();
    const stats = { kills: 0, inTransaction: 0, duringStartup: 0, midStep: 0, stepsStarted: 0, stepsDone: 0, committedUnreported: 0, stepsCommitted: 0 };
    let settingsEventsBefore = 0;
    const inTransaction = (iteration: number) => iteration % IN_TRANSACTION_EVERY === 0;
    // Just before the audit event (the step's rows are written) or just after it (all of it written, uncommitted).
    const crashSpec = (iteration: number) =>
      inTransaction(iteration) ? `${1 + Math.floor(Math.random() * 6)}:${(iteration / IN_TRANSACTION_EVERY) % 2 ? 'before' : 'after'}` : undefined;
    // The next worker loads its modules while the current one runs (it opens nothing before "go"), and the CLI
    // verifies a copy of each killed database while the next worker runs: same checks, half the wall time.
    let next: Worker | null = startWorker(1, crashSpec(1));
    let verifying: Promise<void> = Promise.resolve();
    const verified: Array<{ iteration: number; code: number | null; stdout: string; stderr: string }> = [];
    for (let iteration = 1; iteration <= RUNS; iteration++) {
      const worker: Worker = next!;
      await worker.ready;
      // One random kill in four counts from the start (open and login are crash points too), the others from the
      // first step, so that most land in the stream of steps whatever the machine's speed.
      const from = iteration % 4 === 1 ? 'start' : 'stream';
      worker.go(inTransaction(iteration) ? undefined : { afterMs: (from === 'start' ? 50 : 0) + Math.floor(Math.random() * 1450), from });
      next = iteration < RUNS ? startWorker(iteration + 1, crashSpec(iteration + 1)) : null;
      const run = await worker.finished;
      const context = `iteration ${iteration}:\n${run.lines.join('\n')}\n${run.stderr}`;
      // The worker never ends on its own (no "finished"), and it died of SIGKILL, not of an error.
      expect(run.lines, context).not.toContain('finished');
      expect(run.exitCode === 137 || run.signal === 'SIGKILL', context).toBe(true);
      expect(run.stderr, context).not.toMatch(/Error/);
      if (inTransaction(iteration)) expect(run.steps.some((s) => s.crashedInside), context).toBe(true);
      else expect(run.killed, context).toBe(true);

      // `veil verify` on the database exactly as the kill left it (WAL included, no shared-memory index).
      await verifying;
      const snapshot = join(dir, `killed-${iteration}.db`);
      copyFileSync(dbFile, snapshot);
      if (existsSync(dbFile + '-wal')) copyFileSync(dbFile + '-wal', snapshot + '-wal');
      // With its anchors: an anchor is written only after its events are committed, so no kill may leave the
      // anchor file ahead of the chain (verify would report a cut tail).
      if (existsSync(dbFile + '.audit-anchors')) copyFileSync(dbFile + '.audit-anchors', snapshot + '.audit-anchors');
      verifying = veilVerify(snapshot).then((r) => {
        verified.push({ iteration, ...r });
        for (const suffix of ['', '-wal', '-shm', '.audit-anchors']) rmSync(snapshot + suffix, { force: true });
      });

      const db = new Database(dbFile, { readonly: true, fileMustExist: true });
      try {
        expect(db.pragma('integrity_check', { simple: true }), context).toBe('ok');
        expect(db.pragma('foreign_key_check'), context).toEqual([]);
        expect(verifyChain(db).ok, context).toBe(true);
        const { problems, committed } = checkDatabase(db, run.steps);
        expect(problems, context).toEqual([]);
        // Settings changes of this run: one event per committed change (the values may repeat, the count may not lie).
        const settingsEvents = (db.prepare("SELECT count(*) AS n FROM audit_events WHERE action = 'settings.security_changed'").get() as { n: number }).n;
        const settingsSteps = run.steps.filter((s) => s.kind === 'settings');
        const settingsDone = settingsSteps.filter((s) => s.done).length;
        const settingsUnfinished = settingsSteps.filter((s) => !s.done && !s.crashedInside).length;
        expect(settingsEvents - settingsEventsBefore, context).toBeGreaterThanOrEqual(settingsDone);
        expect(settingsEvents - settingsEventsBefore, context).toBeLessThanOrEqual(settingsDone + settingsUnfinished);
        for (const s of settingsSteps) if (!s.done && s.crashedInside) expect(settingsEvents - settingsEventsBefore, context).toBe(settingsDone);
        settingsEventsBefore = settingsEvents;

        stats.kills++;
        if (inTransaction(iteration)) stats.inTransaction++;
        else if (!run.lines.includes('logged-in')) stats.duringStartup++;
        else stats.midStep++;
        stats.stepsStarted += run.steps.length;
        stats.stepsDone += run.steps.filter((s) => s.done).length;
        stats.stepsCommitted += run.steps.filter((s) => committed.has(s.id)).length;
        stats.committedUnreported += run.steps.filter((s) => !s.done && committed.has(s.id)).length;
      } finally {
        db.close();
      }
    }
    await verifying;
    expect(verified.length).toBe(RUNS);
    for (const v of verified) {
      expect(v, `veil verify after kill ${v.iteration}`).toMatchObject({ code: 0, stdout: expect.stringMatching(/^OK: .*audit chain \(\d+ events\) hold/) });
      expect(v.stdout, `veil verify after kill ${v.iteration}`).toMatch(/Anchors: the last of \d+ anchors \(event \d+, .*\) is in the chain/);
    }
    const seconds = ((Date.now() - started) / 1000).toFixed(1);
    console.log(
      `crash test: ${stats.kills} SIGKILLs landed in ${seconds} s (${stats.kills - stats.inTransaction} at random times: ${stats.duringStartup} while opening and logging in, ` +
        `${stats.midStep} in the stream of steps; ${stats.inTransaction} inside a step's write transaction). Steps: ${stats.stepsStarted} started, ` +
        `${stats.stepsDone} reported done, ${stats.stepsCommitted} complete in the database (${stats.committedUnreported} committed but killed before reporting), ` +
        `${stats.stepsStarted - stats.stepsCommitted} entirely absent; none partial.`,
    );
    expect(stats.kills - stats.inTransaction).toBeGreaterThanOrEqual(25);
    expect(stats.stepsDone).toBeGreaterThan(0);
  });
});
