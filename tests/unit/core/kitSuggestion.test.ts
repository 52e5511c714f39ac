import { describe, expect, it } from 'vitest';
import { drawByExpiry, type DrawAnswer } from '../../../main/core/dispensing/kitSuggestion';

describe('drawByExpiry', () => {
  it('takes the usable kits of the earliest group first and drops the kits that can never be usable from their group', async () => {
    const early = ['a', 'b', 'c', 'd', 'e'];
    const late = ['x', 'y'];
    const answers: Record<string, DrawAnswer> = { a: 'never', b: 'usable', c: 'never', d: 'not_now', e: 'never', x: 'usable', y: 'usable' };
    const asked: string[] = [];
    const chosen = await drawByExpiry([early, late], 2, (ks) => ks.map((k) => (asked.push(k), answers[k]!)));
    expect(chosen[0]).toBe('b');
    expect(['x', 'y']).toContain(chosen[1]);
    // The early group was drawn through: its never-usable kits are gone, the others stay for the next draw.
    expect([...early].sort()).toEqual(['b', 'd']);
    expect(asked.filter((k) => early.includes(k) || 'ace'.includes(k)).sort()).toEqual(['a', 'b', 'c', 'd', 'e']);
    // The next draw does not ask about the dropped kits again.
    const again: string[] = [];
    await drawByExpiry([early, late], 1, (ks) => ks.map((k) => (again.push(k), answers[k]!)));
    expect(again.some((k) => 'ace'.includes(k))).toBe(false);
  });

  it('draws uniformly among the usable kits whatever the never-usable ones around them', async () => {
    const counts = new Map<string, number>();
    for (let round = 0; round < 6000; round++) {
      const group = ['n1', 'u1', 'n2', 'u2', 'n3', 'u3', 'n4'];
      const [k] = await drawByExpiry([group], 1, (kits) => kits.map((kit) => (kit.startsWith('u') ? 'usable' : 'never')));
      counts.set(k!, (counts.get(k!) ?? 0) + 1);
    }
    // Each of the three usable kits about 2000 times (a 4.5-sigma band: 2000 +/- 165).
    for (const k of ['u1', 'u2', 'u3']) expect(Math.abs(counts.get(k)! - 2000)).toBeLessThan(165);
  });

  it('asks about the kits drawn in growing batches: passing over 90 kits not yet received takes 4 questions, not 90', async () => {
    const group = [...Array.from({ length: 90 }, (_, i) => `t${i}`), 'u1', 'u2'];
    const questions: number[] = [];
    // A pinned draw that never swaps takes the group in its given order: the two usable kits last, the worst case.
    const pinned = [...group.slice(0, 90).reverse(), 'u1', 'u2'];
    const chosen = await drawByExpiry([pinned], 2, (kits) => (questions.push(kits.length), kits.map((k) => (k.startsWith('u') ? 'usable' : 'not_now'))), () => 0);
    expect(chosen.sort()).toEqual(['u1', 'u2']);
    expect(questions).toEqual([8, 16, 32, 36]);
    // Kits not yet received stay in the group for a later draw; none was lost or doubled.
    expect([...pinned].sort()).toEqual([...group].sort());
  });

  it('takes a kit answered never out of its group even when another draw moved the group meanwhile', async () => {
    const group = ['n1', 'u1', 'n2', 'u2'];
    const chosen = await drawByExpiry([group], 2, async (kits) => {
      // Another draw of the same session reorders the shared group while this one waits for the database.
      group.reverse();
      return kits.map((k) => (k.startsWith('u') ? 'usable' : 'never'));
    });
    expect(chosen.sort()).toEqual(['u1', 'u2']);
    expect([...group].sort()).toEqual(['u1', 'u2']);
  });
});
