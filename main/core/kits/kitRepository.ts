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

  /** Sealed allocation fields of available kits, for the dispensing rules (opened with the key by the caller). */
  sealedAvailable(): Array<{ kitNumber: string; armSealed: string; expirySealed: string; useBefore: string }> {
    return this.db
      .prepare("SELECT kit_number AS kitNumber, arm_sealed AS armSealed, expiry_sealed AS expirySealed, use_before AS useBefore FROM kits WHERE status = 'available'")
      .all() as Array<{ kitNumber: string; armSealed: string; expirySealed: string; useBefore: string }>;
  }

  sealed(kitNumber: string): { armSealed: string; expirySealed: string; lotSealed: string } | undefined {
    return this.db
      .prepare('SELECT arm_sealed AS armSealed, expiry_sealed AS expirySealed, lot_sealed AS lotSealed FROM kits WHERE kit_number = ?')
      .get(kitNumber) as { armSealed: string; expirySealed: string; lotSealed: string } | undefined;
  }
}
