import { randomInt } from 'node:crypto';

/** A uniform random integer in [0, n). Injectable so a unit test can pin the draw; Veil itself uses the CSPRNG. */
export type RandomBelow = (n: number) => number;

/** The operating system's CSPRNG: a predictable generator would let someone who knows its seed replay the draws. */
export const cryptoRandomBelow: RandomBelow = (n) => randomInt(n);

/**
 * Which valid kits to offer, in order (DESIGN.md section 3, invariant 5): the earliest real expiry first, because
 * stock must be used before it expires; among kits of the same expiry, a random draw. Any rule that depends on the
 * kit number within an arm (say "lowest number first") makes each arm's kits leave the shelf in rising order, and a
 * blinded reader of the dispensing history can then split the patients into arms ("P got k while a lower j was on
 * the shelf; j later went to Q: P and Q differ"). A random draw makes the order of use carry no arm.
 *
 * Draws only as many kits as asked for (a partial Fisher-Yates shuffle per expiry date), so offering 3 kits out of
 * 50,000 does not shuffle the whole shelf.
 */
export function suggestKits<K extends { kitNumber: string; expiry: string }>(kits: readonly K[], count: number, randomBelow: RandomBelow = cryptoRandomBelow): Promise<K[]> {
  const byExpiry = new Map<string, K[]>();
  for (const kit of kits) {
    const group = byExpiry.get(kit.expiry);
    if (group) group.push(kit);
    else byExpiry.set(kit.expiry, [kit]);
  }
  const groups = [...byExpiry.keys()].sort().map((expiry) => byExpiry.get(expiry)!);
  return drawByExpiry(groups, count, (drawn) => drawn.map(() => 'usable' as const), randomBelow);
}

/** What a draw learns of a kit it reaches: take it, pass over it, or pass over it for good (it will never be usable). */
export type DrawAnswer = 'usable' | 'not_now' | 'never';

/** How many kits the first question of a draw covers; each further question of the same draw covers twice as many, up to MAX_BATCH. */
const FIRST_BATCH = 8;
const MAX_BATCH = 256;

/**
 * The draw itself, over kits already grouped by expiry (earliest group first). The draw is a partial Fisher-Yates
 * shuffle of each group, in place (a group's order means nothing), keeping the kits that are usable: a uniformly
 * random order of the group, filtered, is a uniformly random choice among its usable kits. So a caller can keep every
 * kit of an arm in its groups and ask "still on the shelf?" of only the kits drawn, instead of reading the whole shelf
 * for each scan.
 *
 * The kits drawn are asked about in batches (`answer` gets several kits and answers each, in order): the first batch
 * a few kits, each next one twice as many. Where most kits of the earliest group are on the shelf, one question
 * settles the draw; where most are not there yet (a shipment not received: 'not_now'), a draw that must pass over
 * 90 of them asks 4 questions instead of 90 (issue 12: a refused scan at 5,000 kits took 7 ms, one read per kit).
 * A kit answered 'never' leaves its group (the undrawn kits stay the same set): the groups shrink as the study goes
 * on, and a draw late in the study does not wade through every kit already dispensed.
 */
export async function drawByExpiry<K>(
  groups: ReadonlyArray<K[]>,
  count: number,
  answer: (kits: K[]) => DrawAnswer[] | Promise<DrawAnswer[]>,
  randomBelow: RandomBelow = cryptoRandomBelow,
): Promise<K[]> {
  const chosen: K[] = [];
  let batch = Math.max(FIRST_BATCH, count);
  for (const group of groups) {
    let i = 0;
    while (i < group.length && chosen.length < count) {
      const size = Math.min(batch, group.length - i);
      for (let t = i; t < i + size; t++) {
        const j = t + randomBelow(group.length - t);
        [group[t], group[j]] = [group[j]!, group[t]!];
      }
      const drawn = group.slice(i, i + size);
      const verdicts = await answer(drawn);
      batch = Math.min(batch * 2, MAX_BATCH);
      const never = new Set<K>();
      drawn.forEach((kit, n) => {
        const verdict = verdicts[n];
        if (verdict === 'usable' && chosen.length < count && !chosen.includes(kit)) chosen.push(kit);
        else if (verdict === 'never') never.add(kit);
      });
      // The groups are shared (the session's index): another draw may have reordered or shrunk this one while this
      // draw waited for the database. If the drawn kits are still where they were, they are replaced by those kept;
      // otherwise each kit that can never be usable is taken out by identity (the draw goes on from the same place:
      // at worst it asks about a kit twice, and a kit is never chosen twice).
      const inPlace = drawn.every((kit, n) => group[i + n] === kit);
      if (inPlace) {
        const kept = drawn.filter((kit) => !never.has(kit));
        group.splice(i, size, ...kept);
        i += kept.length;
      } else {
        for (const kit of never) {
          const at = group.indexOf(kit);
          if (at >= 0) group.splice(at, 1);
        }
        i += size - never.size;
      }
    }
    if (chosen.length >= count) break;
  }
  return chosen;
}
