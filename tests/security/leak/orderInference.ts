import { compareKitNumbers } from '../../../shared/allocation/kitOrder';

/**
 * The attack of issue 10, finding 1, as a blinded reader would run it on what Veil shows them: the order in which
 * kits left the shelf. If the pharmacy always takes the lowest kit number of the patient's arm, then "P got kit k
 * while a lower kit j was still on the shelf, and j later went to Q" means P and Q are in different arms. Those
 * "differ" links two-colour the patients; the 2:1 ratio names the colours.
 *
 * The attacker here is stronger than a plain two-colouring: when the links contradict each other (as they do once
 * the order is random), it keeps the colouring that satisfies the most links (a greedy max-cut), so a faint bias in
 * the order would still show up in the agreement.
 */
export interface Dispensed {
  patient: string;
  kits: string[];
}

export function inferArmsFromOrder(history: readonly Dispensed[], shelfAtStart: readonly string[], largerArm: string, smallerArm: string): Map<string, string> {
  const receiver = new Map<string, string>();
  for (const d of history) for (const k of d.kits) receiver.set(k, d.patient);
  const shelf = [...shelfAtStart].sort(compareKitNumbers);
  const onShelf = new Set(shelf);
  const links = new Map<string, Map<string, number>>();
  const link = (a: string, b: string) => {
    if (a === b) return;
    for (const [x, y] of [[a, b], [b, a]] as const) {
      const m = links.get(x) ?? new Map<string, number>();
      m.set(y, (m.get(y) ?? 0) + 1);
      links.set(x, m);
    }
  };
  for (const d of history) {
    const highest = d.kits.reduce((h, k) => (compareKitNumbers(k, h) > 0 ? k : h));
    for (const j of shelf) {
      if (compareKitNumbers(j, highest) >= 0) break;
      if (!onShelf.has(j) || d.kits.includes(j)) continue;
      const q = receiver.get(j);
      if (q) link(d.patient, q);
    }
    for (const k of d.kits) onShelf.delete(k);
  }

  // Two-colour by breadth-first search, then improve: move a patient to the other colour while that satisfies more links.
  const patients = [...new Set(history.map((d) => d.patient))];
  const colour = new Map<string, 0 | 1>();
  for (const start of patients) {
    if (colour.has(start)) continue;
    colour.set(start, 0);
    const queue = [start];
    while (queue.length) {
      const p = queue.shift()!;
      for (const q of links.get(p)?.keys() ?? []) {
        if (!colour.has(q)) {
          colour.set(q, colour.get(p) === 0 ? 1 : 0);
          queue.push(q);
        }
      }
    }
  }
  for (let improved = true, rounds = 0; improved && rounds < 50; rounds++) {
    improved = false;
    for (const p of patients) {
      let same = 0;
      let other = 0;
      for (const [q, weight] of links.get(p) ?? []) {
        if (colour.get(q) === colour.get(p)) same += weight;
        else other += weight;
      }
      if (same > other) {
        colour.set(p, colour.get(p) === 0 ? 1 : 0);
        improved = true;
      }
    }
  }
  // Name the colours per connected group of patients: the larger side is the larger arm (an isolated patient, with
  // nothing to go on, is guessed in the larger arm, the likelier guess).
  const named = new Map<string, string>();
  for (const start of patients) {
    if (named.has(start)) continue;
    const group = [start];
    const seen = new Set(group);
    for (let i = 0; i < group.length; i++) {
      for (const q of links.get(group[i]!)?.keys() ?? []) {
        if (!seen.has(q)) {
          seen.add(q);
          group.push(q);
        }
      }
    }
    const zeros = group.filter((p) => colour.get(p) === 0).length;
    const largerColour = zeros >= group.length - zeros ? 0 : 1;
    for (const p of group) named.set(p, colour.get(p) === largerColour ? largerArm : smallerArm);
  }
  return named;
}

function logChoose(n: number, k: number): number {
  let s = 0;
  for (let i = 1; i <= k; i++) s += Math.log((n - k + i) / i);
  return s;
}

/**
 * How surprising an agreement between guessed and true arms would be if the guess knew nothing: with `guessedLarger`
 * patients guessed in the larger arm and `trulyLarger` truly in it, the number guessed right in the larger arm is
 * hypergeometric, and agreement = 2x + n - guessedLarger - trulyLarger. Returns the two-sided p-value of the
 * observed agreement (as likely or less likely outcomes, both tails: an attacker who is reliably wrong just flips).
 */
export function agreementPValue(n: number, trulyLarger: number, guessedLarger: number, agreement: number): number {
  const lo = Math.max(0, guessedLarger + trulyLarger - n);
  const hi = Math.min(guessedLarger, trulyLarger);
  const denominator = logChoose(n, guessedLarger);
  const pmf = new Map<number, number>();
  for (let x = lo; x <= hi; x++) pmf.set(x, Math.exp(logChoose(trulyLarger, x) + logChoose(n - trulyLarger, guessedLarger - x) - denominator));
  const observedX = (agreement - n + guessedLarger + trulyLarger) / 2;
  const observed = pmf.get(observedX) ?? 0;
  let p = 0;
  for (const probability of pmf.values()) if (probability <= observed * (1 + 1e-9)) p += probability;
  return Math.min(1, p);
}
