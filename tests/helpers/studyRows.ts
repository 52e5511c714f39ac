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

/**
 * A signed kit-list import into study `studyId` holding `kitNumbers` (sealed fields are placeholders, blinded lot
 * BL-1, use-before 2027-06-30), each in `status` (the table's default, expected, when not given); returns the import's id.
 */
export async function addKitList(store: Store, studyId: number, list: { userId: number; signatureId: number; kitNumbers: readonly string[]; status?: string }): Promise<number> {
  const q = store.q();
  const { id: importId } = await q
    .insertInto('list_imports')
    .values({ kind: 'kits', file_name: 'kits.csv', sha256: 's', row_count: list.kitNumbers.length, imported_at: '2026-01-05T08:00:00.000Z', user_id: list.userId, signature_id: list.signatureId, study_id: studyId })
    .returning('id')
    .executeTakeFirstOrThrow();
  for (const kit_number of list.kitNumbers) {
    await q
      .insertInto('kits')
      .values({ kit_number, arm_sealed: 'a', lot_sealed: 'l', expiry_sealed: 'e', blinded_lot: 'BL-1', use_before: '2027-06-30', import_id: importId, study_id: studyId, ...(list.status ? { status: list.status } : {}) })
      .execute();
  }
  return importId;
}

/**
 * A delegation of `userId` to study `studyId` in `role` from `startsOn` (migration 21), written as the upgrade carries
 * an account over (no grantor, signature or reason, and no event): what a test that writes its accounts directly adds
 * so the user may work in the study (studyRole.ts). `veil verify` accepts it for the first study in the account's role.
 */
export async function addDelegation(store: Store, d: { userId: number; studyId: number; role: string; startsOn: string; endsOn?: string | null }): Promise<number> {
  const row = await store
    .q()
    .insertInto('delegations')
    .values({ user_id: d.userId, study_id: d.studyId, role: d.role, starts_on: d.startsOn, ends_on: d.endsOn ?? null, granted_at: `${d.startsOn}T00:00:00.000Z` })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}
