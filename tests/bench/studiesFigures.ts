/**
 * Many studies in one database (issue 14: "20 studies with 1,000 kits each: switching study and opening Today stay as
 * fast as with one study"). Two databases are built: the demo's NS-DUPI alone, and the demo with 19 more studies
 * loaded, keyed and given 1,000 kits and 36 randomization slots each, through the same channels a pharmacist uses. The
 * same calls are then timed on both in alternation (so a busy machine or a garbage collection weighs on both alike):
 * each figure is the cost with 20 studies beside its cost with one, as the median of the per-round ratios (~1: no
 * growth with the number of studies). Today for a user of all 20 studies shows 20 cards: its figure is per card.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { DemoClock } from '../../main/core/clock';
import { demoKitCsv, demoRandomizationCsv } from '../../main/core/demo/demoLists';
import { NS_DUPI, seedDemo } from '../../main/core/demo/demoSeed';
import { openVeilCoreInternals, type VeilCoreInternals } from '../../main/core/veilCore';
import { alternatedRatio, type DemoFigure } from './demoFigures';

const STUDIES = 20;
const KITS_PER_STUDY = 1000;
const ROUNDS = 15;

interface Site {
  core: VeilCoreInternals;
  call(window: string, channel: string, input?: unknown): Promise<unknown>;
  /** The study the pharmacist switches to and from (NS-DUPI itself in the database of one). */
  other: string;
}

/** The demo, logged in as its pharmacist and study nurse; with `more`, that many more studies of 1,000 kits each. */
async function site(dir: string, name: string, more: number): Promise<Site> {
  const clock = new DemoClock();
  const core = await openVeilCoreInternals({ dbFile: join(dir, `${name}.db`), mode: 'browser', clock, idleSweepMs: 0 });
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
  let other = NS_DUPI.code;
  for (let i = 2; i <= more + 1; i++) {
    const study = { ...NS_DUPI, code: `BENCH-${String(i).padStart(2, '0')}`, title: `Bench study ${i}` };
    other = study.code;
    await call('ph', 'study.load', { fileName: `${study.code}.json`, contentBase64: Buffer.from(JSON.stringify(study)).toString('base64'), signature });
    await call('ph', 'session.switchStudy', { code: study.code });
    await call('ph', 'allocation.setUpKey', { signature });
    const list = (kind: string, csv: string) => call('ph', 'allocation.importList', { kind, fileName: `${study.code}-${kind}.csv`, contentBase64: Buffer.from(csv).toString('base64'), signature });
    await list('randomization', demoRandomizationCsv(study));
    await list('kits', demoKitCsv(study, KITS_PER_STUDY));
  }
  await call('ph', 'session.switchStudy', { code: NS_DUPI.code });
  return { core, call, other };
}

export async function studiesFigures(): Promise<Record<string, DemoFigure>> {
  const dir = mkdtempSync(join(tmpdir(), 'veil-bench-studies-'));
  const from = performance.now();
  const one = await site(dir, 'one', 0);
  const many = await site(dir, 'many', STUDIES - 1);
  process.stdout.write(`  ${`(set-up: ${STUDIES} studies of ${KITS_PER_STUDY} kits, and the demo alone)`.padEnd(58)} ${((performance.now() - from) / 1000).toFixed(1).padStart(9)} s\n`);
  try {
    /** `calls` calls in a row on each database, alternated, ROUNDS times: the ratio many/one. */
    const compare = (label: string, calls: number, call: (s: Site, i: number) => Promise<unknown>) =>
      alternatedRatio(label, ROUNDS, async () => {
        for (let i = 0; i < calls; i++) await call(one, i);
      }, async () => {
        for (let i = 0; i < calls; i++) await call(many, i);
      });
    // Switching back and forth between NS-DUPI and another study (the only study, with one).
    const switching = await compare(`50 x session.switchStudy (${STUDIES} studies vs 1)`, 50, (s, i) => s.call('ph', 'session.switchStudy', { code: i % 2 ? NS_DUPI.code : s.other }));
    const todayOfOne = await compare(`today.view of a user of one study (${STUDIES} studies vs 1)`, 20, (s) => s.call('nurse', 'today.view'));
    const todayOfAll = await compare(`today.view of the pharmacist (${STUDIES} cards vs 1)`, 5, (s) => s.call('ph', 'today.view'));
    return {
      [`switching study, ${STUDIES} studies vs 1 (50 switches)`]: switching,
      [`Today of a user of 1 study, ${STUDIES} studies vs 1 (20 views)`]: todayOfOne,
      // Per card: the pharmacist's Today with 20 cards, divided by 20.
      [`Today per study card, user of ${STUDIES} vs of 1 (5 views)`]: { ...todayOfAll, value: todayOfAll.value / STUDIES, ratio: todayOfAll.ratio! / STUDIES },
    };
  } finally {
    one.core.close();
    many.core.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
