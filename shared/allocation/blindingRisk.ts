import { compareKitNumbers } from './kitOrder';

/**
 * The side-channel check of DESIGN.md section 3.4, run on the kit list at import: does anything a blinded person can
 * see (kit number order, lot, expiry date) correlate with arm? Findings name arms, so they are shown to the unblinded
 * pharmacist only. The blinded lot and common use-before date it calls for are derived here too.
 */
export interface KitForAnalysis {
  kitNumber: string;
  arm: string;
  lot: string;
  expiryDate: string;
}

export type RiskFinding =
  | { kind: 'kit_number_runs'; runs: number; expectedRuns: number; longestRun: number; zScore: number }
  | { kind: 'kit_number_ranges'; arm: string; from: string; to: string }
  | { kind: 'arm_only_lot'; lot: string; arm: string; kits: number }
  | { kind: 'arm_only_expiry'; expiryDate: string; arm: string; kits: number };

export interface RiskAnalysis {
  findings: RiskFinding[];
  /** True when lots must be hidden behind a blinded lot on labels and blinded screens. */
  lotsReveal: boolean;
  /** True when expiry dates must be hidden behind a common use-before date. */
  expiryReveals: boolean;
  blindedLot: string | null;
  commonUseBefore: string | null;
}

/** Wald-Wolfowitz runs test over the arm sequence in kit-number order (two or more arms: "same as previous" runs). */
function runsFinding(kits: KitForAnalysis[]): RiskFinding | null {
  if (kits.length < 6) return null;
  const arms = [...kits].sort((a, b) => compareKitNumbers(a.kitNumber, b.kitNumber)).map((k) => k.arm);
  let runs = 1;
  let longest = 1;
  let current = 1;
  for (let i = 1; i < arms.length; i++) {
    if (arms[i] === arms[i - 1]) current++;
    else {
      runs++;
      current = 1;
    }
    longest = Math.max(longest, current);
  }
  const n = arms.length;
  const counts = new Map<string, number>();
  for (const arm of arms) counts.set(arm, (counts.get(arm) ?? 0) + 1);
  const sumSquares = [...counts.values()].reduce((s, c) => s + c * c, 0);
  // Expected runs and variance for a random arrangement of the same multiset (generalised to k arms).
  const expected = 1 + (n * n - sumSquares) / n;
  const sumCubes = [...counts.values()].reduce((s, c) => s + c * c * c, 0);
  const variance = (sumSquares * (sumSquares + n * (n + 1)) - 2 * n * sumCubes - n * n * n) / (n * n * (n - 1));
  if (variance <= 0) return null;
  const z = (runs - expected) / Math.sqrt(variance);
  // Far fewer runs than chance: kit numbers come in blocks per arm. z < -4 happens by chance about 3 times in 100,000
  // lists, while a list grouped by arm scores far below it (about -12 for 180 kits); disjoint ranges are caught apart.
  return z < -4 ? { kind: 'kit_number_runs', runs, expectedRuns: Math.round(expected * 10) / 10, longestRun: longest, zScore: Math.round(z * 100) / 100 } : null;
}

function rangeFindings(kits: KitForAnalysis[]): RiskFinding[] {
  const byArm = new Map<string, string[]>();
  for (const k of kits) byArm.set(k.arm, [...(byArm.get(k.arm) ?? []), k.kitNumber]);
  if (byArm.size < 2) return [];
  const ranges = [...byArm.entries()].map(([arm, numbers]) => {
    const sorted = numbers.sort(compareKitNumbers);
    return { arm, from: sorted[0]!, to: sorted[sorted.length - 1]! };
  });
  // Disjoint ranges: knowing a kit's number is knowing its arm.
  const overlaps = ranges.some((a) => ranges.some((b) => a !== b && compareKitNumbers(a.from, b.to) <= 0 && compareKitNumbers(b.from, a.to) <= 0));
  return overlaps ? [] : ranges.map((r) => ({ kind: 'kit_number_ranges' as const, ...r }));
}

function armOnly<K extends 'lot' | 'expiryDate'>(kits: KitForAnalysis[], key: K): Array<{ value: string; arm: string; kits: number }> {
  const arms = new Map<string, Set<string>>();
  const counts = new Map<string, number>();
  for (const k of kits) {
    arms.set(k[key], (arms.get(k[key]) ?? new Set()).add(k.arm));
    counts.set(k[key], (counts.get(k[key]) ?? 0) + 1);
  }
  const distinctArms = new Set(kits.map((k) => k.arm)).size;
  if (distinctArms < 2) return [];
  return [...arms.entries()].filter(([, s]) => s.size === 1).map(([value, s]) => ({ value, arm: [...s][0]!, kits: counts.get(value)! }));
}

export function analyzeBlindingRisk(kits: KitForAnalysis[], studyCode: string): RiskAnalysis {
  const findings: RiskFinding[] = [];
  const runs = runsFinding(kits);
  if (runs) findings.push(runs);
  findings.push(...rangeFindings(kits));
  const lots = armOnly(kits, 'lot');
  const expiries = armOnly(kits, 'expiryDate');
  findings.push(...lots.map((l) => ({ kind: 'arm_only_lot' as const, lot: l.value, arm: l.arm, kits: l.kits })));
  findings.push(...expiries.map((e) => ({ kind: 'arm_only_expiry' as const, expiryDate: e.value, arm: e.arm, kits: e.kits })));
  const lotsReveal = lots.length > 0;
  const expiryReveals = expiries.length > 0;
  const earliest = kits.map((k) => k.expiryDate).sort()[0] ?? null;
  return {
    findings,
    lotsReveal,
    expiryReveals,
    // One blinded lot for the whole study's supply; the real lot stays sealed and reachable by the unblinded.
    blindedLot: lotsReveal ? `${studyCode.replace(/[^A-Z0-9]/gi, '')}-BL1` : null,
    // The earliest real expiry is the only common date that is never later than any kit's real one.
    commonUseBefore: expiryReveals ? earliest : null,
  };
}
