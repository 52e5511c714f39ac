import type { UserWrap } from '../crypto/keyCustody';
import type { Db } from '../db/database';
import { statements, type Statements } from '../db/statements';

export interface SlotRow {
  randomizationNumber: string;
  listOrder: number;
  /** Null only while an upgraded database waits for its first key holder to seal the block (migration 5). */
  blockSealed: string | null;
  stratum: string;
  armSealed: string;
}

export interface KitRowStored {
  kitNumber: string;
  armSealed: string;
  lotSealed: string;
  expirySealed: string;
  gtinSealed: string | null;
  serial: string | null;
  blindedLot: string;
  useBefore: string;
  status: string;
}

/** All SQL about randomization slots, kits and list imports. Arms, real lots and real expiry dates arrive sealed. */
export class AllocationRepository {
  /** Prepared once, kept: a 50,000-kit import inserts through one statement, not 50,000 parses of it. */
  private readonly sql: Statements;

  constructor(db: Db) {
    this.sql = statements(db);
  }

  slotNumbers(): Set<string> {
    return new Set((this.sql('SELECT randomization_number AS n FROM randomization_slots').all() as Array<{ n: string }>).map((r) => r.n));
  }

  kitNumbers(): Set<string> {
    return new Set((this.sql('SELECT kit_number AS n FROM kits').all() as Array<{ n: string }>).map((r) => r.n));
  }

  nextListOrder(): number {
    return ((this.sql('SELECT max(list_order) AS m FROM randomization_slots').get() as { m: number | null }).m ?? 0) + 1;
  }

  insertImport(row: { kind: 'randomization' | 'kits'; fileName: string; sha256: string; rowCount: number; importedAt: string; userId: number; signatureId: number }): number {
    return Number(
      this.sql(
        `INSERT INTO list_imports (kind, file_name, sha256, row_count, imported_at, user_id, signature_id)
         VALUES (@kind, @fileName, @sha256, @rowCount, @importedAt, @userId, @signatureId)`,
      )
        .run(row).lastInsertRowid,
    );
  }

  imports(): Array<{ id: number; kind: string; fileName: string; sha256: string; rowCount: number; importedAt: string; userId: number; signatureId: number }> {
    return this.sql(
      `SELECT id, kind, file_name AS fileName, sha256, row_count AS rowCount, imported_at AS importedAt, user_id AS userId,
         signature_id AS signatureId FROM list_imports ORDER BY id`,
    )
      .all() as Array<{ id: number; kind: string; fileName: string; sha256: string; rowCount: number; importedAt: string; userId: number; signatureId: number }>;
  }

  insertSlot(slot: SlotRow & { importId: number }): void {
    this.sql(
      `INSERT INTO randomization_slots (randomization_number, list_order, block_sealed, stratum, arm_sealed, import_id)
       VALUES (@randomizationNumber, @listOrder, @blockSealed, @stratum, @armSealed, @importId)`,
    )
      .run(slot);
  }

  insertKit(kit: KitRowStored & { importId: number }): void {
    this.sql(
      `INSERT INTO kits (kit_number, arm_sealed, lot_sealed, expiry_sealed, gtin_sealed, serial, blinded_lot, use_before, status, import_id)
       VALUES (@kitNumber, @armSealed, @lotSealed, @expirySealed, @gtinSealed, @serial, @blindedLot, @useBefore, @status, @importId)`,
    )
      .run(kit);
  }

  /** The blinded use-before date the unblinded pharmacist confirmed for this kit (UseBeforeService). */
  setUseBefore(kitNumber: string, useBefore: string): void {
    this.sql('UPDATE kits SET use_before = ? WHERE kit_number = ?').run(useBefore, kitNumber);
  }

  /** Marks a kit to be quarantined when received (its real expiry was short-dated when the list was imported). */
  setExpiryHold(kitNumber: string): void {
    this.sql('UPDATE kits SET expiry_hold = 1 WHERE kit_number = ?').run(kitNumber);
  }

  setBlindedLabelFields(kitNumber: string, blindedLot: string, useBefore: string): void {
    this.sql('UPDATE kits SET blinded_lot = ?, use_before = ? WHERE kit_number = ?').run(blindedLot, useBefore, kitNumber);
  }

  slots(): SlotRow[] {
    return this.sql(
      `SELECT randomization_number AS randomizationNumber, list_order AS listOrder, block_sealed AS blockSealed, stratum, arm_sealed AS armSealed
       FROM randomization_slots ORDER BY list_order`,
    )
      .all() as SlotRow[];
  }

  slot(randomizationNumber: string): SlotRow | undefined {
    return this.sql(
      `SELECT randomization_number AS randomizationNumber, list_order AS listOrder, block_sealed AS blockSealed, stratum, arm_sealed AS armSealed
       FROM randomization_slots WHERE randomization_number = ?`,
    )
      .get(randomizationNumber) as SlotRow | undefined;
  }

  /** Kits in table order; callers sort by kit number (shared/allocation/kitOrder.ts), never by anything arm-related. */
  kits(): KitRowStored[] {
    return this.sql(
      `SELECT kit_number AS kitNumber, arm_sealed AS armSealed, lot_sealed AS lotSealed, expiry_sealed AS expirySealed,
         gtin_sealed AS gtinSealed, serial, blinded_lot AS blindedLot, use_before AS useBefore, status FROM kits`,
    )
      .all() as KitRowStored[];
  }

  /** Blocks an upgrade could not seal under the allocation key (migration 5): sealed under a transition key, or plain. */
  blocksInTransition(): Array<{ randomizationNumber: string; sealed: string | null; plain: string | null }> {
    return this.sql('SELECT randomization_number AS randomizationNumber, sealed, plain FROM blocks_in_transition').all() as Array<{
      randomizationNumber: string;
      sealed: string | null;
      plain: string | null;
    }>;
  }

  /** The transition key of migration 5, wrapped for this user, if they held the allocation key at the upgrade. */
  blockTransitionWrap(userId: number): UserWrap | undefined {
    const row = this.sql('SELECT wrap_json FROM block_transition_wraps WHERE user_id = ?').get(userId) as { wrap_json: string } | undefined;
    return row && (JSON.parse(row.wrap_json) as UserWrap);
  }

  /** A block now sealed under the allocation key leaves the transition table. */
  sealBlock(randomizationNumber: string, blockSealed: string): void {
    this.sql('UPDATE randomization_slots SET block_sealed = ? WHERE randomization_number = ?').run(blockSealed, randomizationNumber);
    this.sql('DELETE FROM blocks_in_transition WHERE randomization_number = ?').run(randomizationNumber);
  }

  /** Once every block is sealed under the allocation key, the transition key has nothing left to open. */
  deleteBlockTransitionWraps(): void {
    this.sql('DELETE FROM block_transition_wraps').run();
  }

  counts(): { slots: number; kits: number } {
    const slots = (this.sql('SELECT count(*) AS n FROM randomization_slots').get() as { n: number }).n;
    const kits = (this.sql('SELECT count(*) AS n FROM kits').get() as { n: number }).n;
    return { slots, kits };
  }
}
