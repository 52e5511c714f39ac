import { describe, expect, it } from 'vitest';
import { IN_LIST_SLICE, readInSlices } from '../../../main/core/db/slices';

describe('readInSlices', () => {
  it('reads a long list one slice at a time, in order, and returns every row', async () => {
    const values = Array.from({ length: 2 * IN_LIST_SLICE + 1 }, (_, i) => i);
    const sizes: number[] = [];
    const rows = await readInSlices(values, async (slice) => {
      sizes.push(slice.length);
      return slice.map((v) => `row ${v}`);
    });
    expect(sizes).toEqual([IN_LIST_SLICE, IN_LIST_SLICE, 1]);
    expect(rows).toEqual(values.map((v) => `row ${v}`));
  });

  it('asks nothing for an empty list', async () => {
    let calls = 0;
    expect(await readInSlices([], async () => [++calls])).toEqual([]);
    expect(calls).toBe(0);
  });
});
