import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { groupVersusRestPValue, logFactorials, normalUpperTail, runsTest } from '../../../shared/allocation/armStatistics';
import { analyzeBlindingRisk, type KitForAnalysis, type RiskFinding } from '../../../shared/allocation/blindingRisk';
import { compareKitNumbers, isInKitNumberOrder, sortByKitNumber } from '../../../shared/allocation/kitOrder';

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
const GTIN = '03760000000017';

/**
 * A properly shuffled study supply: arms at exactly 2:1 dealt at random over the kits, and everything else (numbers,
 * lots, dates, serials) dealt without regard to arm. Lots come in runs of 1,000 kit numbers (as packaging does) or at
 * random; kit numbers are sequential or scattered; serials follow the kit numbers or have their own random order.
 */
function shuffledStudy(random: () => number, n: number, options: { lotsInNumberOrder?: boolean; scattered?: boolean; serialsOwnOrder?: boolean } = {}): KitForAnalysis[] {
  const numbers = options.scattered ? kitNumbers(n, random).sort(compareKitNumbers) : Array.from({ length: n }, (_, i) => String(100001 + i));
  const armList = arms(n, { DUPI300: 2, PLACEBO: 1 }, random);
  const serials = options.serialsOwnOrder ? shuffle(Array.from({ length: n }, (_, i) => `SN${String(10_000_000 + i * 7)}`), random) : numbers.map((k) => `SN${k}`);
  return numbers.map((kitNumber, i) => {
    const lot = options.lotsInNumberOrder ? Math.floor(i / 1000) : Math.floor(random() * 10);
    return { kitNumber, arm: armList[i]!, lot: `DP-${lot}`, expiryDate: lot % 2 ? '2028-01-31' : '2028-06-30', gtin: GTIN, serial: serials[i]! };
  });
}

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
    expect(kinds(risk.findings)).toEqual(['number_ranges', 'number_ranges', 'number_runs']);
    const runs = risk.findings.find((f) => f.kind === 'number_runs') as Extract<RiskFinding, { kind: 'number_runs' }>;
    expect(runs.pattern).toBe('clustered');
    expect(runs.runs).toBe(2);
    expect(runs.longestRun).toBe(100);
    expect(runs.expectedRuns).toBeCloseTo(1 + (2 * 100 * 50) / 150, 1);
    expect(runs.zScore).toBeLessThan(-3);
    expect(risk.findings.slice(0, 2)).toEqual(
      expect.arrayContaining([
        { kind: 'number_ranges', attribute: 'kit_number', arm: 'DUPI300', from: '1001', to: '1100' },
        { kind: 'number_ranges', attribute: 'kit_number', arm: 'PLACEBO', from: '1101', to: '1150' },
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
    expect(risk.findings.filter((f) => f.kind === 'number_ranges')).toEqual([
      { kind: 'number_ranges', attribute: 'kit_number', arm: 'DUPI300', from: '900', to: '999' },
      { kind: 'number_ranges', attribute: 'kit_number', arm: 'PLACEBO', from: '1000', to: '1049' },
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

  it('the common use-before comes from the dispensable kits only; with none, from all (issue 11.1)', () => {
    const random = prng(5678);
    const numbers = kitNumbers(150, random);
    const armList = arms(150, { DUPI300: 2, PLACEBO: 1 }, random);
    const kits = numbers.map((kitNumber, i) => ({ kitNumber, arm: armList[i]!, lot: 'LOT-A', expiryDate: armList[i] === 'DUPI300' ? '2027-09-30' : '2027-08-31' }));
    kits.push({ kitNumber: '999001', arm: 'PLACEBO', lot: 'LOT-A', expiryDate: '2026-11-20' });
    const expired = (k: KitForAnalysis) => k.expiryDate < '2026-11-25';
    // The expired kit still counts for what blinded users see (its date is arm-only), not for the common date.
    const risk = analyzeBlindingRisk(kits, STUDY, { dispensable: (k) => !expired(k) });
    expect(risk.expiryReveals).toBe(true);
    expect(risk.commonUseBefore).toBe('2027-08-31');
    expect(analyzeBlindingRisk(kits, STUDY).commonUseBefore).toBe('2026-11-20');
    expect(analyzeBlindingRisk(kits, STUDY, { dispensable: () => false }).commonUseBefore).toBe('2026-11-20');
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

  // FALSE_ALARM_RATE bounds the chance of any statistical finding on such a list at 0.2%; with this seed none of the
  // 200 lists has one (Bonferroni and exact tests are cautious, so the real rate is lower).
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

  it('the chance false-alarm rate of the statistical tests stays small (under 0.5% over 3,000 well-mixed lists)', () => {
    const random = prng(77);
    let alarms = 0;
    for (let list = 0; list < 3000; list++) {
      const risk = analyzeBlindingRisk(wellMixed(random, 60 + Math.floor(random() * 141)), STUDY);
      if (risk.findings.length) {
        alarms++;
        // Chance findings can only be statistical ones: lots and dates dealt independently of arm are never arm-only.
        expect(risk.findings.filter((f) => f.kind.startsWith('arm_only') || f.kind === 'number_ranges')).toEqual([]);
      }
    }
    expect(alarms / 3000).toBeLessThan(0.005);
  });
});

describe('association between arm and what a blinded person can see (issue 10, finding 4)', () => {
  /** Random 6-digit kit numbers of the given parity. */
  function numbersOfParity(n: number, parity: 0 | 1, random: () => number, taken: Set<string>): string[] {
    const out: string[] = [];
    while (out.length < n) {
      const k = 100000 + 2 * Math.floor(random() * 450000) + parity;
      if (!taken.has(String(k))) {
        taken.add(String(k));
        out.push(String(k));
      }
    }
    return out;
  }

  it('DUPI300 on even kit numbers and PLACEBO on odd is flagged, though lots and dates are shared and the order looks random', () => {
    const random = prng(2024);
    const taken = new Set<string>();
    const kits: KitForAnalysis[] = [
      ...numbersOfParity(100, 0, random, taken).map((kitNumber) => ({ kitNumber, arm: 'DUPI300', lot: '', expiryDate: '' })),
      ...numbersOfParity(50, 1, random, taken).map((kitNumber) => ({ kitNumber, arm: 'PLACEBO', lot: '', expiryDate: '' })),
    ];
    shuffle(kits, random).forEach((k, i) => {
      k.lot = i % 2 ? 'LOT-A' : 'LOT-B';
      k.expiryDate = i % 3 ? '2027-09-30' : '2028-03-31';
    });
    const risk = analyzeBlindingRisk(kits, STUDY);
    expect(risk.findings.length).toBeGreaterThan(0);
    expect(risk.findings).toContainEqual(expect.objectContaining({ kind: 'number_residue', attribute: 'kit_number', modulus: 2 }));
    // Parity is a property of the number itself: nothing Veil can hide, so no blinded lot or date is called for.
    expect(risk.lotsReveal).toBe(false);
    expect(risk.expiryReveals).toBe(false);
  });

  it('a lot of 40 DUPI300 and 1 PLACEBO among shared lots is flagged, and lots are then shown blinded', () => {
    const kits = wellMixed(prng(4041), 300);
    const random = prng(41);
    const extra = shuffle([...Array<string>(40).fill('DUPI300'), 'PLACEBO'], random);
    extra.forEach((arm, i) => kits.push({ kitNumber: String(990001 + i), arm, lot: 'DP26X040', expiryDate: i % 2 ? '2027-09-30' : '2028-03-31' }));
    const risk = analyzeBlindingRisk(shuffle(kits, random), STUDY);
    expect(risk.lotsReveal).toBe(true);
    expect(risk.blindedLot).toBe(BLINDED_LOT);
    expect(risk.findings).toContainEqual(expect.objectContaining({ kind: 'value_arm_mix', attribute: 'lot', value: 'DP26X040', kits: 41 }));
    // The finding says what the lot holds and what a lot of its size would hold if lots were shared like the rest.
    const lot = risk.findings.find((f) => f.kind === 'value_arm_mix' && f.value === 'DP26X040') as Extract<RiskFinding, { kind: 'value_arm_mix' }>;
    const dupi = kits.filter((k) => k.arm === 'DUPI300').length;
    expect(lot.mix).toEqual([
      { arm: 'DUPI300', kits: 40, expected: Math.round((41 * dupi * 10) / kits.length) / 10 },
      { arm: 'PLACEBO', kits: 1, expected: Math.round((41 * (kits.length - dupi) * 10) / kits.length) / 10 },
    ]);
    // Dates are shared (the lot's kits alternate between both dates): only lots are hidden.
    expect(risk.expiryReveals).toBe(false);
  });

  it('a lot of 40 DUPI300 and 1 PLACEBO is flagged in a 10,000-kit study too, and a lot at the study mix is not', () => {
    const random = prng(1041);
    const kits = shuffledStudy(random, 10_000, { lotsInNumberOrder: true });
    shuffle([...Array<string>(40).fill('DUPI300'), 'PLACEBO'], random).forEach((arm, i) => kits.push({ kitNumber: String(900001 + i), arm, lot: 'DP26X040', expiryDate: '2028-06-30', gtin: GTIN, serial: `SN${900001 + i}` }));
    shuffle([...Array<string>(28).fill('DUPI300'), ...Array<string>(13).fill('PLACEBO')], random).forEach((arm, i) =>
      kits.push({ kitNumber: String(950001 + i * 3), arm, lot: 'DP26Y041', expiryDate: '2028-06-30', gtin: GTIN, serial: `SN${950001 + i * 3}` }),
    );
    const risk = analyzeBlindingRisk(kits, STUDY);
    expect(risk.findings.filter((f) => f.kind === 'value_arm_mix' && f.attribute === 'lot').map((f) => (f as { value: string }).value)).toEqual(['DP26X040']);
    expect(risk.lotsReveal).toBe(true);
  });

  it('arms alternating along sequential kit numbers (1:1) are flagged as a pattern of the order and of parity', () => {
    const kits = Array.from({ length: 150 }, (_, i) => ({ kitNumber: String(1001 + i), arm: i % 2 ? 'PLACEBO' : 'DUPI300', lot: `LOT-${i % 3}`, expiryDate: '2028-01-31' }));
    const risk = analyzeBlindingRisk(kits, STUDY);
    expect(risk.findings).toContainEqual(expect.objectContaining({ kind: 'number_runs', attribute: 'kit_number', pattern: 'alternating', runs: 150 }));
    expect(risk.findings).toContainEqual(expect.objectContaining({ kind: 'number_residue', attribute: 'kit_number', modulus: 2 }));
    // Parity explains the residues modulo 4, 6, 8...: only the simplest pattern is named.
    expect(risk.findings.filter((f) => f.kind === 'number_residue')).toHaveLength(1);
  });

  it('kit numbers dealt in permuted blocks of 3 (2:1) are flagged: one arm known tells the rest of its block', () => {
    const random = prng(303);
    const arms = Array.from({ length: 100 }, () => shuffle(['DUPI300', 'DUPI300', 'PLACEBO'], random)).flat();
    const risk = analyzeBlindingRisk(arms.map((arm, i) => ({ kitNumber: String(5001 + i), arm, lot: 'L1', expiryDate: '2028-01-31' })), STUDY);
    expect(risk.findings).toContainEqual(expect.objectContaining({ kind: 'number_runs', pattern: 'alternating' }));
  });

  it('placebo kit numbers all ending in 7 are flagged as a last-digit pattern', () => {
    const random = prng(7007);
    const taken = new Set<number>();
    const kits = arms(300, { DUPI300: 2, PLACEBO: 1 }, random).map((arm, i) => {
      let n: number;
      do n = 10 * (10000 + Math.floor(random() * 80000)) + (arm === 'PLACEBO' ? 7 : [0, 1, 2, 3, 4, 5, 6, 8, 9][Math.floor(random() * 9)]!);
      while (taken.has(n));
      taken.add(n);
      return { kitNumber: String(n), arm, lot: `LOT-${i % 2}`, expiryDate: '2028-01-31' };
    });
    const residues = analyzeBlindingRisk(kits, STUDY).findings.filter((f) => f.kind === 'number_residue') as Array<Extract<RiskFinding, { kind: 'number_residue' }>>;
    // Ending in 7 is odd and 2 modulo 5: named by the simplest moduli (2 and 5), which together say "ends in 7".
    expect(residues.map((f) => f.modulus).sort((a, b) => a - b)).toEqual([2, 5]);
    expect(residues.find((f) => f.modulus === 5)).toMatchObject({ residue: 2 });
  });

  it('a range of kit numbers much richer in one arm is flagged, with the range named', () => {
    const random = prng(4242);
    // 1001-1500: 85% DUPI300; 1501-2000: 48%. The ranges overlap, so the certain "disjoint ranges" rule says nothing.
    const kits = Array.from({ length: 1000 }, (_, i) => ({ kitNumber: String(1001 + i), arm: random() < (i < 500 ? 0.85 : 0.48) ? 'DUPI300' : 'PLACEBO', lot: 'L1', expiryDate: '2028-01-31' }));
    const risk = analyzeBlindingRisk(kits, STUDY);
    expect(risk.findings.some((f) => f.kind === 'number_ranges')).toBe(false);
    const blocks = risk.findings.filter((f) => f.kind === 'number_block') as Array<Extract<RiskFinding, { kind: 'number_block' }>>;
    expect(blocks.length).toBeGreaterThan(0);
    for (const b of blocks) expect(Number(b.from)).toBeLessThan(Number(b.to));
  });

  it('serials are tested like kit numbers: DUPI300 on even serials and PLACEBO on odd ones is flagged', () => {
    const random = prng(88);
    const kits = wellMixed(random, 300).map((k) => ({ ...k, serial: `SN${String(2 * Math.floor(random() * 4_000_000) + (k.arm === 'DUPI300' ? 0 : 1)).padStart(8, '0')}` }));
    const risk = analyzeBlindingRisk(kits, STUDY);
    expect(risk.findings).toContainEqual(expect.objectContaining({ kind: 'number_residue', attribute: 'serial', modulus: 2 }));
    expect(risk.findings.some((f) => 'attribute' in f && f.attribute === 'kit_number')).toBe(false);
  });

  it('a GTIN used by one arm only, and packs without a GTIN all of one arm, are certain findings', () => {
    const kits = wellMixed(prng(14), 150).map((k) => ({ ...k, gtin: k.arm === 'PLACEBO' ? '00012345600012' : GTIN }));
    expect(analyzeBlindingRisk(kits, STUDY).findings).toEqual(
      expect.arrayContaining([
        { kind: 'arm_only_gtin', gtin: '00012345600012', arm: 'PLACEBO', kits: 50 },
        { kind: 'arm_only_gtin', gtin: GTIN, arm: 'DUPI300', kits: 100 },
      ]),
    );
    const missing = wellMixed(prng(15), 150).map((k) => ({ ...k, gtin: k.arm === 'PLACEBO' ? null : GTIN }));
    expect(analyzeBlindingRisk(missing, STUDY).findings).toContainEqual({ kind: 'arm_only_gtin', gtin: '', arm: 'PLACEBO', kits: 50 });
    // GTINs are on the packs: nothing Veil hides for them.
    expect(analyzeBlindingRisk(missing, STUDY).lotsReveal).toBe(false);
  });

  it('two values split the kits in two: one finding for the split, not one per side', () => {
    const random = prng(16);
    // Kits with a GTIN are 80% DUPI300, kits without one 40%.
    const kits = wellMixed(random, 400).map((k) => ({ ...k, gtin: random() < (k.arm === 'DUPI300' ? 0.6 : 0.2) ? GTIN : null }));
    const gtinFindings = analyzeBlindingRisk(kits, STUDY).findings.filter((f) => f.kind === 'value_arm_mix' && f.attribute === 'gtin');
    expect(gtinFindings).toHaveLength(1);
  });

  it('three arms (3:2:2): a shuffled list is quiet, a lot of one arm is found', () => {
    const random = prng(322);
    const armsOf = (n: number) => arms(n, { A: 3, B: 2, C: 2 }, random);
    const kits = armsOf(700).map((arm, i) => ({ kitNumber: String(100001 + i), arm, lot: `L${Math.floor(i / 100)}`, expiryDate: '2028-01-31' }));
    expect(analyzeBlindingRisk(kits, STUDY).findings).toEqual([]);
    shuffle([...Array<string>(30).fill('A'), ...Array<string>(2).fill('B'), ...Array<string>(3).fill('C')], random).forEach((arm, i) => kits.push({ kitNumber: String(200001 + i * 2), arm, lot: 'LZ', expiryDate: '2028-01-31' }));
    expect(analyzeBlindingRisk(kits, STUDY).findings).toContainEqual(expect.objectContaining({ kind: 'value_arm_mix', attribute: 'lot', value: 'LZ' }));
  });

  // The acceptance test of issue 10, finding 4: a properly shuffled list of 10,000 kits is quiet, whatever the seed.
  // Each seed deals the kits differently: sequential or scattered numbers, lots in runs of numbers or dealt at
  // random, serials following the kit numbers or not.
  for (const seed of [1, 2, 3, 4, 5, 6]) {
    it(`no false alarm on a properly shuffled list of 10,000 kits (seed ${seed})`, () => {
      const risk = analyzeBlindingRisk(shuffledStudy(prng(seed * 7919), 10_000, { lotsInNumberOrder: seed % 2 === 0, scattered: seed % 3 === 0, serialsOwnOrder: seed > 3 }), STUDY);
      expect(risk).toEqual({ findings: [], lotsReveal: false, expiryReveals: false, blindedLot: null, commonUseBefore: null });
    });
  }
});

describe('the statistics underneath (shared/allocation/armStatistics.ts)', () => {
  /** Fisher's exact test the long way, with exact integers: twice the smaller tail, capped at 1. */
  function exactTwoSided(observed: number, n: number, K: number, N: number): number {
    const choose = (a: number, b: number): bigint => {
      if (b < 0 || b > a) return 0n;
      let r = 1n;
      for (let i = 1; i <= b; i++) r = (r * BigInt(a - b + i)) / BigInt(i);
      return r;
    };
    const total = choose(N, n);
    let lower = 0n;
    let upper = 0n;
    for (let x = 0; x <= n; x++) {
      const ways = choose(K, x) * choose(N - K, n - x);
      if (x <= observed) lower += ways;
      if (x >= observed) upper += ways;
    }
    const tail = lower < upper ? lower : upper;
    return Math.min(1, (2 * Number((tail * 10n ** 30n) / total)) / 1e30);
  }

  it("groupVersusRestPValue is Fisher's exact test (checked against exact integer arithmetic)", () => {
    const logFact = logFactorials(400);
    for (const [observed, n, K, N] of [
      [1, 41, 21, 101],
      [1, 41, 101, 341],
      [40, 41, 240, 341],
      [10, 30, 100, 300],
      [0, 5, 10, 20],
      [27, 41, 114, 341],
      [50, 50, 200, 400],
    ] as const) {
      const exact = exactTwoSided(observed, n, K, N);
      expect(groupVersusRestPValue(observed, n, K, N, logFact) / exact, `${observed}/${n} of ${K}/${N}`).toBeCloseTo(1, 9);
    }
  });

  it('normalUpperTail matches known normal tail probabilities, deep tails included', () => {
    expect(normalUpperTail(1.959964)).toBeCloseTo(0.025, 6);
    expect(normalUpperTail(-1)).toBeCloseTo(0.841345, 5);
    expect(normalUpperTail(5) / 2.866516e-7).toBeCloseTo(1, 5);
    expect(normalUpperTail(10) / 7.619853e-24).toBeCloseTo(1, 5);
  });

  it('runsTest counts runs and compares them with a random arrangement of the same arms', () => {
    const alternating = Array.from({ length: 20 }, (_, i) => i % 2);
    const test = runsTest(alternating)!;
    expect(test).toMatchObject({ runs: 20, expectedRuns: 11, longestRun: 1 });
    // Variance of the runs of 10 and 10: 2*10*10*(2*10*10 - 20) / (20^2 * 19).
    expect(test.zScore).toBeCloseTo(9 / Math.sqrt(36000 / 7600), 10);
    expect(runsTest(alternating.slice(0, 19))).toBeNull(); // too short for the normal approximation
    expect(runsTest(Array<number>(30).fill(0))).toBeNull(); // one arm: nothing to test
  });
});

describe('sortByKitNumber: the order of compareKitNumbers, fast', () => {
  const digits = fc.stringMatching(/^\d{1,12}$/);
  const prefixed = fc.stringMatching(/^SN\d{1,9}$/);
  const anything = fc.stringMatching(/^[A-Z0-9]{1,10}$/);
  for (const [name, identifier] of [
    ['digit-only kit numbers (leading zeros included)', digits],
    ['serials of one prefix and digits', prefixed],
    ['a mix of forms', fc.oneof(digits, prefixed, anything)],
  ] as const) {
    it(`${name}: same order as a stable sort with compareKitNumbers`, () => {
      fc.assert(
        fc.property(fc.array(identifier, { maxLength: 60 }), (numbers) => {
          const items = numbers.map((n, i) => ({ n, i }));
          const expected = [...items].sort((a, b) => compareKitNumbers(a.n, b.n) || a.i - b.i);
          expect(sortByKitNumber(items, (item) => item.n)).toEqual(expected);
          expect(isInKitNumberOrder(expected.map((e) => e.n))).toBe(true);
        }),
      );
    });
  }
});
