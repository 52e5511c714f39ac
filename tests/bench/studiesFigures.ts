/**
 * Many studies in one database (issue 14: "20 studies with 1,000 kits each: switching study and opening Today stay as
 * fast as with one study"). The demo's NS-DUPI alone is measured first; then 19 more studies are loaded, keyed and
 * given 1,000 kits and 36 randomization slots each, through the same channels a pharmacist uses, and the same calls are
 * measured again in the same run. Each figure is the cost with 20 studies beside its cost with one (ratio ~1: no growth
 * with the number of studies). Today for a user of all 20 studies shows 20 cards: its figure is per card.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { DemoClock } from '../../main/core/clock';
import { demoKitCsv, demoRandomizationCsv } from '../../main/core/demo/demoLists';
import { NS_DUPI, seedDemo } from '../../main/core/demo/demoSeed';
import { openVeilCoreInternals } from '../../main/core/veilCore';
import type { DemoFigure } from './demoFigures';

const STUDIES = 20;
const KITS_PER_STUDY = 1000;

async function time(label: string, runs: number, fn: () => Promise<unknown>): Promise<number> {
  for (let i = 0; i < Math.min(10, runs); i++) await fn(); // warm-up
  const start = performance.now();
  for (let i = 0; i < runs; i++) await fn();
  const perRun = (performance.now() - start) / runs;
  process.stdout.write(`  ${label.padEnd(58)} ${perRun.toFixed(3).padStart(9)} ms/run\n`);
  return perRun;
}

export async function studiesFigures(): Promise<Record<string, DemoFigure>> {
  const dir = mkdtempSync(join(tmpdir(), 'veil-bench-studies-'));
  const clock = new DemoClock();
  const core = await openVeilCoreInternals({ dbFile: join(dir, 'bench.db'), mode: 'browser', clock, idleSweepMs: 0 });
  try {
    const demo = await seedDemo(core, clock, { history: false });
    const call = async (window: string, channel: string, input: unknown = {}) => {
      const result = await core.dispatch(window, channel, input);
      if (!result.ok) throw new Error(`${channel}: ${result.error.message}`);
      return result.value;
    };
    const pharmacist = demo.users.find((u) => u.role === 'unblinded_pharmacist')!;
    const nurse = demo.users.find((u) => u.role === 'study_nurse')!;
    await call('ph', 'session.login', { username: pharmacist.username, password: pharmacist.password });
    await call('nurse', 'session.login', { username: nurse.username, password: nurse.password });
    const signature = { username: pharmacist.username, password: pharmacist.password };

    process.stdout.write('One study (NS-DUPI)\n');
    const one = {
      switchStudy: await time('session.switchStudy (to the only study)', 300, () => call('ph', 'session.switchStudy', { code: NS_DUPI.code })),
      todayOfOne: await time('today.view, a user of that study', 100, () => call('nurse', 'today.view')),
      todayOfAll: await time("today.view, the pharmacist (the study's one card)", 100, () => call('ph', 'today.view')),
    };

    process.stdout.write(`Loading ${STUDIES - 1} more studies of ${KITS_PER_STUDY} kits each (load, key, lists)\n`);
    const from = performance.now();
    let last = NS_DUPI.code;
    for (let i = 2; i <= STUDIES; i++) {
      const study = { ...NS_DUPI, code: `BENCH-${String(i).padStart(2, '0')}`, title: `Bench study ${i}` };
      last = study.code;
      await call('ph', 'study.load', { fileName: `${study.code}.json`, contentBase64: Buffer.from(JSON.stringify(study)).toString('base64'), signature });
      await call('ph', 'session.switchStudy', { code: study.code });
      await call('ph', 'allocation.setUpKey', { signature });
      const list = (kind: string, csv: string) => call('ph', 'allocation.importList', { kind, fileName: `${study.code}-${kind}.csv`, contentBase64: Buffer.from(csv).toString('base64'), signature });
      await list('randomization', demoRandomizationCsv(study));
      await list('kits', demoKitCsv(study, KITS_PER_STUDY));
    }
    process.stdout.write(`  ${'(set-up)'.padEnd(58)} ${((performance.now() - from) / 1000).toFixed(1).padStart(9)} s\n`);

    process.stdout.write(`${STUDIES} studies\n`);
    let flip = false;
    const many = {
      switchStudy: await time('session.switchStudy (NS-DUPI and the last, in turn)', 300, () => {
        flip = !flip;
        return call('ph', 'session.switchStudy', { code: flip ? last : NS_DUPI.code });
      }),
      todayOfOne: await time(`today.view, a user of one study of ${STUDIES}`, 100, () => call('nurse', 'today.view')),
      todayOfAll: (await time(`today.view, the pharmacist (${STUDIES} cards)`, 20, () => call('ph', 'today.view'))) / STUDIES,
    };
    const ms = (value: number, baseline: number): DemoFigure => ({ value, baseline, unit: 'ms' });
    return {
      [`switching study, ${STUDIES} studies vs 1`]: ms(many.switchStudy, one.switchStudy),
      [`Today of a user of 1 study, ${STUDIES} studies vs 1`]: ms(many.todayOfOne, one.todayOfOne),
      [`Today per study card, user of ${STUDIES} vs of 1`]: ms(many.todayOfAll, one.todayOfAll),
    };
  } finally {
    core.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
