/**
 * `npm run bench`: how Veil's hot paths compare with a baseline measured in the same run on the same machine, so the
 * figures mean something on any computer (ratios, not milliseconds). Nothing here asserts; the numbers are read.
 *
 * - scan verdict (dispensing.checkKit through the router), for a valid kit and for a refused one (which also offers 3
 *   other kits), vs one indexed SQLite read: the cost of the safety checks at the bench, per scan; then the same with
 *   50,000 more kits on the shelf, as growth (cost there / cost at demo size);
 * - audit append (hash-chained, in a transaction) vs a plain INSERT in a transaction;
 * - kit-list import of 1,000 kits (validate, seal 3 values per kit, risk analysis) vs parsing the same CSV;
 * - the check of a 50,000-kit list (decode, validate, blinding-risk analysis; issue 18 asks for at most 3x) and its
 *   risk analysis alone, each vs parsing the same CSV, measured in alternation so a busy machine slows both alike;
 * - blinded label preview (layout + 300 dpi raster + PNG) vs the layout alone.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Papa from 'papaparse';
import { performance } from 'node:perf_hooks';
import { DemoClock } from '../../main/core/clock';
import { createVeilCore } from '../../main/core/veilCore';
import { seedDemo } from '../../main/core/demo/demoSeed';
import { demoKitCsv } from '../../main/core/demo/demoLists';
import { analyzeBlindingRisk } from '../../shared/allocation/blindingRisk';

/**
 * The ratio of `measured` to `baseline` when each run of one is followed by a run of the other, `rounds` times (after
 * one warm-up of each): the median of the per-round ratios, so a load that comes and goes on a shared machine weighs
 * on both sides of each ratio alike.
 */
function alternatedRatio(label: string, rounds: number, baseline: () => unknown, measured: () => unknown): number {
  baseline();
  measured();
  const ratios: number[] = [];
  let baseTotal = 0;
  let measuredTotal = 0;
  for (let i = 0; i < rounds; i++) {
    let start = performance.now();
    baseline();
    const base = performance.now() - start;
    start = performance.now();
    measured();
    const took = performance.now() - start;
    baseTotal += base;
    measuredTotal += took;
    ratios.push(took / base);
  }
  ratios.sort((a, b) => a - b);
  const median = ratios[Math.floor(rounds / 2)]!;
  process.stdout.write(`  ${label.padEnd(58)} ${(measuredTotal / rounds).toFixed(1).padStart(9)} ms/run (baseline ${(baseTotal / rounds).toFixed(1)} ms)\n`);
  return median;
}

async function time(label: string, runs: number, fn: () => unknown | Promise<unknown>): Promise<number> {
  for (let i = 0; i < Math.min(5, runs); i++) await fn(); // warm-up
  const start = performance.now();
  for (let i = 0; i < runs; i++) await fn();
  const perRun = (performance.now() - start) / runs;
  process.stdout.write(`  ${label.padEnd(58)} ${perRun.toFixed(3).padStart(9)} ms/run\n`);
  return perRun;
}

const dir = mkdtempSync(join(tmpdir(), 'veil-bench-'));
const clock = new DemoClock();
const core = createVeilCore({ dbFile: join(dir, 'bench.db'), mode: 'browser', clock, idleSweepMs: 0 });
try {
  const demo = await seedDemo(core, clock, { history: true });
  const ph = demo.users.find((u) => u.role === 'unblinded_pharmacist')!;
  const w = 'bench';
  await core.dispatch(w, 'session.login', { username: ph.username, password: ph.password });
  const patient = core.db.prepare("SELECT id FROM patients WHERE status = 'randomized' ORDER BY id DESC LIMIT 1").get() as { id: number };
  const view = core.patients.view(patient.id);
  const nextVisit = view.visits.find((v) => v.dispensedAt === null)!.code;
  const kit = (core.db.prepare("SELECT kit_number AS k FROM kits WHERE status = 'available' LIMIT 1").get() as { k: string }).k;
  const ratios: Array<[string, number]> = [];

  /** A kit this patient may receive (the plan's first suggestion) and one refused as not theirs (the first such on the shelf). */
  const scan = (code: string) => core.dispatch(w, 'dispensing.checkKit', { patientId: patient.id, visitCode: nextVisit, code, alreadyScanned: [], source: 'scanner' });
  const kitsToScan = async (prefix = '') => {
    const plan = await core.dispatch(w, 'dispensing.plan', { patientId: patient.id, visitCode: nextVisit });
    if (!plan.ok) throw new Error(plan.error.message);
    const valid = (plan.value as { suggestions: string[] }).suggestions[0]!;
    const shelf = core.db.prepare("SELECT kit_number AS k FROM kits WHERE status = 'available' AND kit_number LIKE ? LIMIT 200").pluck().all(`${prefix}%`) as string[];
    for (const k of shelf) {
      const r = await scan(k);
      if (r.ok && (r.value as { reason?: string }).reason === 'not_for_patient') return { valid, refused: k };
    }
    throw new Error('no kit of the other arm on the shelf');
  };
  const scanFigures = async (label: string, kits: { valid: string; refused: string }) => {
    const valid = await time(`dispensing.checkKit, a valid kit${label}`, 300, () => scan(kits.valid));
    const refused = await time(`dispensing.checkKit, a refused kit${label}`, 300, () => scan(kits.refused));
    return { valid, refused };
  };

  process.stdout.write('Scan verdict\n');
  const baseRead = await time('baseline: one indexed SELECT of a kit', 2000, () => core.db.prepare('SELECT * FROM kits WHERE kit_number = ?').get(kit));
  const demoScans = await scanFigures('', await kitsToScan());
  ratios.push(['scan verdict, valid kit / indexed read', demoScans.valid / baseRead]);
  ratios.push(['scan verdict, refused kit / indexed read', demoScans.refused / baseRead]);
  process.stdout.write('Audit append\n');
  core.db.exec('CREATE TEMP TABLE bench_rows (x TEXT)');
  const baseInsert = await time('baseline: INSERT in its own transaction', 500, () => core.db.transaction(() => core.db.prepare('INSERT INTO bench_rows VALUES (?)').run('x'))());
  const append = await time('audit append (hash chain) in its own transaction', 500, () =>
    core.db.transaction(() => core.audit.append({ userId: null, username: 'bench' }, { action: 'bench.event', entityType: 'bench', entityId: '1', after: { n: 1 } }))(),
  );
  ratios.push(['audit append / plain insert', append / baseInsert]);

  process.stdout.write('Kit list import (1,000 kits)\n');
  const csv = demoKitCsv(core.study(), 1000).replace(/^(\d{6})/gm, (n) => `9${n}`);
  const baseParse = await time('baseline: parse the CSV (papaparse)', 20, () => Papa.parse(csv, { header: true }));
  const key = core.sessions.keyOf(w)!;
  const check = await time('validate + seal-ready check + risk analysis (no write)', 5, () => core.lists.checkKitList(Buffer.from(csv, 'utf8'), key));
  ratios.push(['kit list check / CSV parse', check / baseParse]);

  process.stdout.write('Kit list of 50,000 kits (baseline: parse the CSV with papaparse, alternated)\n');
  // 7-digit kit numbers: none is already imported, so every row is checked in full.
  const bigCsv = demoKitCsv(core.study(), 50_000).replace(/^(\d{6})/gm, (n) => `8${n}`);
  const bigFile = Buffer.from(bigCsv, 'utf8');
  const bigParse = () => Papa.parse(bigCsv, { header: true });
  ratios.push(['50,000-kit check / its CSV parse', alternatedRatio('decode + validate + blinding-risk analysis (no write)', 7, bigParse, () => core.lists.checkKitList(bigFile, key))]);
  const bigRows = core.lists.checkKitList(bigFile, key).parsed.rows;
  ratios.push(['50,000-kit risk analysis / its CSV parse', alternatedRatio('blinding-risk analysis alone', 7, bigParse, () => analyzeBlindingRisk(bigRows, core.study().code))]);

  process.stdout.write('The same scans with 50,000 more kits on the shelf (imported by the real importer, then made available by one UPDATE)\n');
  const signer = { userId: core.db.prepare('SELECT id FROM users WHERE username = ?').pluck().get(ph.username) as number, username: ph.username, printedName: ph.username, meaning: 'bench' };
  let start = performance.now();
  core.lists.importKitList(key, signer, 'bench-50000.csv', bigFile); // once: a list cannot be imported twice
  process.stdout.write(`  ${'import of the 50,000-kit list (validate, seal, insert, audit)'.padEnd(58)} ${(performance.now() - start).toFixed(1).padStart(9)} ms\n`);
  core.db.prepare("UPDATE kits SET status = 'available' WHERE kit_number LIKE '8______'").run();
  // The first plan or refusal after an import (or an unlock) opens every kit's arm and expiry once for the session.
  start = performance.now();
  await core.dispatch(w, 'dispensing.plan', { patientId: patient.id, visitCode: nextVisit });
  process.stdout.write(`  ${'first visit plan after the import (opens the session index)'.padEnd(58)} ${(performance.now() - start).toFixed(1).padStart(9)} ms\n`);
  const largeKits = await kitsToScan('8');
  const largeScans = await scanFigures(', 50,180 kits', largeKits);
  ratios.push(['scan verdict, valid kit at 50,180 kits / at demo', largeScans.valid / demoScans.valid]);
  ratios.push(['scan verdict, refused kit at 50,180 kits / at demo', largeScans.refused / demoScans.refused]);

  process.stdout.write('Blinded label\n');
  const dispensed = (core.db.prepare('SELECT kit_number AS k FROM dispensing_kits LIMIT 1').get() as { k: string }).k;
  const layout = await time('baseline: layout of the carton label', 20, () => core.labels.layout(dispensed, 'carton'));
  const png = await time('layout + 300 dpi raster + PNG', 10, () => core.labels.render(dispensed, 'carton', 'png'));
  ratios.push(['label preview / layout', png / layout]);

  process.stdout.write('\nRatios (lower is faster; compare runs, not machines)\n');
  for (const [name, ratio] of ratios) process.stdout.write(`  ${name.padEnd(52)} ${ratio.toFixed(1).padStart(8)} x\n`);
} finally {
  core.close();
  rmSync(dir, { recursive: true, force: true });
}
