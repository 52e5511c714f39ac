import type { KitStatus } from '../../../shared/kits/kitLifecycle';
import type { Db } from '../db/database';

export interface KitState {
  kitNumber: string;
  status: KitStatus;
  blindedLot: string;
  useBefore: string;
  serial: string | null;
}

/** Kit statuses and the blinded fields any pharmacy user may see. Sealed columns are read by the allocation code only. */
export class KitRepository {
  constructor(private readonly db: Db) {}

  get(kitNumber: string): KitState | undefined {
    return this.db
      .prepare('SELECT kit_number AS kitNumber, status, blinded_lot AS blindedLot, use_before AS useBefore, serial FROM kits WHERE kit_number = ?')
      .get(kitNumber) as KitState | undefined;
  }

  /** Whether the unblinded import marked this kit to be held at receipt (shared/kits/expiryHold.ts); no date, no arm. */
  expiryHeld(kitNumber: string): boolean {
    return (this.db.prepare('SELECT expiry_hold AS h FROM kits WHERE kit_number = ?').get(kitNumber) as { h: number } | undefined)?.h === 1;
  }

  setStatus(kitNumber: string, status: KitStatus): void {
    this.db.prepare('UPDATE kits SET status = ? WHERE kit_number = ?').run(status, kitNumber);
  }

  all(): KitState[] {
    return this.db.prepare('SELECT kit_number AS kitNumber, status, blinded_lot AS blindedLot, use_before AS useBefore, serial FROM kits').all() as KitState[];
  }

  countsByStatus(): Record<string, number> {
    const rows = this.db.prepare('SELECT status, count(*) AS n FROM kits GROUP BY status').all() as Array<{ status: string; n: number }>;
    return Object.fromEntries(rows.map((r) => [r.status, r.n]));
  }

  /**
   * Sealed arm and expiry of every kit in the list, whatever its status, for the unblinded session's index
   * (dispensing/unsealedStock.ts, which opens them with the key): they never change once imported.
   */
  sealedAll(): Array<{ kitNumber: string; armSealed: string; expirySealed: string }> {
    return this.db.prepare('SELECT kit_number AS kitNumber, arm_sealed AS armSealed, expiry_sealed AS expirySealed FROM kits').all() as Array<{
      kitNumber: string;
      armSealed: string;
      expirySealed: string;
    }>;
  }

  /** The row id of the last kit imported: kits are only ever added, so an index built up to it is complete while it stays the same. */
  lastImported(): number {
    return (this.db.prepare('SELECT coalesce(max(rowid), 0) AS last FROM kits').get() as { last: number }).last;
  }

  private shelfStatement: ReturnType<Db['prepare']> | null = null;

  /** The kit's status and the use-before date on its label: asked of each kit a suggestion draws, so prepared once. */
  shelfStateOf(kitNumber: string): { status: KitStatus; useBefore: string } | undefined {
    this.shelfStatement ??= this.db.prepare('SELECT status, use_before AS useBefore FROM kits WHERE kit_number = ?');
    return this.shelfStatement.get(kitNumber) as { status: KitStatus; useBefore: string } | undefined;
  }

  private bySerialStatement: ReturnType<Db['prepare']> | null = null;

  /** The kit whose pack carries this GS1 serial (AI 21), if any: asked at every pack scan, so prepared once. */
  kitNumberBySerial(serial: string): string | undefined {
    this.bySerialStatement ??= this.db.prepare('SELECT kit_number AS k FROM kits WHERE serial = ?');
    return (this.bySerialStatement.get(serial) as { k: string } | undefined)?.k;
  }

  sealed(kitNumber: string): { armSealed: string; expirySealed: string; lotSealed: string } | undefined {
    return this.db
      .prepare('SELECT arm_sealed AS armSealed, expiry_sealed AS expirySealed, lot_sealed AS lotSealed FROM kits WHERE kit_number = ?')
      .get(kitNumber) as { armSealed: string; expirySealed: string; lotSealed: string } | undefined;
  }
}
