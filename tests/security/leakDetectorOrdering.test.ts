import { describe, expect, it } from 'vitest';
import { ARM_ORDERING_FALSE_ALARM, armRunsProbability, findArmOrdering, type SponsorTruth } from './leak/leakDetector';

/** A truth over kits K1..Kn with the given arms, and the kit list in that order. */
function listOf(arms: string[]): { truth: SponsorTruth; kits: Array<{ kitNumber: string }> } {
  const armOf = new Map(arms.map((arm, i) => [`K${1000 + i}`, arm]));
  return { truth: { armWords: [], sharedBlindedPhrases: [], armOf }, kits: [...armOf.keys()].map((kitNumber) => ({ kitNumber })) };
}

/** A small deterministic generator (mulberry32): the shuffles below are the same on every run. */
function generator(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function shuffled<T>(items: T[], random: () => number): T[] {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

const twoToOne = (n: number) => Array.from({ length: n }, (_, i) => (i % 3 === 2 ? 'PBO' : 'DUP'));

describe('the arm-ordering check of the leak detector', () => {
  it('gives the exact probability of so few runs: the formula agrees with counting every arrangement of 4 + 7 kits', () => {
    // Every placement of 4 placebo kits among 11 positions, counted by brute force (no formula involved).
    const arrangements: Array<{ arms: string[]; runs: number }> = [];
    for (let mask = 0; mask < 1 << 11; mask++) {
      if (mask.toString(2).split('1').length - 1 !== 4) continue;
      const arms = Array.from({ length: 11 }, (_, i) => (mask & (1 << i) ? 'PBO' : 'DUP'));
      let runs = 1;
      for (let i = 1; i < arms.length; i++) if (arms[i] !== arms[i - 1]) runs++;
      arrangements.push({ arms, runs });
    }
    expect(arrangements).toHaveLength(330);
    const seenRuns = new Set<number>();
    for (const { arms, runs } of arrangements) {
      const counted = arrangements.filter((a) => a.runs <= runs).length / arrangements.length;
      expect(armRunsProbability(arms).p).toBeCloseTo(counted, 12);
      seenRuns.add(runs);
    }
    expect([...seenRuns].sort((a, b) => a - b)).toEqual([2, 3, 4, 5, 6, 7, 8, 9]);
  });

  it('does not flag 8 + 15 returned kits in 5 runs (p = 0.0023: what failed CI once by chance), and flags them sorted by arm', () => {
    const fiveRuns = [...'PPPPPDDDDDDDDPPDDDDDDDP'];
    expect(fiveRuns.filter((a) => a === 'P').length).toBe(8);
    const arms = fiveRuns.map((a) => (a === 'P' ? 'PBO' : 'DUP'));
    const chance = listOf(arms);
    const { runs, p } = armRunsProbability(arms);
    expect(runs).toBe(5);
    expect(p).toBeCloseTo(0.00235, 4);
    expect(findArmOrdering('returns.list', chance.kits, chance.truth)).toEqual([]);
    const sorted = listOf([...arms].sort());
    expect(findArmOrdering('returns.list', sorted.kits, sorted.truth)).toEqual([
      expect.objectContaining({ kind: 'arm_ordering', detail: expect.stringContaining('23 kits or patients is grouped by arm (2 runs') }),
    ]);
  });

  it('flags every list sorted by arm from 24 kits at 2:1, and lists of three arms sorted by arm', () => {
    for (const n of [24, 30, 60, 180]) {
      const { truth, kits } = listOf(twoToOne(n).sort());
      expect(findArmOrdering('inventory.kits', kits, truth), `${n} kits`).toHaveLength(1);
    }
    const three = listOf(Array.from({ length: 30 }, (_, i) => ['A', 'B', 'C'][i % 3]!).sort());
    expect(findArmOrdering('inventory.kits', three.kits, three.truth)).toHaveLength(1);
  });

  it('stays quiet on 20,000 random orders of 23 kits at 2:1 (a false alarm is expected in fewer than 1 of 5)', () => {
    const random = generator(20261204);
    let alarms = 0;
    let smallest = 1;
    for (let trial = 0; trial < 20_000; trial++) {
      const { truth, kits } = listOf(shuffled(twoToOne(23), random));
      alarms += findArmOrdering('returns.list', kits, truth).length;
      smallest = Math.min(smallest, armRunsProbability(kits.map((k) => truth.armOf.get(k.kitNumber)!)).p);
    }
    expect(alarms).toBe(0);
    // The trials reach well into the tail, so the threshold, not a lack of extreme orders, kept them quiet.
    expect(smallest).toBeLessThan(0.01);
    expect(smallest).toBeGreaterThanOrEqual(ARM_ORDERING_FALSE_ALARM);
  });
});
