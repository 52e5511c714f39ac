/**
 * How many values one `IN (...)` list carries. A long list (every kit on the shelf, every patient in treatment) is read
 * in slices of this size: both engines cap the parameters of one statement (SQLite at 32,766, PostgreSQL at 65,535),
 * and a fixed size keeps the number of statement shapes the Store prepares and caches small.
 */
export const IN_LIST_SLICE = 500;

/** Runs `read` over `values` one slice at a time, in order, and returns every slice's rows together. */
export async function readInSlices<V, R>(values: readonly V[], read: (slice: V[]) => Promise<R[]>): Promise<R[]> {
  const rows: R[] = [];
  for (let i = 0; i < values.length; i += IN_LIST_SLICE) rows.push(...(await read(values.slice(i, i + IN_LIST_SLICE))));
  return rows;
}
