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

/** Opens every sealed value; reports each that does not open. Returns how many were authenticated. */
export async function checkSealedValues(tables: RecordedState, key: Buffer, report: (text: string) => void): Promise<number> {
  const known = new Set<string>(SEALED_COLUMNS.map((c) => `${c.table}.${c.column}`));
  for (const column of await tables.sealedColumns()) {
    if (!known.has(column)) report(`column ${column} holds sealed values that verify does not know how to authenticate: add it to SEALED_COLUMNS (sealedValueCheck.ts)`);
  }
  let authenticated = 0;
  for (const c of SEALED_COLUMNS) {
    await forEachRow(tables.sealedValues(c.table, c.rowKey, c.column), ({ row, sealed }) => {
      if (sealed === null) return;
      try {
        open(key, sealed, c.associatedData(row));
        authenticated++;
      } catch (error) {
        if (!(error instanceof SealBrokenError)) throw error;
        report(`${c.row} ${row}: its sealed ${c.what} does not open with the allocation key: it was altered, moved from another row or damaged on disk (bit rot)`);
      }
    });
  }
  return authenticated;
}
