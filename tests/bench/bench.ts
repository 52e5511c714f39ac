/**
 * `npm run bench` (issue 12): Veil's hot paths at the demo, medium and large scales, each figure beside a baseline
 * measured in the same run on the same machine (so the ratios mean something on any computer) and, at medium and
 * large, as its growth (cost at that scale / cost at the demo). Prints one table and writes the same as JSON to
 * bench-results/bench-<scales>-<timestamp>.json (git-ignored). Nothing is asserted on time: the numbers are read.
 *
 *   npm run bench                    demo figures, many studies, both engines, then demo + medium + large, then the screens in Chromium
 *   npm run bench -- --quick         demo figures, both engines, then demo + medium (CI; under 5 minutes on 2 cores)
 *   npm run bench -- --scale large   demo + large only (also `npm run bench:scale -- large`)
 *   --no-screen                      skip the on-screen figures of the full run
 *
 * Every scale's database must pass the record verification `veil verify` runs (verifyRecord), or the bench fails.
 */
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { performance } from 'node:perf_hooks';
import { DEMO, measure, type Figures, type KeptDatabase } from './atScale';
import { demoFigures } from './demoFigures';
import { engineFigures } from './engineFigures';
import { SCALES, type Scale } from './scales';
import { screenFigures } from './screen';
import { studiesFigures } from './studiesFigures';

interface Row {
  section: string;
  figure: string;
  scale: string;
  value: number;
  baseline: number | null;
  unit: string;
  ratio: number | null;
  growth: number | null;
}

const { values } = parseArgs({ options: { quick: { type: 'boolean' }, scale: { type: 'string' }, 'no-screen': { type: 'boolean' } }, allowPositionals: true, strict: true });
const scaleNames: Array<'medium' | 'large'> = values.scale ? [values.scale as 'medium' | 'large'] : values.quick ? ['medium'] : ['medium', 'large'];
for (const name of scaleNames) {
  if (!(name in SCALES)) {
    process.stderr.write('usage: npm run bench [-- --quick | --scale medium|large] [--no-screen]\n');
    process.exit(2);
  }
}
const withDemoFigures = !values.scale;
const withScreen = !values.quick && !values.scale && !values['no-screen'];
const began = performance.now();
const cpuModel = /model name\s*:\s*(.*)/.exec(readFileSync('/proc/cpuinfo', 'utf8'))?.[1] ?? cpus()[0]?.model ?? 'unknown';
const machine = { cpu: cpuModel, cores: cpus().length, ramGigabytes: Math.round(totalmem() / 2 ** 30), node: process.version, platform: `${process.platform} ${process.arch}` };
process.stdout.write(`Machine: ${machine.cpu}, ${machine.cores} cores, ${machine.ramGigabytes} GB, Node ${machine.node}\n`);

const rows: Row[] = [];
const seconds: Record<string, number> = {};
const lap = (name: string, from: number) => (seconds[name] = Math.round((performance.now() - from) / 1000));

if (withDemoFigures) {
  process.stdout.write('\n== Demo figures\n');
  const from = performance.now();
  for (const [figure, f] of Object.entries(await demoFigures())) {
    rows.push({ section: 'demo', figure, scale: 'demo', value: f.value, baseline: f.baseline, unit: f.unit, ratio: f.ratio ?? f.value / f.baseline, growth: null });
  }
  lap('demo figures', from);
}

// Many studies in one database (issue 14): switching and Today with 20 studies, beside the same with one.
if (withDemoFigures) {
  process.stdout.write('\n== Many studies (20 of 1,000 kits vs the demo alone)\n');
  const from = performance.now();
  for (const [figure, f] of Object.entries(await studiesFigures())) {
    rows.push({ section: 'studies', figure, scale: 'demo', value: f.value, baseline: f.baseline, unit: f.unit, ratio: f.ratio ?? f.value / f.baseline, growth: null });
  }
  lap('many studies', from);
}

// The same hot paths on SQLite and on PostgreSQL, each beside a baseline on its own engine (issue 13).
const skippedEngines: string[] = [];
if (withDemoFigures) {
  process.stdout.write('\n== Both engines (demo)\n');
  const from = performance.now();
  const engines = await engineFigures();
  for (const [engine, figures] of Object.entries(engines.figures)) {
    for (const [figure, f] of Object.entries(figures)) rows.push({ section: 'engines', figure, scale: engine === 'postgres' ? 'pg' : 'sqlite', value: f.value, baseline: f.baseline, unit: f.unit, ratio: f.value / f.baseline, growth: null });
  }
  for (const reason of engines.skipped) process.stdout.write(`  skipped: ${reason}\n`);
  skippedEngines.push(...engines.skipped);
  lap('both engines', from);
}

const counts: Record<string, Record<string, number>> = {};
const kept: Record<string, KeptDatabase> = {};
const atScale: Record<string, Figures> = {};
for (const scale of [DEMO, ...scaleNames.map((n) => SCALES[n])] as Scale[]) {
  process.stdout.write(`\n== Scale ${scale.name}${scale.name === 'demo' ? '' : ` (${JSON.stringify(scale)})`}\n`);
  const from = performance.now();
  // The demo and the largest scale are kept for the screens.
  const keep = withScreen && (scale.name === 'demo' || scale.name === scaleNames[scaleNames.length - 1]);
  const measured = await measure(scale, { keep });
  atScale[scale.name] = measured.figures;
  counts[scale.name] = measured.counts;
  if (measured.kept) kept[scale.name] = measured.kept;
  lap(`scale ${scale.name}`, from);
}
for (const name of ['demo', ...scaleNames]) {
  for (const [figure, f] of Object.entries(atScale[name]!)) {
    const atDemo = atScale.demo![figure];
    rows.push({ section: 'scales', figure, scale: name, value: f.value, baseline: f.baseline, unit: f.unit, ratio: f.value / f.baseline, growth: name === 'demo' || !atDemo ? null : f.value / (f.per ?? 1) / (atDemo.value / (atDemo.per ?? 1)) });
  }
}

let screenError: string | null = null;
if (withScreen) {
  const largest = scaleNames[scaleNames.length - 1]!;
  process.stdout.write(`\n== On screen (Chromium, veil serve): demo and ${largest}\n`);
  const from = performance.now();
  try {
    const demoScreen = await screenFigures(kept.demo!);
    const largeScreen = await screenFigures(kept[largest]!);
    for (const [name, figures] of [['demo', demoScreen], [largest, largeScreen]] as const) {
      for (const [figure, f] of Object.entries(figures)) {
        const atDemo = demoScreen[figure];
        rows.push({ section: 'screen', figure, scale: name, value: f.value, baseline: f.baseline, unit: f.unit, ratio: f.baseline ? f.value / f.baseline : null, growth: name === 'demo' || !atDemo ? null : f.value / atDemo.value });
      }
    }
  } catch (error) {
    screenError = (error as Error).stack ?? String(error);
    process.stdout.write(`  the on-screen figures failed: ${screenError}\n`);
  }
  lap('screen', from);
}
for (const k of Object.values(kept)) rmSync(k.dir, { recursive: true, force: true });

const peakMegabytes = Math.round(process.resourceUsage().maxRSS / 1024);
rows.push({ section: 'process', figure: 'peak memory of the bench process (RSS)', scale: scaleNames[scaleNames.length - 1]!, value: peakMegabytes, baseline: null, unit: 'MB', ratio: null, growth: null });
seconds.total = Math.round((performance.now() - began) / 1000);

const fmt = (n: number | null, digits: number) => (n === null ? '' : n >= 1000 ? n.toFixed(0) : n.toFixed(digits));
const header = `${'figure'.padEnd(54)} ${'scale'.padEnd(6)} ${'value'.padStart(10)} ${'baseline'.padStart(10)} ${'unit'.padEnd(4)} ${'ratio'.padStart(8)} ${'growth'.padStart(7)}`;
const lines = [header, '-'.repeat(header.length)];
let section = '';
for (const r of rows) {
  if (section && r.section !== section) lines.push('');
  section = r.section;
  lines.push(
    `${r.figure.padEnd(54)} ${r.scale.padEnd(6)} ${fmt(r.value, 2).padStart(10)} ${fmt(r.baseline, 3).padStart(10)} ${r.unit.padEnd(4)} ${(r.ratio === null ? '' : `${r.ratio.toFixed(1)}x`).padStart(8)} ${(r.growth === null ? '' : `${r.growth.toFixed(2)}x`).padStart(7)}`,
  );
}
process.stdout.write(`\n${lines.join('\n')}\n`);
process.stdout.write(`\nCounts: ${JSON.stringify(counts)}\nSeconds: ${JSON.stringify(seconds)}\n`);

const set = values.scale ? `demo-${values.scale}` : values.quick ? 'quick' : 'full';
const outDir = join(process.cwd(), 'bench-results');
mkdirSync(outDir, { recursive: true });
const outFile = join(outDir, `bench-${set}-${new Date().toISOString().replace(/[:.]/g, '-')}.json`);
writeFileSync(outFile, `${JSON.stringify({ set, scales: ['demo', ...scaleNames], machine, counts, seconds, rows, skippedEngines, screenError }, null, 2)}\n`);
process.stdout.write(`JSON: ${outFile}\n`);
if (screenError) process.exitCode = 1;
