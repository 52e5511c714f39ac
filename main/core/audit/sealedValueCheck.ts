import { open, SealBrokenError, sealedField } from '../crypto/allocationCipher';
import { forEachRow, type RecordedState } from './recordedState';

/**
 * Every sealed value in the database, with the associated data that binds it to its row (allocationCipher.ts). With
 * the allocation key, `veil verify` opens each one: AES-GCM authenticates it, so a value altered, moved to another
 * row or damaged on disk (bit rot) is named (issue 10, finding 11). A sealed column missing from this list is itself
 * a finding: verify must never silently skip sealed data.
 */
export const SEALED_COLUMNS = [
  { table: 'kits', column: 'arm_sealed', rowKey: 'kit_number', row: 'kit', what: 'arm', associatedData: sealedField.kitArm },
  { table: 'kits', column: 'lot_sealed', rowKey: 'kit_number', row: 'kit', what: 'lot', associatedData: sealedField.kitLot },
  { table: 'kits', column: 'expiry_sealed', rowKey: 'kit_number', row: 'kit', what: 'expiry date', associatedData: sealedField.kitExpiry },
  { table: 'kits', column: 'gtin_sealed', rowKey: 'kit_number', row: 'kit', what: 'GTIN', associatedData: sealedField.kitGtin },
  { table: 'randomization_slots', column: 'arm_sealed', rowKey: 'randomization_number', row: 'randomization number', what: 'arm', associatedData: sealedField.slotArm },
  { table: 'randomization_slots', column: 'block_sealed', rowKey: 'randomization_number', row: 'randomization number', what: 'block', associatedData: sealedField.slotBlock },
] as const;

export const SEALED_VALUES_CHECKED = 'kit arms, lots, expiry dates, GTINs, randomization arms and blocks';

/**
 * Opens every sealed value with the key of its row's study (each study has its own, migration 22); reports each that
 * does not open. A value moved from one study's row to another's does not open: its key is another study's. Returns
 * how many were authenticated, and how many values of each study whose key was not given were left unchecked.
 */
export async function checkSealedValues(
  tables: RecordedState,
  keys: Map<number, Buffer>,
  report: (text: string) => void,
): Promise<{ authenticated: number; unchecked: Array<{ study: string; values: number }> }> {
  const known = new Set<string>(SEALED_COLUMNS.map((c) => `${c.table}.${c.column}`));
  for (const column of await tables.sealedColumns()) {
    if (!known.has(column)) report(`column ${column} holds sealed values that verify does not know how to authenticate: add it to SEALED_COLUMNS (sealedValueCheck.ts)`);
  }
  const studies = await tables.studies();
  // A row naming no study (a file from before migration 20) is the first study's.
  const first = studies[0]?.id ?? 1;
  const codeOf = new Map(studies.map((s) => [s.id, s.code]));
  let authenticated = 0;
  const unchecked = new Map<number, number>();
  for (const c of SEALED_COLUMNS) {
    await forEachRow(tables.sealedValues(c.table, c.rowKey, c.column), ({ study, row, sealed }) => {
      if (sealed === null) return;
      const studyId = study || first;
      const key = keys.get(studyId);
      if (!key) {
        unchecked.set(studyId, (unchecked.get(studyId) ?? 0) + 1);
        return;
      }
      try {
        open(key, sealed, c.associatedData(row));
        authenticated++;
      } catch (error) {
        if (!(error instanceof SealBrokenError)) throw error;
        const where = studyId === first ? '' : ` of ${codeOf.get(studyId) ?? `study ${studyId}`}`;
        report(`${c.row} ${row}${where}: its sealed ${c.what} does not open with the study's allocation key: it was altered, moved from another row or study, or damaged on disk (bit rot)`);
      }
    });
  }
  return { authenticated, unchecked: [...unchecked].map(([id, values]) => ({ study: codeOf.get(id) ?? `study ${id}`, values })) };
}
