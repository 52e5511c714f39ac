import { describe, expect, it } from 'vitest';
import { analyzeBlindingRisk, type KitForAnalysis, type RiskFinding } from '../../../shared/allocation/blindingRisk';

/** mulberry32: a small seeded PRNG, so every "random" list here is the same on every run. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const STUDY = 'NS-DUPI';
const BLINDED_LOT = 'NSDUPI-BL1';

function shuffle<T>(items: T[], random: () => number): T[] {
  for (let i = items.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [items[i], items[j]] = [items[j]!, items[i]!];
  }
  return items;
}

/** Distinct non-sequential kit numbers, 6 digits like the demo's. */
function kitNumbers(n: number, random: () => number): string[] {
  const numbers = new Set<string>();
  while (numbers.size < n) numbers.add(String(100000 + Math.floor(random() * 900000)));
  return [...numbers];
}

/** Arms at the given ratio (exact counts), shuffled. */
function arms(n: number, ratio: Record<string, number>, random: () => number): string[] {
  const total = Object.values(ratio).reduce((s, r) => s + r, 0);
  const entries = Object.entries(ratio);
  const list: string[] = [];
  entries.forEach(([arm, r], i) => {
    const count = i === entries.length - 1 ? n - list.length : Math.round((n * r) / total);
    for (let k = 0; k < count; k++) list.push(arm);
  });
  return shuffle(list, random);
}

/**
 * A well-mixed list: random kit numbers, arms shuffled at the ratio, and lots and expiry dates dealt out over a
 * second, independent shuffle (so each lot and each date is shared by the arms and has n / lots kits).
 */
function wellMixed(random: () => number, n: number, ratio: Record<string, number> = { DUPI300: 2, PLACEBO: 1 }): KitForAnalysis[] {
  const lots = ['LOT-A', 'LOT-B', 'LOT-C'].slice(0, 2 + Math.floor(random() * 2));
  const dates = ['2027-09-30', '2028-03-31'];
  const numbers = kitNumbers(n, random);
  const armList = arms(n, ratio, random);
  const order = shuffle([...Array(n).keys()], random);
  return numbers.map((kitNumber, i) => ({
    kitNumber,
    arm: armList[i]!,
    lot: lots[order[i]! % lots.length]!,
    expiryDate: dates[order[i]! % dates.length]!,
  }));
}

const kinds = (findings: RiskFinding[]) => findings.map((f) => f.kind);

describe('blinding risk analysis (DESIGN.md 3.4)', () => {
  it('a well-mixed list has no findings, so no blinded lot and no common date', () => {
    const kits = wellMixed(prng(42), 150);
    const risk = analyzeBlindingRisk(kits, STUDY);
    expect(risk).toEqual({ findings: [], lotsReveal: false, expiryReveals: false, blindedLot: null, commonUseBefore: null });
  });

  it('kit numbers in runs per arm (first 100 DUPI300, then 50 PLACEBO) are found, with their disjoint ranges', () => {
    // Lots and dates are shared, so only the numbering gives the arm away.
    const kits: KitForAnalysis[] = Array.from({ length: 150 }, (_, i) => ({
      kitNumber: String(1001 + i),
      arm: i < 100 ? 'DUPI300' : 'PLACEBO',
      lot: i % 2 ? 'LOT-A' : 'LOT-B',
      expiryDate: i % 3 ? '2027-09-30' : '2028-03-31',
    }));
    // The sponsor's file order must not matter: the analysis sorts by kit number.
    const risk = analyzeBlindingRisk(shuffle(kits, prng(7)), STUDY);
    expect(kinds(risk.findings)).toEqual(['kit_number_runs', 'kit_number_ranges', 'kit_number_ranges']);
    const runs = risk.findings[0] as Extract<RiskFinding, { kind: 'kit_number_runs' }>;
    expect(runs.runs).toBe(2);
    expect(runs.longestRun).toBe(100);
    expect(runs.expectedRuns).toBeCloseTo(1 + (2 * 100 * 50) / 150, 1);
    expect(runs.zScore).toBeLessThan(-3);
    expect(risk.findings.slice(1)).toEqual(
      expect.arrayContaining([
        { kind: 'kit_number_ranges', arm: 'DUPI300', from: '1001', to: '1100' },
        { kind: 'kit_number_ranges', arm: 'PLACEBO', from: '1101', to: '1150' },
      ]),
    );
    // Numbering leaks are warned about; lots and dates still need no blinded values.
    expect(risk.lotsReveal).toBe(false);
    expect(risk.expiryReveals).toBe(false);
    expect(risk.blindedLot).toBeNull();
    expect(risk.commonUseBefore).toBeNull();
  });

  it('ranges compare kit numbers numerically, not as text ("999" comes before "1000")', () => {
    // DUPI300 holds 900-999 and PLACEBO 1000-1049: as text "1000" < "999", which would wrongly make them overlap.
    const kits: KitForAnalysis[] = [
      ...Array.from({ length: 100 }, (_, i) => ({ kitNumber: String(900 + i), arm: 'DUPI300', lot: 'L', expiryDate: '2028-01-31' })),
      ...Array.from({ length: 50 }, (_, i) => ({ kitNumber: String(1000 + i), arm: 'PLACEBO', lot: 'L', expiryDate: '2028-01-31' })),
    ];
    const risk = analyzeBlindingRisk(kits, STUDY);
    expect(risk.findings.filter((f) => f.kind === 'kit_number_ranges')).toEqual([
      { kind: 'kit_number_ranges', arm: 'DUPI300', from: '900', to: '999' },
      { kind: 'kit_number_ranges', arm: 'PLACEBO', from: '1000', to: '1049' },
    ]);
  });

  it('interleaved numbers but arm-only lots: arm_only_lot for each such lot, and a blinded lot', () => {
    const random = prng(1234);
    const numbers = kitNumbers(150, random);
    const armList = arms(150, { DUPI300: 2, PLACEBO: 1 }, random);
    const kits = numbers.map((kitNumber, i) => ({
      kitNumber,
      arm: armList[i]!,
      lot: armList[i] === 'DUPI300' ? (i % 2 ? 'DP24A117' : 'DP25B042') : 'PL24C009',
      expiryDate: i % 2 ? '2027-09-30' : '2028-03-31',
    }));
    const risk = analyzeBlindingRisk(kits, STUDY);
    expect(kinds(risk.findings).sort()).toEqual(['arm_only_lot', 'arm_only_lot', 'arm_only_lot']);
    expect(risk.findings).toEqual(
      expect.arrayContaining([
        { kind: 'arm_only_lot', lot: 'DP24A117', arm: 'DUPI300', kits: kits.filter((k) => k.lot === 'DP24A117').length },
        { kind: 'arm_only_lot', lot: 'DP25B042', arm: 'DUPI300', kits: kits.filter((k) => k.lot === 'DP25B042').length },
        { kind: 'arm_only_lot', lot: 'PL24C009', arm: 'PLACEBO', kits: 50 },
      ]),
    );
    expect(risk.lotsReveal).toBe(true);
    expect(risk.blindedLot).toBe(BLINDED_LOT);
    expect(risk.expiryReveals).toBe(false);
    expect(risk.commonUseBefore).toBeNull();
  });

  it('one arm-only lot among shared ones is enough to call for the blinded lot', () => {
    const kits = wellMixed(prng(99), 120);
    kits.push({ kitNumber: '999001', arm: 'PLACEBO', lot: 'ONLY-PL', expiryDate: '2027-09-30' });
    const risk = analyzeBlindingRisk(kits, STUDY);
    expect(risk.findings).toEqual([{ kind: 'arm_only_lot', lot: 'ONLY-PL', arm: 'PLACEBO', kits: 1 }]);
    expect(risk.blindedLot).toBe(BLINDED_LOT);
  });

  it('arm-only expiry dates: arm_only_expiry findings and a common use-before equal to the earliest expiry', () => {
    const random = prng(5678);
    const numbers = kitNumbers(150, random);
    const armList = arms(150, { DUPI300: 2, PLACEBO: 1 }, random);
    const kits = numbers.map((kitNumber, i) => ({
      kitNumber,
      arm: armList[i]!,
      lot: i % 2 ? 'LOT-A' : 'LOT-B',
      // The earliest date belongs to the second arm, so "first arm's date" or "first row's date" would be wrong.
      expiryDate: armList[i] === 'DUPI300' ? (i % 2 ? '2027-09-30' : '2028-03-31') : '2027-08-31',
    }));
    const risk = analyzeBlindingRisk(kits, STUDY);
    expect(kinds(risk.findings).sort()).toEqual(['arm_only_expiry', 'arm_only_expiry', 'arm_only_expiry']);
    expect(risk.findings).toEqual(expect.arrayContaining([{ kind: 'arm_only_expiry', expiryDate: '2027-08-31', arm: 'PLACEBO', kits: 50 }]));
    expect(risk.expiryReveals).toBe(true);
    expect(risk.commonUseBefore).toBe('2027-08-31');
    expect(risk.lotsReveal).toBe(false);
    expect(risk.blindedLot).toBeNull();
    // Never later than any kit's real expiry.
    for (const k of kits) expect(risk.commonUseBefore! <= k.expiryDate).toBe(true);
  });

  it('the common use-before is the earliest of all dates, including shared ones', () => {
    const kits = wellMixed(prng(31), 90).map((k) => ({ ...k, expiryDate: k.expiryDate === '2027-09-30' ? '2027-06-30' : k.expiryDate }));
    kits.push({ kitNumber: '999002', arm: 'DUPI300', lot: 'LOT-A', expiryDate: '2029-01-31' });
    const risk = analyzeBlindingRisk(kits, STUDY);
    expect(risk.findings).toEqual([{ kind: 'arm_only_expiry', expiryDate: '2029-01-31', arm: 'DUPI300', kits: 1 }]);
    expect(risk.commonUseBefore).toBe('2027-06-30');
  });

  it('a list with a single arm (e.g. a top-up of one arm) has nothing to compare, so no findings', () => {
    const kits = Array.from({ length: 30 }, (_, i) => ({ kitNumber: String(5000 + i), arm: 'PLACEBO', lot: 'PL1', expiryDate: '2028-01-31' }));
    expect(analyzeBlindingRisk(kits, STUDY).findings).toEqual([]);
    expect(analyzeBlindingRisk([], STUDY)).toEqual({ findings: [], lotsReveal: false, expiryReveals: false, blindedLot: null, commonUseBefore: null });
  });

  // The runs test warns at z < -3, so a well-mixed list still raises kit_number_runs by chance about once in 640
  // lists (measured with this generator over 50,000 lists). With this seed none of the 200 does; another seed may.
  it('never a false alarm over 200 random well-mixed lists (2:1 and 1:1, 60 to 200 kits)', () => {
    const random = prng(20261125);
    const alarms: Array<{ list: number; n: number; findings: RiskFinding[] }> = [];
    for (let list = 0; list < 200; list++) {
      const n = 60 + Math.floor(random() * 141);
      const ratio = list % 4 === 3 ? { DUPI300: 1, PLACEBO: 1 } : { DUPI300: 2, PLACEBO: 1 };
      const risk = analyzeBlindingRisk(wellMixed(random, n, ratio), STUDY);
      if (risk.findings.length || risk.blindedLot || risk.commonUseBefore) alarms.push({ list, n, findings: risk.findings });
    }
    expect(alarms).toEqual([]);
  });

  it('the chance false-alarm rate of the runs test stays small (under 0.5% over 3,000 well-mixed lists)', () => {
    const random = prng(77);
    let alarms = 0;
    for (let list = 0; list < 3000; list++) {
      const risk = analyzeBlindingRisk(wellMixed(random, 60 + Math.floor(random() * 141)), STUDY);
      if (risk.findings.length) {
        alarms++;
        // The only chance finding is the statistical one; lots and dates dealt independently of arm never alarm.
        expect(kinds(risk.findings)).toEqual(['kit_number_runs']);
      }
    }
    expect(alarms / 3000).toBeLessThan(0.005);
  });
});
