import { groupVersusRestPValue, logFactorials, runsTest } from './armStatistics';
import { isInKitNumberOrder, sortByKitNumber } from './kitOrder';

/**
 * The side-channel check of DESIGN.md section 3.4, run at import over all the study's kits (those already imported and
 * the new list): is anything a blinded person can see on a kit associated with its arm? What they can see: the kit
 * number (its order, its residues such as even/odd, the range it falls in), the lot and expiry date (hidden behind a
 * blinded lot and a common use-before date when they reveal), the GS1 serial and the GTIN (printed on the pack).
 *
 * Two kinds of evidence:
 * - certain: a lot, date or GTIN used by one arm only, or arms numbered in disjoint ranges. Flagged whatever the
 *   numbers (today's rule, kept: whoever learns one such kit's arm knows all of them);
 * - statistical: a group (a lot, a date, the kit numbers leaving remainder r when divided by m, a range of kit
 *   numbers...) whose arm mix differs from the mix of the study's kits as a whole, by Fisher's exact test of the
 *   group against the rest (armStatistics.ts), and a runs test along kit-number (and serial) order.
 *
 * The reference is the arm mix of the study's own kits, not the protocol's nominal ratio: when the supply as a whole
 * is, say, 1:1 in a 2:1 study, every kit looks alike and no lot can tell more than any other kit, so comparing each lot
 * with 2:1 would only blind every lot for nothing. With the usual supply at the study ratio the two are the same.
 *
 * False alarms are controlled for the whole analysis: at most FALSE_ALARM_RATE (0.2%) of well-shuffled lists get any
 * statistical finding at all. Half of that rate goes to lots and expiry dates (a quarter each): what they reveal is
 * hidden at once behind a blinded lot or date, so they get the more sensitive test, and a false alarm there costs only
 * a blinded lot on the labels. The other half is shared equally among the other families of tests that apply
 * (kit-number order, residues and ranges; serials; GTINs), whose findings are warnings to take to the sponsor. Within
 * a family the share is divided by its number of tests (Bonferroni: valid whatever the correlation between tests, such
 * as residues mod 2 and mod 4), so 100 residue classes do not make a skewed lot harder to see. Measured on random
 * lists (tests/unit/core/blindingRisk.test.ts), the real rate is lower still: Bonferroni and exact tests are cautious.
 */
export interface KitForAnalysis {
  kitNumber: string;
  arm: string;
  lot: string;
  expiryDate: string;
  gtin?: string | null;
  serial?: string | null;
}

/** An attribute printed as a number-like identifier, whose order and digits can carry a pattern. */
export type NumberAttribute = 'kit_number' | 'serial';
/** An attribute whose equal values form groups of kits. */
export type GroupAttribute = 'lot' | 'expiry_date' | 'gtin' | 'serial';
/** How many kits of each arm a group holds, and how many a group of its size would hold on average. */
export type ArmMix = Array<{ arm: string; kits: number; expected: number }>;

export type RiskFinding =
  | { kind: 'number_runs'; attribute: NumberAttribute; pattern: 'clustered' | 'alternating'; runs: number; expectedRuns: number; longestRun: number; zScore: number }
  | { kind: 'number_ranges'; attribute: NumberAttribute; arm: string; from: string; to: string }
  | { kind: 'number_residue'; attribute: NumberAttribute; modulus: number; residue: number; kits: number; mix: ArmMix }
  | { kind: 'number_block'; attribute: NumberAttribute; from: string; to: string; kits: number; mix: ArmMix }
  | { kind: 'arm_only_lot'; lot: string; arm: string; kits: number }
  | { kind: 'arm_only_expiry'; expiryDate: string; arm: string; kits: number }
  | { kind: 'arm_only_gtin'; gtin: string; arm: string; kits: number }
  | { kind: 'value_arm_mix'; attribute: GroupAttribute; value: string; kits: number; mix: ArmMix };

export interface RiskAnalysis {
  findings: RiskFinding[];
  /** True when lots must be hidden behind a blinded lot on labels and blinded screens. */
  lotsReveal: boolean;
  /** True when expiry dates must be hidden behind a common use-before date. */
  expiryReveals: boolean;
  blindedLot: string | null;
  commonUseBefore: string | null;
}

/** The chance that a well-shuffled list gets any statistical finding at all (at most one list in 500). */
export const FALSE_ALARM_RATE = 0.002;
/** The share of FALSE_ALARM_RATE given to each of the lot and expiry-date families; the rest is shared by the others. */
const HIDDEN_ATTRIBUTE_SHARE = FALSE_ALARM_RATE / 4;
/** Kit numbers are tested for residues modulo 2 to 12: even/odd, every third, last digit, blocks of 4, 6, 8, 12... */
const MODULI = [2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12];
/** The least common multiple of MODULI: a number's remainder by it gives its remainder by each of them. */
const LCM_OF_MODULI = 27_720;
/** Ranges of kit numbers are tested at every scale down to this many kits (halves, quarters, eighths...). */
const SMALLEST_BLOCK = 20;
/** A group of one kit cannot show a mix; it is the arm-only rule's business. */
const SMALLEST_GROUP = 2;

/** One group's test, before the thresholds are known; `span` is a range's first and last position in number order. */
interface Candidate {
  pValue: number;
  finding: RiskFinding;
  span?: [number, number];
}

/** The study's kits as arm indexes, with what every test needs: how many kits of each arm, and ln(n!). */
interface Population {
  arms: string[];
  armOf: Int32Array;
  armTotals: number[];
  logFact: Float64Array;
}

function roundTo(value: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}

function mixOf(population: Population, counts: readonly number[], size: number): ArmMix {
  const total = population.armOf.length;
  return population.arms.map((arm, a) => ({ arm, kits: counts[a]!, expected: roundTo((size * population.armTotals[a]!) / total, 1) }));
}

/**
 * The test of one group against the rest: for two arms one test (the two arms' counts say the same), for more arms
 * one per arm, the smallest p-value standing for the group (and every one of them counted by Bonferroni).
 */
function testGroup(population: Population, counts: readonly number[], size: number): { pValue: number; tests: number } {
  const total = population.armOf.length;
  const armsTested = population.arms.length === 2 ? 1 : population.arms.length;
  let pValue = 1;
  for (let a = 0; a < armsTested; a++) pValue = Math.min(pValue, groupVersusRestPValue(counts[a]!, size, population.armTotals[a]!, total, population.logFact));
  return { pValue, tests: armsTested };
}

/** A family of tests: what it found below its share of the false-alarm rate, Bonferroni-divided by its size. */
class Family {
  readonly candidates: Candidate[] = [];
  tests = 0;
  add(population: Population, counts: readonly number[], size: number, finding: () => RiskFinding, span?: [number, number]): void {
    const { pValue, tests } = testGroup(population, counts, size);
    this.tests += tests;
    // Only groups that could pass some threshold are kept; every test is counted all the same.
    if (pValue < FALSE_ALARM_RATE) this.candidates.push({ pValue, finding: finding(), ...(span ? { span } : {}) });
  }
  addTested(pValue: number, finding: () => RiskFinding): void {
    this.tests += 1;
    if (pValue < FALSE_ALARM_RATE) this.candidates.push({ pValue, finding: finding() });
  }
  significant(share: number): Candidate[] {
    return this.tests === 0 ? [] : this.candidates.filter((c) => c.pValue < share / this.tests).sort((a, b) => a.pValue - b.pValue);
  }
}

/** Groups kits by a value: per value, its kits' count per arm. Linear. */
function groupsBy(population: Population, values: ReadonlyArray<string | null>): Map<string, number[]> {
  const groups = new Map<string, number[]>();
  const arms = population.arms.length;
  for (let i = 0; i < values.length; i++) {
    const value = values[i]!;
    if (value === null) continue;
    let counts = groups.get(value);
    if (!counts) groups.set(value, (counts = new Array<number>(arms).fill(0)));
    counts[population.armOf[i]!]!++;
  }
  return groups;
}

/** Lots, expiry dates and GTINs: a value of one arm only is certain (the arm-only rule); a shared one is tested. */
function groupFindings(population: Population, attribute: 'lot' | 'expiry_date' | 'gtin', values: ReadonlyArray<string | null>, family: Family): RiskFinding[] {
  const certain: RiskFinding[] = [];
  const groups = [...groupsBy(population, values)].map(([value, counts]) => ({ value, counts, size: counts.reduce((s, c) => s + c, 0) }));
  const mixed = groups.filter((g) => {
    const armsPresent = g.counts.filter((c) => c > 0).length;
    if (armsPresent > 1) return true;
    const arm = population.arms[g.counts.findIndex((c) => c > 0)]!;
    if (attribute === 'lot') certain.push({ kind: 'arm_only_lot', lot: g.value, arm, kits: g.size });
    else if (attribute === 'expiry_date') certain.push({ kind: 'arm_only_expiry', expiryDate: g.value, arm, kits: g.size });
    else certain.push({ kind: 'arm_only_gtin', gtin: g.value, arm, kits: g.size });
    return false;
  });
  // Two values split the kits in two: testing one against the other is one test, whichever is named.
  const tested = groups.length === 2 ? (mixed.length === 2 ? [mixed[0]!.size <= mixed[1]!.size ? mixed[0]! : mixed[1]!] : []) : mixed;
  for (const { value, counts, size } of tested) {
    // A group of one kit shows no mix; a group of every kit has no rest to differ from.
    if (size < SMALLEST_GROUP || size === population.armOf.length) continue;
    family.add(population, counts, size, () => ({ kind: 'value_arm_mix', attribute, value, kits: size, mix: mixOf(population, counts, size) }));
  }
  return certain;
}

interface NumberFamilies {
  order: Family;
  residues: Family;
  blocks: Family;
  /** For serials: a serial shared by several packs, and packs without one, are groups tested like lots. */
  repeats?: Family;
}

/**
 * The kits that carry an identifier, in number order: their arms position by position, and which kit stands at each
 * position (identifiers are read through `identifierAt`, not copied into number order: a 50,000-kit copy in a random
 * order of memory costs more than the few reads that need it).
 */
interface Ordered {
  arms: Int32Array;
  /** The kit (its index in the study's kits) at each position. */
  order: readonly number[];
  /** Each kit's identifier by kit index, null where it has none. */
  values: ReadonlyArray<string | null>;
  /** The same arms' totals over these kits only (e.g. the kits that have a serial). */
  population: Population;
}

function identifierAt(ordered: Ordered, position: number): string {
  return ordered.values[ordered.order[position]!]!;
}

/** Disjoint ranges per arm (certain), the runs test along the order, and ranges of numbers at every scale. */
function orderFindings(attribute: NumberAttribute, ordered: Ordered, families: NumberFamilies): RiskFinding[] {
  const { arms, population } = ordered;
  const armCount = population.arms.length;
  const certain: RiskFinding[] = [];

  // Disjoint ranges: the number alone tells the arm.
  const first = new Array<number>(armCount).fill(-1);
  const last = new Array<number>(armCount).fill(-1);
  for (let position = 0; position < arms.length; position++) {
    const a = arms[position]!;
    if (first[a] === -1) first[a] = position;
    last[a] = position;
  }
  const present = [...Array(armCount).keys()].filter((a) => first[a] !== -1);
  const disjoint = present.length >= 2 && present.every((a) => present.every((b) => a === b || last[a]! < first[b]! || last[b]! < first[a]!));
  if (disjoint) for (const a of present) certain.push({ kind: 'number_ranges', attribute, arm: population.arms[a]!, from: identifierAt(ordered, first[a]!), to: identifierAt(ordered, last[a]!) });

  const runs = runsTest(arms);
  if (runs) {
    families.order.addTested(runs.pValue, () => ({
      kind: 'number_runs',
      attribute,
      pattern: runs.zScore < 0 ? 'clustered' : 'alternating',
      runs: runs.runs,
      expectedRuns: roundTo(runs.expectedRuns, 1),
      longestRun: runs.longestRun,
      zScore: roundTo(runs.zScore, 2),
    }));
  }

  // Ranges of consecutive numbers at every scale (halves, quarters, ... down to SMALLEST_BLOCK kits), from prefix
  // counts per arm, so each range costs constant time.
  const prefix = Array.from({ length: armCount }, () => new Int32Array(arms.length + 1));
  for (let position = 0; position < arms.length; position++) {
    for (let a = 0; a < armCount; a++) prefix[a]![position + 1] = prefix[a]![position]! + (arms[position] === a ? 1 : 0);
  }
  for (let parts = 2; arms.length / parts >= SMALLEST_BLOCK; parts *= 2) {
    // The two halves are one split: the first is tested.
    for (let p = 0; p < (parts === 2 ? 1 : parts); p++) {
      const from = Math.floor((p * arms.length) / parts);
      const to = Math.floor(((p + 1) * arms.length) / parts);
      const counts = prefix.map((column) => column[to]! - column[from]!);
      families.blocks.add(
        population,
        counts,
        to - from,
        () => ({ kind: 'number_block', attribute, from: identifierAt(ordered, from), to: identifierAt(ordered, to - 1), kits: to - from, mix: mixOf(population, counts, to - from) }),
        [from, to - 1],
      );
    }
  }
  return certain;
}

/**
 * Each residue class of the trailing digits ("SN001234": 1234) modulo 2..12 against the rest. The digits are read
 * modulo 27,720 (the least common multiple of 2..12, so exact for numbers of any length), then counted per modulus,
 * residue and arm in one flat table. Only when every identifier ends in digits (a mix would compare unlike numbers).
 * A residue does not depend on order: the kits are read in their own order, which is the order of memory.
 */
function residueFindings(attribute: NumberAttribute, ordered: Ordered, family: Family, study: Population): void {
  const { values, population } = ordered;
  const kitCount = ordered.order.length;
  const armCount = population.arms.length;
  const offsets = MODULI.map((_, mi) => MODULI.slice(0, mi).reduce((sum, m) => sum + m, 0));
  const counts = new Int32Array(MODULI.reduce((sum, m) => sum + m, 0) * armCount);
  for (let kit = 0; kit < values.length; kit++) {
    const id = values[kit];
    if (id === null || id === undefined) continue;
    let start = id.length;
    while (start > 0 && id.charCodeAt(start - 1) >= 48 && id.charCodeAt(start - 1) <= 57) start--;
    if (start === id.length) return;
    let r = 0;
    for (let d = start; d < id.length; d++) r = (r * 10 + id.charCodeAt(d) - 48) % LCM_OF_MODULI;
    const a = study.armOf[kit]!;
    for (let mi = 0; mi < MODULI.length; mi++) counts[(offsets[mi]! + (r % MODULI[mi]!)) * armCount + a]!++;
  }
  MODULI.forEach((modulus, mi) => {
    // Even and odd are one split: modulo 2, one class is tested.
    for (let residue = 0; residue < (modulus === 2 ? 1 : modulus); residue++) {
      const at = (offsets[mi]! + residue) * armCount;
      const classCounts = Array.from(counts.subarray(at, at + armCount));
      const size = classCounts.reduce((sum, c) => sum + c, 0);
      if (size < SMALLEST_GROUP || size === kitCount) continue;
      family.add(population, classCounts, size, () => ({ kind: 'number_residue', attribute, modulus, residue, kits: size, mix: mixOf(population, classCounts, size) }));
    }
  });
}

/**
 * Serials: one printed on several packs, and packs without one, are groups tested like lots. Equal serials sit next
 * to each other once sorted, so they are found without a map of every serial.
 */
function repeatedSerialFindings(population: Population, ordered: Ordered, family: Family): void {
  const { arms } = ordered;
  const kitCount = ordered.order.length;
  const armCount = population.arms.length;
  for (let from = 0, to = 1; from < kitCount; from = to, to = from + 1) {
    const value = identifierAt(ordered, from);
    while (to < kitCount && identifierAt(ordered, to) === value) to++;
    if (to - from < SMALLEST_GROUP || to - from === population.armOf.length) continue;
    const counts = new Array<number>(armCount).fill(0);
    for (let position = from; position < to; position++) counts[arms[position]!]!++;
    family.add(population, counts, to - from, () => ({ kind: 'value_arm_mix', attribute: 'serial', value, kits: to - from, mix: mixOf(population, counts, to - from) }));
  }
  const missing = population.armOf.length - kitCount;
  if (missing >= SMALLEST_GROUP) {
    const counts = population.armTotals.map((total, a) => total - ordered.population.armTotals[a]!);
    family.add(population, counts, missing, () => ({ kind: 'value_arm_mix', attribute: 'serial', value: '', kits: missing, mix: mixOf(population, counts, missing) }));
  }
}

/**
 * Kit numbers (or serials): sorted once (compareKitNumbers' order), then tested for order, residues and, for serials,
 * repeats. Serials often follow kit numbers (printed in the same run): then their order is the kit-number order,
 * already tested for runs and ranges, and only what is their own (residues, repeats) is tested, without a second sort.
 */
function numberFindings(
  population: Population,
  attribute: NumberAttribute,
  values: ReadonlyArray<string | null>,
  families: NumberFamilies,
  kitNumberOrder?: readonly number[],
): { certain: RiskFinding[]; order: readonly number[] } {
  let present = 0;
  for (let i = 0; i < values.length; i++) if (values[i] !== null) present++;
  if (present === 0) return { certain: [], order: [] };
  const kits = new Array<number>(present);
  for (let i = 0, k = 0; i < values.length; i++) if (values[i] !== null) kits[k++] = i;
  const followsKitNumbers = kitNumberOrder !== undefined && kits.length === kitNumberOrder.length && isInKitNumberOrder(kitNumberOrder.map((kit) => values[kit]!));
  const order = followsKitNumbers ? kitNumberOrder : sortByKitNumber(kits, (i) => values[i]!);
  // Plain loops fill typed arrays here: TypedArray.from with a mapping function takes V8's slow, generic path.
  const arms = new Int32Array(order.length);
  for (let position = 0; position < order.length; position++) arms[position] = population.armOf[order[position]!]!;
  const ordered: Ordered = {
    arms,
    order,
    values,
    population: kits.length === population.armOf.length ? population : subPopulation(population, arms),
  };
  const certain = followsKitNumbers ? [] : orderFindings(attribute, ordered, families);
  residueFindings(attribute, ordered, families.residues, population);
  if (families.repeats) repeatedSerialFindings(population, ordered, families.repeats);
  return { certain, order };
}

/** The same arms restricted to some kits (e.g. those with a serial), given their arms: totals recounted, ln(n!) shared. */
function subPopulation(population: Population, armOf: Int32Array): Population {
  const armTotals = new Array<number>(population.arms.length).fill(0);
  for (const a of armOf) armTotals[a]!++;
  return { arms: population.arms, armOf, armTotals, logFact: population.logFact };
}

/** Of the residue findings, those not explained by a smaller modulus dividing theirs (odd numbers are also 1 mod 4). */
function simplestResidues(found: Candidate[]): Candidate[] {
  const moduli = new Set(found.map((c) => (c.finding as Extract<RiskFinding, { kind: 'number_residue' }>).modulus));
  const kept = new Map<number, Candidate>();
  for (const c of found) {
    const { modulus } = c.finding as Extract<RiskFinding, { kind: 'number_residue' }>;
    if ([...moduli].some((d) => d < modulus && modulus % d === 0)) continue;
    if (!kept.has(modulus)) kept.set(modulus, c); // found is sorted by p-value: the clearest class of each modulus
  }
  return [...kept.values()];
}

/** Of the range findings, the clearest ones that do not overlap (a skewed quarter also skews its half), at most 3. */
function separateBlocks(found: Candidate[]): Candidate[] {
  const kept: Candidate[] = [];
  for (const c of found) {
    const [from, to] = c.span!;
    if (kept.some((k) => from <= k.span![1] && k.span![0] <= to)) continue;
    kept.push(c);
    if (kept.length === 3) break;
  }
  return kept.sort((a, b) => a.span![0] - b.span![0]);
}

export function analyzeBlindingRisk<Kit extends KitForAnalysis>(kits: readonly Kit[], studyCode: string, options: { dispensable?: (kit: Kit) => boolean } = {}): RiskAnalysis {
  const arms = [...new Set(kits.map((k) => k.arm))].sort();
  const armIndex = new Map(arms.map((arm, i) => [arm, i]));
  const armOf = new Int32Array(kits.length);
  for (let i = 0; i < kits.length; i++) armOf[i] = armIndex.get(kits[i]!.arm)!;
  const armTotals = arms.map(() => 0);
  for (const a of armOf) armTotals[a]!++;
  const population: Population = { arms, armOf, armTotals, logFact: logFactorials(kits.length) };
  const findings: RiskFinding[] = [];
  let lotsReveal = false;
  let expiryReveals = false;

  if (arms.length >= 2) {
    const familyOf: Record<string, Family> = {};
    const family = (name: string) => (familyOf[name] ??= new Family());
    const certain: RiskFinding[] = [];
    const numberFamilies = (attribute: NumberAttribute) => ({ order: family(`${attribute} order`), residues: family(`${attribute} residues`), blocks: family(`${attribute} blocks`) });
    const byKitNumber = numberFindings(population, 'kit_number', kits.map((k) => k.kitNumber), numberFamilies('kit_number'));
    const bySerial = numberFindings(population, 'serial', kits.map((k) => k.serial ?? null), { ...numberFamilies('serial'), repeats: family('serial values') }, byKitNumber.order);
    certain.push(...byKitNumber.certain, ...bySerial.certain);
    const groupAttributes: Array<['lot' | 'expiry_date' | 'gtin', ReadonlyArray<string | null>]> = [
      ['lot', kits.map((k) => k.lot)],
      ['expiry_date', kits.map((k) => k.expiryDate)],
      // Kits without a GTIN form a group too: a GTIN on one arm's packs only would tell the arm.
      ['gtin', kits.map((k) => k.gtin ?? '')],
    ];
    for (const [attribute, values] of groupAttributes) certain.push(...groupFindings(population, attribute, values, family(`${attribute} values`)));

    const hidden = new Set(['lot values', 'expiry_date values']);
    const others = Object.entries(familyOf).filter(([name, f]) => f.tests > 0 && !hidden.has(name));
    const shareOf = (name: string) => (hidden.has(name) ? HIDDEN_ATTRIBUTE_SHARE : (FALSE_ALARM_RATE - 2 * HIDDEN_ATTRIBUTE_SHARE) / Math.max(1, others.length));
    const found = new Map(Object.entries(familyOf).map(([name, f]) => [name, f.significant(shareOf(name))]));
    const statistical: RiskFinding[] = [];
    for (const attribute of ['kit_number', 'serial'] as const) {
      statistical.push(...(found.get(`${attribute} order`) ?? []).map((c) => c.finding));
      statistical.push(...simplestResidues(found.get(`${attribute} residues`) ?? []).map((c) => c.finding));
      // Disjoint ranges already say more than any range test.
      if (!certain.some((f) => f.kind === 'number_ranges' && f.attribute === attribute)) {
        statistical.push(...separateBlocks(found.get(`${attribute} blocks`) ?? []).map((c) => c.finding));
      }
    }
    for (const attribute of ['lot', 'expiry_date', 'gtin', 'serial'] as const) statistical.push(...(found.get(`${attribute} values`) ?? []).map((c) => c.finding));

    // What the numbers say first (Veil cannot hide it), then lots, dates, GTINs and serials.
    findings.push(...certain.filter((f) => f.kind === 'number_ranges'), ...statistical.filter((f) => f.kind !== 'value_arm_mix'));
    findings.push(...certain.filter((f) => f.kind !== 'number_ranges'), ...statistical.filter((f) => f.kind === 'value_arm_mix'));
    lotsReveal = findings.some((f) => f.kind === 'arm_only_lot' || (f.kind === 'value_arm_mix' && f.attribute === 'lot'));
    expiryReveals = findings.some((f) => f.kind === 'arm_only_expiry' || (f.kind === 'value_arm_mix' && f.attribute === 'expiry_date'));
  }

  // Every kit a blinded person can see counts for the side channels above, but the common date is the earliest real
  // expiry of the stock still to be dispensed only (issue 11.1): a kit already expired, or held, must not pull every
  // label back to its date. With no dispensable kit at all, the earliest of all keeps one date for every kit.
  const earliest = commonUseBeforeOf(kits, options.dispensable) ?? commonUseBeforeOf(kits);
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

/** The earliest real expiry of `kits` (of those `counted`, when given): the only common date never later than any of their real ones. */
export function commonUseBeforeOf<Kit extends { expiryDate: string }>(kits: readonly Kit[], counted?: (kit: Kit) => boolean): string | null {
  let earliest: string | null = null;
  for (const k of kits) if ((earliest === null || k.expiryDate < earliest) && (!counted || counted(k))) earliest = k.expiryDate;
  return earliest;
}
