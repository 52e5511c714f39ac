import { CompiledQuery } from 'kysely';
import type { Store } from '../../main/core/db/store';

/** `?` placeholders as PostgreSQL's numbered `$1, $2, ...` (none of the tests' statements has a `?` in a literal). */
export const numbered = (text: string) => {
  let n = 0;
  return text.replace(/\?/g, () => `$${++n}`);
};

/**
 * The rows of one SQL statement with SQLite's `?` placeholders, run on the Store of either engine (the Store says
 * which). For tests and the bench, which read the tables or plant a state no channel can make; free of vitest, so a
 * plain script may use it.
 */
export async function rawRows<T>(store: Store, text: string, params: unknown[] = []): Promise<T[]> {
  const query = CompiledQuery.raw(store.engine === 'postgres' ? numbered(text) : text, params);
  return (await store.q().executeQuery(query)).rows as T[];
}
