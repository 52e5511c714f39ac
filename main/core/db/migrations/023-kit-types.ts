import type { Migration } from './migration';

/**
 * Step 23. A kit names its type (issue 14, docs/multi-study-plan.md step 6): a double-dummy study dispenses kits of
 * several types at a visit (bottle A, bottle B), each holding one of its type's contents, sealed in `arm_sealed` as
 * the arm was. The type is printed on the kit and its label, so it is a plain column. NULL is the one implicit type
 * of a study without kit types, whose sealed content is the arm: every kit of an existing database keeps it.
 */
export const step23: Migration = {
  description: 'kits name their type (NULL: the implicit type of a study without kit types, whose content is the arm)',
  sqlite(db) {
    db.exec(`ALTER TABLE kits ADD COLUMN kit_type TEXT;`);
  },
  async postgres(client) {
    await client.query(`ALTER TABLE kits ADD COLUMN kit_type text;`);
  },
};
