/**
 * The blinding leak detector: given what a blinded person could see (channel answers, page text, exported files) and
 * the sponsor's truth (which kit and which randomization number belongs to which arm), it finds
 * - any arm code or arm name, in any case, once the study's shared blinded wording ("dupilumab 300 mg/2 mL or
 *   placebo") is set aside;
 * - any kit-to-arm or patient-to-arm fact: a field whose value differs between arms for the kits or patients it
 *   describes (a real lot shown for an arm-only lot, an expiry per arm, a flag), or a list whose order groups arms.
 * It knows nothing about Veil's screens or channels, so a new channel or screen is covered by feeding it its output.
 */
export interface SponsorTruth {
  armWords: string[];
  sharedBlindedPhrases: string[];
  /** Kit number or randomization number → arm code. */
  armOf: Map<string, string>;
}

export interface Leak {
  where: string;
  kind: 'arm_word' | 'separating_field' | 'arm_ordering';
  detail: string;
}

function stripShared(text: string, truth: SponsorTruth): string {
  let out = text.toLowerCase();
  for (const phrase of truth.sharedBlindedPhrases) out = out.split(phrase.toLowerCase()).join(' ');
  return out;
}

export function findArmWords(where: string, text: string, truth: SponsorTruth): Leak[] {
  const haystack = stripShared(text, truth);
  return truth.armWords
    .filter((word) => {
      const needle = word.toLowerCase();
      // Whole words only: "PLACEBO" inside a longer identifier still counts, a letter run inside another word does not.
      return new RegExp(`(^|[^a-z0-9])${needle.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}($|[^a-z0-9])`).test(haystack);
    })
    .map((word) => ({ where, kind: 'arm_word' as const, detail: `mentions "${word}"` }));
}

const PATIENT_FIELDS = new Set(['patient', 'patientId', 'screeningNumber', 'randomizationNumber', 'patientInitials', 'initials']);

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** Objects that carry exactly one known kit or randomization number, with their other scalar fields. */
function subjects(value: Json, truth: SponsorTruth, out: Array<{ id: string; unit: string; fields: Record<string, string> }> = []) {
  if (Array.isArray(value)) value.forEach((v) => subjects(v, truth, out));
  else if (value && typeof value === 'object') {
    const scalars = Object.entries(value).filter(([, v]) => v === null || typeof v !== 'object') as Array<[string, Json]>;
    const ids = scalars.filter(([, v]) => typeof v === 'string' && truth.armOf.has(v)).map(([, v]) => v as string);
    if (ids.length === 1) {
      const fields: Record<string, string> = {};
      for (const [k, v] of scalars) if (v !== ids[0]) fields[k] = JSON.stringify(v);
      // The patient a kit went to, when the object names one: that patient's kits are one observation of an arm.
      const patient = scalars.find(([k, v]) => PATIENT_FIELDS.has(k) && v !== null && v !== ids[0]);
      out.push({ id: ids[0]!, unit: patient ? `patient ${patient[0]}=${JSON.stringify(patient[1])}` : ids[0]!, fields });
    }
    Object.values(value).forEach((v) => subjects(v, truth, out));
  }
  return out;
}

/**
 * How unlikely a field's split by arm must be before it is called a leak: the probability that arms dealt at random to
 * the same units (the same number per arm) would split the field's values as cleanly. The harness judges every field of
 * a few hundred answers per run, nearly all far from a clean split; at 1e-5 a chance split is not worth a false alarm,
 * while a field that follows the arm over a real list is still caught (a per-patient flag over NS-DUPI's 24 patients,
 * 16 and 8: 1.4e-6; the real lot over the demo's 180 kits: far smaller). Three patients of each arm split cleanly one
 * time in ten: that alone failed two runs of stop 39 (random demo lists).
 */
const SPLIT_BY_CHANCE = 1e-5;

/**
 * The probability that arms dealt at random to the units, as many per arm as observed, leave every group of units
 * that share a value (joined when a unit has several values) on one arm: the number of ways to give each group one
 * arm with the arms' sizes, over the number of ways to deal the arms. Exact, in integers.
 */
export function chanceOfCleanSplit(groupSizes: readonly number[], armSizes: readonly number[]): number {
  // ways[state] = ways to give the groups seen so far an arm each, `state` holding how many units each arm has taken.
  let ways = new Map<string, bigint>([[armSizes.map(() => 0).join(','), 1n]]);
  for (const size of groupSizes) {
    const next = new Map<string, bigint>();
    for (const [state, n] of ways) {
      const taken = state.split(',').map(Number);
      taken.forEach((t, arm) => {
        if (t + size > armSizes[arm]!) return;
        const key = taken.map((x, i) => (i === arm ? x + size : x)).join(',');
        next.set(key, (next.get(key) ?? 0n) + n);
      });
    }
    ways = next;
  }
  const clean = ways.get(armSizes.join(',')) ?? 0n;
  // Ways to deal the arms: n! / (m1! m2! ...).
  const factorial = (k: number) => Array.from({ length: k }, (_, i) => BigInt(i + 1)).reduce((a, b) => a * b, 1n);
  const dealt = factorial(armSizes.reduce((a, b) => a + b, 0)) / armSizes.reduce((a, m) => a * factorial(m), 1n);
  // Scaled to keep the precision of a small ratio of large integers.
  return Number((clean * 10n ** 18n) / dealt) / 1e18;
}

/** Groups of units that share a value of a field (a unit with several values joins their groups), by size. */
function groupsOfUnits(values: ReadonlyArray<{ unit: string; value: string }>): number[] {
  const parent = new Map<string, string>();
  const find = (x: string): string => {
    let root = x;
    while (parent.get(root) !== root) root = parent.get(root)!;
    parent.set(x, root);
    return root;
  };
  const join = (a: string, b: string) => parent.set(find(a), find(b));
  for (const { unit, value } of values) {
    for (const node of [`u:${unit}`, `v:${value}`]) if (!parent.has(node)) parent.set(node, node);
    join(`u:${unit}`, `v:${value}`);
  }
  const sizes = new Map<string, number>();
  for (const node of parent.keys()) if (node.startsWith('u:')) sizes.set(find(node), (sizes.get(find(node)) ?? 0) + 1);
  return [...sizes.values()];
}

/**
 * A field separates arms when, over subjects of at least two arms (three or more of each), every value of the field
 * is seen with one arm only, and arms dealt at random would rarely split it so (SPLIT_BY_CHANCE). Such a field tells a blinded reader the arm of a kit or patient by inspection.
 * Subjects are counted by patient where the object names one: kits of one patient share its arm by design, so six
 * returned kits of two patients are two observations, and a field that merely follows the patient (the condition
 * of that patient's returns) splits two patients by arm by chance one time in two. Counted by kit, the monitor's
 * verified returns of a small random demo failed CI once (stop 25).
 */
export function findSeparatingFields(where: string, value: unknown, truth: SponsorTruth): Leak[] {
  const found = subjects(value as Json, truth);
  const leaks: Leak[] = [];
  // Kits given to one patient share that patient's arm: that is the trial itself, known to every blinded user, so a
  // field naming the patient is not a leak (nothing in it says which arm).
  const fieldNames = new Set(found.flatMap((s) => Object.keys(s.fields)).filter((f) => !PATIENT_FIELDS.has(f)));
  for (const field of fieldNames) {
    const withField = found.filter((s) => field in s.fields);
    const armsPerValue = new Map<string, Set<string>>();
    const unitsPerArm = new Map<string, Set<string>>();
    for (const s of withField) {
      const arm = truth.armOf.get(s.id)!;
      unitsPerArm.set(arm, (unitsPerArm.get(arm) ?? new Set()).add(s.unit));
      armsPerValue.set(s.fields[field]!, (armsPerValue.get(s.fields[field]!) ?? new Set()).add(arm));
    }
    const enough = [...unitsPerArm.values()].filter((units) => units.size >= 3).length >= 2;
    const distinctValues = armsPerValue.size;
    // Near-unique fields (ids, timestamps, years of birth) trivially "separate" small groups; a field is a leak when
    // its values are shared, on average, by two units or more and still never cross arms. Units, not kits: the kits
    // of one dispensing share its time, which follows the patient, not the arm (failed the PostgreSQL run of stop 39).
    const units = new Set(withField.map((s) => s.unit)).size;
    const shared = units >= 2 * distinctValues;
    if (enough && shared && distinctValues > 1 && [...armsPerValue.values()].every((arms) => arms.size === 1)) {
      // A clean split over a few patients happens by chance (three and three: one time in ten): judged by how rare.
      const groups = groupsOfUnits(withField.map((s) => ({ unit: s.unit, value: s.fields[field]! })));
      const chance = chanceOfCleanSplit(groups, [...unitsPerArm.values()].map((u) => u.size));
      if (chance < SPLIT_BY_CHANCE) leaks.push({ where, kind: 'separating_field', detail: `field "${field}" takes one value per arm` });
    }
  }
  return leaks;
}

/**
 * The false-alarm probability allowed for one list: a list is "grouped by arm" when a random order would give so few
 * runs of one arm with probability below this. The channel harness tests about 20 lists of 10 or more on the demo (counted
 * in `orderingTests`, printed by the leak test): under 1 false alarm in 2,000 runs. It catches a list sorted by arm
 * from about 22 kits or patients at 2:1 (2 runs: p = 2 / C(n, n/3)), so every list the demo could leak through (180
 * kits, 24 patients). The first version flagged z < -3 on the normal approximation: 5 runs in 8 + 15 returned kits
 * (exact p = 0.0023) failed CI once by chance.
 */
export const ARM_ORDERING_FALSE_ALARM = 1e-5;

/** How many lists were tested for arm ordering since the process started (reported by the leak test). */
export const orderingTests = { lists: 0 };

function choose(n: number, k: number): number {
  let r = 1;
  for (let i = 0; i < k; i++) r = (r * (n - i)) / (i + 1);
  return r;
}

/** Exact P(R <= runs) for a random order of n1 items of one kind and n2 of the other (Wald-Wolfowitz). */
function twoKindRunsAtMost(n1: number, n2: number, runs: number): number {
  const total = choose(n1 + n2, n1);
  let p = 0;
  for (let r = 2; r <= runs; r++) {
    const k = Math.floor(r / 2);
    p +=
      r % 2 === 0
        ? (2 * choose(n1 - 1, k - 1) * choose(n2 - 1, k - 1)) / total
        : (choose(n1 - 1, k) * choose(n2 - 1, k - 1) + choose(n1 - 1, k - 1) * choose(n2 - 1, k)) / total;
  }
  return p;
}

/** Lower tail of the standard normal (Abramowitz-Stegun 7.1.26 erfc, error < 1.5e-7: ample at 1e-5). */
function normalLowerTail(z: number): number {
  const x = Math.abs(z) / Math.SQRT2;
  const t = 1 / (1 + 0.3275911 * x);
  const erfc = t * (0.254829592 + t * (-0.284496736 + t * (1.421413741 + t * (-1.453152027 + t * 1.061405429)))) * Math.exp(-x * x);
  return z < 0 ? erfc / 2 : 1 - erfc / 2;
}

/**
 * The probability that a random order of these arms has this few runs or fewer: exact for two arms (NS-DUPI), the
 * normal approximation with a continuity correction for three or more.
 */
export function armRunsProbability(arms: string[]): { runs: number; expected: number; p: number } {
  let runs = 1;
  for (let i = 1; i < arms.length; i++) if (arms[i] !== arms[i - 1]) runs++;
  const n = arms.length;
  const counts = [...arms.reduce((m, a) => m.set(a, (m.get(a) ?? 0) + 1), new Map<string, number>()).values()];
  const s2 = counts.reduce((s, c) => s + c * c, 0);
  const s3 = counts.reduce((s, c) => s + c * c * c, 0);
  const expected = 1 + (n * n - s2) / n;
  if (counts.length < 2) return { runs, expected, p: 1 };
  if (counts.length === 2) return { runs, expected, p: twoKindRunsAtMost(counts[0]!, counts[1]!, runs) };
  const variance = (s2 * (s2 + n * (n + 1)) - 2 * n * s3 - n * n * n) / (n * n * (n - 1));
  return { runs, expected, p: variance > 0 ? normalLowerTail((runs + 0.5 - expected) / Math.sqrt(variance)) : 1 };
}

/**
 * Lists of kits or patients whose order groups them by arm far beyond chance (fewer runs of one arm than a random
 * order gives with probability ARM_ORDERING_FALSE_ALARM). Only lists that name each kit or patient once are lists of
 * kits: a log (the audit trail) names a kit at each of its steps, and the kits of one dispensing sit together there
 * because they were given together, which every blinded user knows.
 */
export function findArmOrdering(where: string, value: unknown, truth: SponsorTruth): Leak[] {
  const leaks: Leak[] = [];
  const visit = (v: Json) => {
    if (Array.isArray(v)) {
      const ids = v
        .map((item) => (typeof item === 'string' ? item : item && typeof item === 'object' && !Array.isArray(item) ? subjects(item, truth)[0]?.id : undefined))
        .filter((id): id is string => typeof id === 'string' && truth.armOf.has(id));
      const arms = ids.map((id) => truth.armOf.get(id)!);
      if (arms.length >= 10 && new Set(ids).size === ids.length) {
        orderingTests.lists++;
        const { runs, expected, p } = armRunsProbability(arms);
        if (p < ARM_ORDERING_FALSE_ALARM) {
          leaks.push({
            where,
            kind: 'arm_ordering',
            detail: `a list of ${arms.length} kits or patients is grouped by arm (${runs} runs, ${expected.toFixed(1)} expected, p = ${p.toExponential(1)})`,
          });
        }
      }
      v.forEach(visit);
    } else if (v && typeof v === 'object') Object.values(v).forEach(visit);
  };
  visit(value as Json);
  return leaks;
}

export function inspect(where: string, value: unknown, truth: SponsorTruth): Leak[] {
  const text = typeof value === 'string' ? value : JSON.stringify(value);
  return [
    ...findArmWords(where, text, truth),
    ...(typeof value === 'string' ? [] : [...findSeparatingFields(where, value, truth), ...findArmOrdering(where, value, truth)]),
  ];
}
