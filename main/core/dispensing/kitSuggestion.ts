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
  return drawByExpiry(groups, count, () => 'usable', randomBelow);
}

/** What a draw learns of a kit it reaches: take it, pass over it, or pass over it for good (it will never be usable). */
export type DrawAnswer = 'usable' | 'not_now' | 'never';

/**
 * The draw itself, over kits already grouped by expiry (earliest group first), each kit checked with `answer` only
 * when the draw reaches it (a read of the database, so the answer may be a promise). The draw is a partial Fisher-Yates shuffle of each group, in place (a group's order
 * means nothing), keeping the kits that are usable: a uniformly random order of the group, filtered, is a uniformly
 * random choice among its usable kits. So a caller can keep every kit of an arm in its groups and ask "still on the
 * shelf?" of only the few kits drawn, instead of reading the whole shelf for each scan. A kit answered 'never' leaves
 * its group (the group's last undrawn kit takes its place, so the undrawn kits stay the same set): the groups shrink
 * as the study goes on, and a draw late in the study does not wade through every kit already dispensed.
 */
export async function drawByExpiry<K>(
  groups: ReadonlyArray<K[]>,
  count: number,
  answer: (kit: K) => DrawAnswer | Promise<DrawAnswer>,
  randomBelow: RandomBelow = cryptoRandomBelow,
): Promise<K[]> {
  const chosen: K[] = [];
  for (const group of groups) {
    for (let i = 0; i < group.length && chosen.length < count; i++) {
      const j = i + randomBelow(group.length - i);
      [group[i], group[j]] = [group[j]!, group[i]!];
      const kit = group[i]!;
      const verdict = await answer(kit);
      // The groups are shared (the session's index): another draw may have reordered or shrunk one while this one
      // waited for the database, so the kit is taken by identity, never by its position after the wait.
      if (verdict === 'usable') {
        if (!chosen.includes(kit)) chosen.push(kit);
      } else if (verdict === 'never') {
        const at = group[i] === kit ? i : group.indexOf(kit);
        if (at >= 0) {
          group[at] = group[group.length - 1]!;
          group.pop();
        }
        if (at === i) i--;
      }
    }
    if (chosen.length >= count) break;
  }
  return chosen;
}
