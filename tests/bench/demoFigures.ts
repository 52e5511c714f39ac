/**
 * The demo-only part of `npm run bench` (tests/bench/bench.ts): how Veil's hot paths compare with a baseline measured
 * in the same run on the same machine, so the figures mean something on any computer (ratios, not milliseconds).
 * Nothing here asserts; the numbers are read. The scan verdicts' growth with the stock is measured by the scales
 * (tests/bench/atScale.ts), no longer here.
 *
 * - scan verdict (dispensing.checkKit through the router), for a valid kit and for a refused one (which also offers 3
 *   other kits), vs one indexed SQLite read: the cost of the safety checks at the bench, per scan;
 * - audit append (hash-chained, in a transaction) vs a plain INSERT in a transaction;
 * - kit-list import of 1,000 kits (validate, seal 3 values per kit, risk analysis) vs parsing the same CSV;
 * - the check of a 50,000-kit list (decode, validate, blinding-risk analysis; issue 18 asks for at most 3x) and its
 *   risk analysis alone, each vs parsing the same CSV, measured in alternation so a busy machine slows both alike;
 * - blinded label preview (layout + 300 dpi raster + PNG) vs the layout alone;
 * - a logger import of a year at one reading a minute (525,600 readings: parse, check, store, excursions) vs parsing
 *   the same file with papaparse (issue 15 asks for at most 5x).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Papa from 'papaparse';
import { performance } from 'node:perf_hooks';
import { DemoClock } from '../../main/core/clock';
import { openVeilCoreInternals } from '../../main/core/veilCore';
import { seedDemo } from '../../main/core/demo/demoSeed';
import { demoKitCsv } from '../../main/core/demo/demoLists';
import { analyzeBlindingRisk } from '../../shared/allocation/blindingRisk';

/** A figure beside its baseline; `ratio` when it is not value / baseline (the median of alternated rounds). */
export interface DemoFigure {
  value: number;
  baseline: number;
  unit: string;
  ratio?: number;
}

/**
 * The ratio of `measured` to `baseline` when each run of one is followed by a run of the other, `rounds` times (after
 * one warm-up of each): the median of the per-round ratios, so a load that comes and goes on a shared machine weighs
 * on both sides of each ratio alike.
 */
export async function alternatedRatio(label: string, rounds: number, baseline: () => unknown, measured: () => unknown): Promise<DemoFigure> {
  await baseline();
  await measured();
  const ratios: number[] = [];
  let baseTotal = 0;
  let measuredTotal = 0;
  for (let i = 0; i < rounds; i++) {
    let start = performance.now();
    await baseline();
    const base = performance.now() - start;
    start = performance.now();
    await measured();
    const took = performance.now() - start;
    baseTotal += base;
    measuredTotal += took;
    ratios.push(took / base);
  }
  ratios.sort((a, b) => a - b);
  const median = ratios[Math.floor(rounds / 2)]!;
  process.stdout.write(`  ${label.padEnd(58)} ${(measuredTotal / rounds).toFixed(1).padStart(9)} ms/run (baseline ${(baseTotal / rounds).toFixed(1)} ms)\n`);
  return { value: measuredTotal / rounds, baseline: baseTotal / rounds, unit: 'ms', ratio: median };
}

async function time(label: string, runs: number, fn: () => unknown | Promise<unknown>): Promise<number> {
  for (let i = 0; i < Math.min(5, runs); i++) await fn(); // warm-up
  const start = performance.now();
  for (let i = 0; i < runs; i++) await fn();
  const perRun = (performance.now() - start) / runs;
  process.stdout.write(`  ${label.padEnd(58)} ${perRun.toFixed(3).padStart(9)} ms/run\n`);
  return perRun;
}

export async function demoFigures(): Promise<Record<string, DemoFigure>> {
  const dir = mkdtempSync(join(tmpdir(), 'veil-bench-'));
  const clock = new DemoClock();
  const core = await openVeilCoreInternals({ dbFile: join(dir, 'bench.db'), mode: 'browser', clock, idleSweepMs: 0 });
  try {
    const demo = await seedDemo(core, clock, { history: true });
    const ph = demo.users.find((u) => u.role === 'unblinded_pharmacist')!;
    const w = 'bench';
    await core.dispatch(w, 'session.login', { username: ph.username, password: ph.password });
    const patient = core.db.prepare("SELECT id FROM patients WHERE status = 'randomized' ORDER BY id DESC LIMIT 1").get() as { id: number };
    const view = await core.patients.view(patient.id);
    const nextVisit = view.visits.find((v) => v.dispensedAt === null)!.code;
    const kit = (core.db.prepare("SELECT kit_number AS k FROM kits WHERE status = 'available' LIMIT 1").get() as { k: string }).k;
    const figures: Record<string, DemoFigure> = {};
    const ms = (value: number, baseline: number): DemoFigure => ({ value, baseline, unit: 'ms' });

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
    const baseRead = await time('baseline: one indexed SELECT of a kit', 2000, () => core.db.prepare('SELECT * FROM kits WHERE study_id = (SELECT min(id) FROM studies) AND kit_number = ?').get(kit));
    const demoScans = await scanFigures('', await kitsToScan());
    figures['scan verdict through the router, valid kit (mean)'] = ms(demoScans.valid, baseRead);
    figures['scan verdict through the router, refused kit (mean)'] = ms(demoScans.refused, baseRead);
    process.stdout.write('Audit append\n');
    core.db.exec('CREATE TEMP TABLE bench_rows (x TEXT)');
    const baseInsert = await time('baseline: INSERT in its own transaction', 500, () => core.db.transaction(() => core.db.prepare('INSERT INTO bench_rows VALUES (?)').run('x'))());
    const append = await time('audit append (hash chain) in its own transaction', 500, () =>
      core.store.transaction(() => core.audit.append({ userId: null, username: 'bench' }, { action: 'bench.event', entityType: 'bench', entityId: '1', after: { n: 1 } })),
    );
    figures['audit append (hash chain) vs plain insert'] = ms(append, baseInsert);

    process.stdout.write('Kit list import (1,000 kits)\n');
    const csv = demoKitCsv(core.study(), 1000).replace(/^(\d{6})/gm, (n) => `9${n}`);
    const baseParse = await time('baseline: parse the CSV (papaparse)', 20, () => Papa.parse(csv, { header: true }));
    const key = core.custody.keyOf(w)!;
    const check = await time('validate + seal-ready check + risk analysis (no write)', 5, () => core.lists.checkKitList(Buffer.from(csv, 'utf8'), key));
    figures['1,000-kit list check vs CSV parse'] = ms(check, baseParse);

    process.stdout.write('Kit list of 50,000 kits (baseline: parse the CSV with papaparse, alternated)\n');
    // 7-digit kit numbers: none is already imported, so every row is checked in full.
    const bigCsv = demoKitCsv(core.study(), 50_000).replace(/^(\d{6})/gm, (n) => `8${n}`);
    const bigFile = Buffer.from(bigCsv, 'utf8');
    const bigParse = () => Papa.parse(bigCsv, { header: true });
    figures['50,000-kit list check vs CSV parse (alternated)'] = await alternatedRatio('decode + validate + blinding-risk analysis (no write)', 7, bigParse, () => core.lists.checkKitList(bigFile, key));
    // The analysis reads each kit's content as its arm (listImportService.checkKitList): mapped once, outside the timing.
    const bigRows = (await core.lists.checkKitList(bigFile, key)).parsed.rows.map((row) => ({ ...row, arm: row.content }));
    figures['50,000-kit risk analysis vs CSV parse (alternated)'] = await alternatedRatio('blinding-risk analysis alone', 7, bigParse, () => analyzeBlindingRisk(bigRows, core.study().code));

    process.stdout.write('Blinded label\n');
    const dispensed = (core.db.prepare('SELECT kit_number AS k FROM dispensing_kits LIMIT 1').get() as { k: string }).k;
    const layout = await time('baseline: layout of the carton label', 20, () => core.labels.layout(dispensed, 'carton'));
    const png = await time('layout + 300 dpi raster + PNG', 10, () => core.labels.render(dispensed, 'carton', 'png'));
    figures['label preview (300 dpi PNG) vs layout'] = ms(png, layout);

    process.stdout.write('Logger import of a year at one reading a minute (525,600 readings; issue 15 asks for at most 5x)\n');
    const loggerFile = (startMs: number) => {
      const lines = ['timestamp;temperature'];
      for (let i = 0; i < 525_600; i++) lines.push(`${new Date(startMs + i * 60_000).toISOString().replace('.000Z', '+00:00')};${(5 + Math.sin(i / 90)).toFixed(1)}`);
      return lines.join('\n');
    };
    const year = loggerFile(Date.parse('2025-01-01T00:00:00Z'));
    const loggerParse = await time('baseline: parse the logger file (papaparse)', 3, () => Papa.parse(year, { delimiter: ';' }));
    const saved = await core.dispatch(w, 'coldChain.saveLocation', { name: 'Bench fridge', kind: 'fridge', minCelsius: 2, maxCelsius: 8, calibrationDue: null, barcode: 'LOC-BENCH' });
    if (!saved.ok) throw new Error(saved.error.message);
    const locationId = (saved.value as { id: number }).id;
    // One import per file: the same file twice adds nothing, so each run brings its own year.
    let nextYear = 2026;
    const importYear = async () => {
      const result = await core.dispatch(w, 'coldChain.importLog', { locationId, fileName: `bench-${nextYear}.csv`, content: loggerFile(Date.parse(`${nextYear++}-01-01T00:00:00Z`)) });
      if (!result.ok || (result.value as { readings: number }).readings !== 525_600) throw new Error(`logger import: ${JSON.stringify(result).slice(0, 200)}`);
    };
    // The file is built inside each run: its cost is measured apart and taken off.
    const building = await time('building the file text (taken off the import)', 1, () => loggerFile(Date.parse('2030-01-01T00:00:00Z')));
    const loggerImport = (await time('coldChain.importLog: parse, check, store, detect excursions', 1, importYear)) - building;
    figures['logger import of 525,600 readings vs CSV parse'] = ms(loggerImport, loggerParse);

    return figures;
  } finally {
    core.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
