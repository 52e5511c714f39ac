/**
 * The statistics of the blinding risk analysis (blindingRisk.ts), kept apart so each test can be read and checked on
 * its own. Everything here is exact or uses a normal approximation only where n is large, and every function is
 * linear (or better) in the number of kits, so a 50,000-kit list is checked in about the time it takes to parse.
 */

/** ln(i!) for i = 0..n, built once per analysis (an exact running sum: no approximation of the gamma function). */
export function logFactorials(n: number): Float64Array {
  const table = new Float64Array(n + 1);
  for (let i = 2; i <= n; i++) table[i] = table[i - 1]! + Math.log(i);
  return table;
}

/**
 * Two-sided p-value of Fisher's exact test for one group against the rest: among `population` kits, `armTotal` are of
 * one arm; a group of `groupSize` kits (one lot, one expiry date, the even kit numbers, one range of numbers...) holds
 * `observed` of them. If the group were picked without regard to arm, `observed` would follow the hypergeometric law;
 * the p-value is twice the probability of a count at least as far out on the observed side (capped at 1).
 *
 * Why this test: it conditions on what the sponsor's list fixes anyway (how many kits each arm has, how many kits
 * each group has), so it needs no assumed ratio, and it is exact for the small lots and dates of a site's stock, where
 * a chi-square approximation would cry wolf. The tail is summed from the observed count outwards and stops when the
 * terms no longer change the sum, so its cost is a few standard deviations of terms, not the group's size.
 */
export function groupVersusRestPValue(observed: number, groupSize: number, armTotal: number, population: number, logFact: Float64Array): number {
  const logChoose = (n: number, k: number) => logFact[n]! - logFact[k]! - logFact[n - k]!;
  const low = Math.max(0, groupSize - (population - armTotal));
  const high = Math.min(groupSize, armTotal);
  if (observed < low || observed > high || low === high) return 1;
  const logPmf = (x: number) => logChoose(armTotal, x) + logChoose(population - armTotal, groupSize - x) - logChoose(population, groupSize);
  const mean = (groupSize * armTotal) / population;
  let term = Math.exp(logPmf(observed));
  let tail = term;
  if (observed >= mean) {
    // P(X >= observed): pmf(x + 1) / pmf(x) = (K - x)(n - x) / ((x + 1)(N - K - n + x + 1)).
    for (let x = observed; x < high; x++) {
      term *= ((armTotal - x) * (groupSize - x)) / ((x + 1) * (population - armTotal - groupSize + x + 1));
      tail += term;
      if (term <= tail * 1e-17) break;
    }
  } else {
    // P(X <= observed): pmf(x - 1) / pmf(x) = x(N - K - n + x) / ((K - x + 1)(n - x + 1)).
    for (let x = observed; x > low; x--) {
      term *= (x * (population - armTotal - groupSize + x)) / ((armTotal - x + 1) * (groupSize - x + 1));
      tail += term;
      if (term <= tail * 1e-17) break;
    }
  }
  return Math.min(1, 2 * tail);
}

/**
 * P(Z > z) for a standard normal Z: the complementary error function of Numerical Recipes (erfcc), whose relative
 * error is below 1.2e-7 everywhere, deep tails included (the tests below compare p-values with thresholds near 1e-5).
 */
export function normalUpperTail(z: number): number {
  const x = Math.abs(z) / Math.SQRT2;
  const t = 1 / (1 + 0.5 * x);
  const erfc =
    t *
    Math.exp(
      -x * x -
        1.26551223 +
        t * (1.00002368 + t * (0.37409196 + t * (0.09678418 + t * (-0.18628806 + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277)))))))),
    );
  return z >= 0 ? erfc / 2 : 1 - erfc / 2;
}

export interface RunsTest {
  runs: number;
  expectedRuns: number;
  longestRun: number;
  zScore: number;
  /** Two-sided: too few runs (arms clustered) and too many (arms alternating in a pattern) are both leaks. */
  pValue: number;
}

/**
 * The Wald-Wolfowitz runs test, generalised to any number of arms: in kit-number order, does the arm change from one
 * kit to the next as often as it would in a random arrangement of the same kits? Expected runs and their variance are
 * those of a random permutation of the same multiset of arms; with n >= 20 the count of runs is close to normal.
 */
export function runsTest(armSequence: ArrayLike<number>): RunsTest | null {
  const n = armSequence.length;
  if (n < 20) return null;
  let runs = 1;
  let longestRun = 1;
  let current = 1;
  const counts = new Map<number, number>([[armSequence[0]!, 1]]);
  for (let i = 1; i < n; i++) {
    const arm = armSequence[i]!;
    counts.set(arm, (counts.get(arm) ?? 0) + 1);
    if (arm === armSequence[i - 1]) current++;
    else {
      runs++;
      current = 1;
    }
    longestRun = Math.max(longestRun, current);
  }
  if (counts.size < 2) return null;
  let sumSquares = 0;
  let sumCubes = 0;
  for (const c of counts.values()) {
    sumSquares += c * c;
    sumCubes += c * c * c;
  }
  const expected = 1 + (n * n - sumSquares) / n;
  const variance = (sumSquares * (sumSquares + n * (n + 1)) - 2 * n * sumCubes - n * n * n) / (n * n * (n - 1));
  if (!(variance > 0)) return null;
  const zScore = (runs - expected) / Math.sqrt(variance);
  return { runs, expectedRuns: expected, longestRun, zScore, pValue: Math.min(1, 2 * normalUpperTail(Math.abs(zScore))) };
}
