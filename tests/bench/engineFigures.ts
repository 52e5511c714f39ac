/**
 * The hot paths of the bench on both engines (issue 13: `npm run bench` runs on SQLite and on PostgreSQL): the same
 * demo, the same channels, each figure beside a baseline measured on the same engine in the same run, so the two
 * columns say what each engine's safety work costs, not which disk or server is faster.
 *
 * - scan verdict (dispensing.checkKit through the router), valid and refused, vs one indexed read of a kit through the
 *   Store (the read a scan cannot do without);
 * - audit append (hash-chained) in its own unit of work vs a one-row INSERT in its own unit of work.
 *
 * PostgreSQL is a throw-away server the bench starts for itself (initdb in a temporary folder as the `postgres` user,
 * a random loopback port, fsync on, torn down at the end); without PostgreSQL installed it is skipped and says so.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { DemoClock } from '../../main/core/clock';
import { seedDemo } from '../../main/core/demo/demoSeed';
import { openVeilCoreInternals, type VeilCoreInternals } from '../../main/core/veilCore';
import { postgresBinaries, startPostgresCluster } from '../helpers/postgresCluster';
import { rawRows } from '../helpers/rawSql';
import type { DemoFigure } from './demoFigures';

export type Engine = 'sqlite' | 'postgres';

async function perRun(label: string, runs: number, fn: () => Promise<unknown>): Promise<number> {
  for (let i = 0; i < Math.min(20, runs); i++) await fn(); // warm-up: statements prepared, pool connected
  const start = performance.now();
  for (let i = 0; i < runs; i++) await fn();
  const ms = (performance.now() - start) / runs;
  process.stdout.write(`  ${label.padEnd(58)} ${ms.toFixed(3).padStart(9)} ms/run\n`);
  return ms;
}

async function figuresOn(engine: Engine, core: VeilCoreInternals, clock: DemoClock): Promise<Record<string, DemoFigure>> {
  // With its history: kits received into stock and randomized patients with visits to come.
  const demo = await seedDemo(core, clock, { history: true });
  const ph = demo.users.find((u) => u.role === 'unblinded_pharmacist')!;
  const w = 'bench';
  const login = await core.dispatch(w, 'session.login', { username: ph.username, password: ph.password });
  if (!login.ok) throw new Error(login.error.message);
  const rows = <T>(text: string, ...params: unknown[]) => rawRows<T>(core.store, text, params);
  const patient = (await rows<{ id: number }>("SELECT id FROM patients WHERE status = 'randomized' ORDER BY id DESC LIMIT 1"))[0]!;
  const view = await core.patients.view(patient.id);
  const visitCode = view.visits.find((v) => v.dispensedAt === null)!.code;
  const scan = (code: string) => core.dispatch(w, 'dispensing.checkKit', { patientId: patient.id, visitCode, code, alreadyScanned: [], source: 'scanner' });
  const plan = await core.dispatch(w, 'dispensing.plan', { patientId: patient.id, visitCode });
  if (!plan.ok) throw new Error(plan.error.message);
  const valid = (plan.value as { suggestions: string[] }).suggestions[0]!;
  let refused: string | null = null;
  for (const { k } of await rows<{ k: string }>("SELECT kit_number AS k FROM kits WHERE status = 'available' ORDER BY kit_number LIMIT 200")) {
    const r = await scan(k);
    if (r.ok && (r.value as { reason?: string }).reason === 'not_for_patient') {
      refused = k;
      break;
    }
  }
  if (!refused) throw new Error('no kit of the other arm on the shelf');
  const ms = (value: number, baseline: number): DemoFigure => ({ value, baseline, unit: 'ms' });
  const figures: Record<string, DemoFigure> = {};

  process.stdout.write(`Scan verdict (${engine})\n`);
  const read = await perRun('baseline: one indexed read of a kit through the Store', 1000, () => rows('SELECT * FROM kits WHERE study_id = (SELECT min(id) FROM studies) AND kit_number = ?', valid));
  figures['scan verdict, valid kit, vs one indexed read'] = ms(await perRun('dispensing.checkKit, a valid kit', 300, () => scan(valid)), read);
  figures['scan verdict, refused kit, vs one indexed read'] = ms(await perRun('dispensing.checkKit, a refused kit', 300, () => scan(refused)), read);

  process.stdout.write(`Audit append (${engine})\n`);
  // A table of the bench's own in the bench's throw-away database: the baseline writes one row per unit of work.
  await rows('CREATE TABLE bench_rows (x TEXT)');
  const insert = await perRun('baseline: one-row INSERT in its own unit of work', 300, () => core.store.transaction(() => rows('INSERT INTO bench_rows (x) VALUES (?)', 'x')));
  const append = await perRun('audit append (hash chain) in its own unit of work', 300, () =>
    core.store.transaction(() => core.audit.append({ userId: null, username: 'bench' }, { action: 'bench.event', entityType: 'bench', entityId: '1', after: { n: 1 } })),
  );
  figures['audit append (hash chain) vs one-row insert'] = ms(append, insert);
  return figures;
}

/** The figures on each engine this machine has; an engine it has not is named in `skipped`. */
export async function engineFigures(): Promise<{ figures: Partial<Record<Engine, Record<string, DemoFigure>>>; skipped: string[] }> {
  const figures: Partial<Record<Engine, Record<string, DemoFigure>>> = {};
  const skipped: string[] = [];
  const dir = mkdtempSync(join(tmpdir(), 'veil-bench-engines-'));
  try {
    {
      const clock = new DemoClock();
      const core = await openVeilCoreInternals({ dbFile: join(dir, 'bench.db'), mode: 'browser', clock, idleSweepMs: 0 });
      try {
        figures.sqlite = await figuresOn('sqlite', core, clock);
      } finally {
        core.close();
      }
    }
    if (!postgresBinaries()) {
      skipped.push('postgres: PostgreSQL is not installed here (Debian: apt-get install postgresql)');
    } else {
      // Durable (fsync on), unlike the test suites' server: the bench measures commits that survive a power cut.
      const cluster = await startPostgresCluster({ durable: true });
      try {
        const database = await cluster.createDatabase('veil_bench');
        const clock = new DemoClock();
        const core = await openVeilCoreInternals({ database, dataFolder: dir, mode: 'browser', clock, idleSweepMs: 0 });
        try {
          figures.postgres = await figuresOn('postgres', core, clock);
        } finally {
          core.close();
          // The pool ends in the background: give it a moment before the server goes.
          await new Promise((resolve) => setTimeout(resolve, 500));
        }
      } finally {
        cluster.stop();
      }
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return { figures, skipped };
}
