import type { UserWrap } from '../crypto/keyCustody';
import type { PreparedQuery, Store } from '../db/store';
import type { StudyScope } from '../study/studyScope';

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
  /** The kit's type (shared/study/kitContents.ts); null for a study without kit types. */
  kitType: string | null;
  /** The kit's content sealed: its arm in a study without kit types, one of its type's contents otherwise. */
  armSealed: string;
  lotSealed: string;
  expirySealed: string;
  gtinSealed: string | null;
  serial: string | null;
  blindedLot: string;
  useBefore: string;
  status: string;
}

export interface ListImportRow {
  id: number;
  kind: string;
  fileName: string;
  sha256: string;
  rowCount: number;
  importedAt: string;
  userId: number;
  signatureId: number;
}

const SLOT_COLUMNS = [
  'randomization_number as randomizationNumber',
  'list_order as listOrder',
  'block_sealed as blockSealed',
  'stratum',
  'arm_sealed as armSealed',
] as const;

/** Rows per insert statement: 12 values a kit stays far below SQLite's 32,766 and PostgreSQL's 65,535 parameters. */
const ROWS_PER_INSERT = 500;

/**
 * All SQL about randomization slots, kits and list imports, on the Store (issue 13, item 2). Arms, real lots and real
 * expiry dates arrive sealed. Every row is the scope's study's: numbers are unique within a study only (migration 20).
 */
export class AllocationRepository {
  // A slot is read at every dispensing and emergency unblinding: prepared once.
  private readonly slotByNumber: PreparedQuery<[number, string], SlotRow>;

  constructor(
    private readonly store: Store,
    private readonly study: StudyScope,
  ) {
    this.slotByNumber = store.prepare((q, studyId: number, randomizationNumber: string) =>
      q.selectFrom('randomization_slots').select(SLOT_COLUMNS).where('study_id', '=', studyId).where('randomization_number', '=', randomizationNumber),
    );
  }

  async slotNumbers(): Promise<Set<string>> {
    const rows = await this.store.q().selectFrom('randomization_slots').select('randomization_number as n').where('study_id', '=', this.study.id()).execute();
    return new Set(rows.map((r) => r.n));
  }

  async kitNumbers(): Promise<Set<string>> {
    const rows = await this.store.q().selectFrom('kits').select('kit_number as n').where('study_id', '=', this.study.id()).execute();
    return new Set(rows.map((r) => r.n));
  }

  async nextListOrder(): Promise<number> {
    const row = await this.store
      .q()
      .selectFrom('randomization_slots')
      .select((eb) => eb.fn.max('list_order').as('m'))
      .where('study_id', '=', this.study.id())
      .executeTakeFirst();
    return Number(row?.m ?? 0) + 1;
  }

  async insertImport(row: { kind: 'randomization' | 'kits'; fileName: string; sha256: string; rowCount: number; importedAt: string; userId: number; signatureId: number }): Promise<number> {
    const inserted = await this.store
      .q()
      .insertInto('list_imports')
      .values({
        kind: row.kind,
        file_name: row.fileName,
        sha256: row.sha256,
        row_count: row.rowCount,
        imported_at: row.importedAt,
        user_id: row.userId,
        signature_id: row.signatureId,
        study_id: this.study.id(),
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    return Number(inserted.id);
  }

  async imports(): Promise<ListImportRow[]> {
    return this.store
      .q()
      .selectFrom('list_imports')
      .select(['id', 'kind', 'file_name as fileName', 'sha256', 'row_count as rowCount', 'imported_at as importedAt', 'user_id as userId', 'signature_id as signatureId'])
      .where('study_id', '=', this.study.id())
      .orderBy('id')
      .execute();
  }

  async insertSlot(slot: SlotRow & { importId: number }): Promise<void> {
    await this.insertSlots([slot]);
  }

  /** A list's slots, many rows per statement: a statement per row costs the Store's fixed price once per slot. */
  async insertSlots(slots: ReadonlyArray<SlotRow & { importId: number }>): Promise<void> {
    const studyId = this.study.id();
    for (let i = 0; i < slots.length; i += ROWS_PER_INSERT) {
      const chunk = slots.slice(i, i + ROWS_PER_INSERT).map((slot) => ({
        randomization_number: slot.randomizationNumber,
        list_order: slot.listOrder,
        block_sealed: slot.blockSealed,
        stratum: slot.stratum,
        arm_sealed: slot.armSealed,
        import_id: slot.importId,
        study_id: studyId,
      }));
      await this.store.q().insertInto('randomization_slots').values(chunk).execute();
    }
  }

  async insertKit(kit: KitRowStored & { importId: number }): Promise<void> {
    await this.insertKits([kit]);
  }

  /**
   * A list's kits, many rows per statement (issue 12: 5,000 kits one statement each took 17.5x a bare insert of the
   * rows; in statements of a few hundred rows the Store's fixed cost per statement is paid a few dozen times).
   */
  async insertKits(kits: ReadonlyArray<KitRowStored & { importId: number }>): Promise<void> {
    const studyId = this.study.id();
    for (let i = 0; i < kits.length; i += ROWS_PER_INSERT) {
      const chunk = kits.slice(i, i + ROWS_PER_INSERT).map((kit) => ({
        kit_number: kit.kitNumber,
        kit_type: kit.kitType,
        arm_sealed: kit.armSealed,
        lot_sealed: kit.lotSealed,
        expiry_sealed: kit.expirySealed,
        gtin_sealed: kit.gtinSealed,
        serial: kit.serial,
        blinded_lot: kit.blindedLot,
        use_before: kit.useBefore,
        status: kit.status,
        import_id: kit.importId,
        study_id: studyId,
      }));
      await this.store.q().insertInto('kits').values(chunk).execute();
    }
  }

  /** The blinded use-before date the unblinded pharmacist confirmed for this kit (UseBeforeService). */
  async setUseBefore(kitNumber: string, useBefore: string): Promise<void> {
    await this.store.q().updateTable('kits').set({ use_before: useBefore }).where('study_id', '=', this.study.id()).where('kit_number', '=', kitNumber).execute();
  }

  /** Marks a kit to be quarantined when received (its real expiry was short-dated when the list was imported). */
  async setExpiryHold(kitNumber: string): Promise<void> {
    await this.store.q().updateTable('kits').set({ expiry_hold: 1 }).where('study_id', '=', this.study.id()).where('kit_number', '=', kitNumber).execute();
  }

  async setBlindedLabelFields(kitNumber: string, blindedLot: string, useBefore: string): Promise<void> {
    await this.store.q().updateTable('kits').set({ blinded_lot: blindedLot, use_before: useBefore }).where('study_id', '=', this.study.id()).where('kit_number', '=', kitNumber).execute();
  }

  /** Slots in list order (a number: the same on both engines). */
  async slots(): Promise<SlotRow[]> {
    return this.store.q().selectFrom('randomization_slots').select(SLOT_COLUMNS).where('study_id', '=', this.study.id()).orderBy('list_order').execute();
  }

  async slot(randomizationNumber: string): Promise<SlotRow | undefined> {
    return (await this.slotByNumber.run(this.study.id(), randomizationNumber))[0];
  }

  /** Kits in table order; callers sort by kit number (shared/allocation/kitOrder.ts), never by anything arm-related. */
  async kits(): Promise<KitRowStored[]> {
    return this.store
      .q()
      .selectFrom('kits')
      .select([
        'kit_number as kitNumber',
        'kit_type as kitType',
        'arm_sealed as armSealed',
        'lot_sealed as lotSealed',
        'expiry_sealed as expirySealed',
        'gtin_sealed as gtinSealed',
        'serial',
        'blinded_lot as blindedLot',
        'use_before as useBefore',
        'status',
      ])
      .where('study_id', '=', this.study.id())
      .execute();
  }

  /** Blocks an upgrade could not seal under the allocation key (migration 5): sealed under a transition key, or plain. */
  async blocksInTransition(): Promise<Array<{ randomizationNumber: string; sealed: string | null; plain: string | null }>> {
    return this.store.q().selectFrom('blocks_in_transition').select(['randomization_number as randomizationNumber', 'sealed', 'plain']).where('study_id', '=', this.study.id()).execute();
  }

  /** The transition key of migration 5, wrapped for this user, if they held the allocation key at the upgrade. */
  async blockTransitionWrap(userId: number): Promise<UserWrap | undefined> {
    const row = await this.store.q().selectFrom('block_transition_wraps').select('wrap_json').where('user_id', '=', userId).executeTakeFirst();
    return row && (JSON.parse(row.wrap_json) as UserWrap);
  }

  /** A block now sealed under the allocation key leaves the transition table. */
  async sealBlock(randomizationNumber: string, blockSealed: string): Promise<void> {
    const studyId = this.study.id();
    await this.store.q().updateTable('randomization_slots').set({ block_sealed: blockSealed }).where('study_id', '=', studyId).where('randomization_number', '=', randomizationNumber).execute();
    await this.store.q().deleteFrom('blocks_in_transition').where('study_id', '=', studyId).where('randomization_number', '=', randomizationNumber).execute();
  }

  /** Once every block is sealed under the allocation key, the transition key has nothing left to open. */
  async deleteBlockTransitionWraps(): Promise<void> {
    await this.store.q().deleteFrom('block_transition_wraps').execute();
  }

  async counts(): Promise<{ slots: number; kits: number }> {
    const q = this.store.q();
    const studyId = this.study.id();
    const slots = await q
      .selectFrom('randomization_slots')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('study_id', '=', studyId)
      .executeTakeFirstOrThrow();
    const kits = await q
      .selectFrom('kits')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('study_id', '=', studyId)
      .executeTakeFirstOrThrow();
    return { slots: Number(slots.n), kits: Number(kits.n) };
  }
}
