import type { Store } from '../../main/core/db/store';
import { NS_DUPI } from '../../main/core/demo/demoSeed';

/**
 * A study row for a repository test that writes its records directly (every study-owned row names its study,
 * migration 20): NS-DUPI's configuration under `code`. Returns the study's id. The first study of a new database is 1.
 */
export async function addStudy(store: Store, code = NS_DUPI.code): Promise<number> {
  const row = await store
    .q()
    .insertInto('studies')
    .values({ code, config_json: JSON.stringify({ ...NS_DUPI, code }), loaded_at: '2026-01-05T08:00:00.000Z' })
    .returning('id')
    .executeTakeFirstOrThrow();
  return Number(row.id);
}
