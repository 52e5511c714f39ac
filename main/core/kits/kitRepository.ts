import type { KitStatus } from '../../../shared/kits/kitLifecycle';
import type { PreparedQuery, Store } from '../db/store';

export interface KitState {
  kitNumber: string;
  status: KitStatus;
  blindedLot: string;
  useBefore: string;
  serial: string | null;
}

/**
 * Kit statuses and the blinded fields any pharmacy user may see, on the Store (issue 13, item 2). Sealed columns are
 * read by the allocation code only.
 */
export class KitRepository {
  // Asked at every scan and of each kit a suggestion draws: prepared once.
  private readonly byNumber: PreparedQuery<[string], KitState>;
  private readonly shelfState: PreparedQuery<[string], { status: KitStatus; useBefore: string }>;
  private readonly bySerial: PreparedQuery<[string], { k: string }>;
  private readonly sealedOf: PreparedQuery<[string], { armSealed: string; expirySealed: string; lotSealed: string }>;

  constructor(private readonly store: Store) {
    this.byNumber = store.prepare((q, kitNumber: string) =>
      q
        .selectFrom('kits')
        .select(['kit_number as kitNumber', 'status', 'blinded_lot as blindedLot', 'use_before as useBefore', 'serial'])
        .where('kit_number', '=', kitNumber)
        .$castTo<KitState>(),
    );
    this.shelfState = store.prepare((q, kitNumber: string) =>
      q.selectFrom('kits').select(['status', 'use_before as useBefore']).where('kit_number', '=', kitNumber).$castTo<{ status: KitStatus; useBefore: string }>(),
    );
    this.bySerial = store.prepare((q, serial: string) => q.selectFrom('kits').select('kit_number as k').where('serial', '=', serial));
    this.sealedOf = store.prepare((q, kitNumber: string) =>
      q.selectFrom('kits').select(['arm_sealed as armSealed', 'expiry_sealed as expirySealed', 'lot_sealed as lotSealed']).where('kit_number', '=', kitNumber),
    );
  }

  async get(kitNumber: string): Promise<KitState | undefined> {
    return (await this.byNumber.run(kitNumber))[0];
  }

  /** Whether the unblinded import marked this kit to be held at receipt (shared/kits/expiryHold.ts); no date, no arm. */
  async expiryHeld(kitNumber: string): Promise<boolean> {
    const row = await this.store.q().selectFrom('kits').select('expiry_hold as h').where('kit_number', '=', kitNumber).executeTakeFirst();
    return row?.h === 1;
  }

  async setStatus(kitNumber: string, status: KitStatus): Promise<void> {
    await this.store.q().updateTable('kits').set({ status }).where('kit_number', '=', kitNumber).execute();
  }

  async all(): Promise<KitState[]> {
    return this.store
      .q()
      .selectFrom('kits')
      .select(['kit_number as kitNumber', 'status', 'blinded_lot as blindedLot', 'use_before as useBefore', 'serial'])
      .$castTo<KitState>()
      .execute();
  }

  async countsByStatus(): Promise<Record<string, number>> {
    const rows = await this.store
      .q()
      .selectFrom('kits')
      .select((eb) => ['status', eb.fn.countAll<number>().as('n')])
      .groupBy('status')
      .execute();
    return Object.fromEntries(rows.map((r) => [r.status, Number(r.n)]));
  }

  /**
   * Sealed arm and expiry of every kit in the list, whatever its status, for the unblinded session's index
   * (dispensing/unsealedStock.ts, which opens them with the key): they never change once imported.
   */
  async sealedAll(): Promise<Array<{ kitNumber: string; armSealed: string; expirySealed: string }>> {
    return this.store.q().selectFrom('kits').select(['kit_number as kitNumber', 'arm_sealed as armSealed', 'expiry_sealed as expirySealed']).execute();
  }

  /**
   * How many kits the list holds: kits are only ever added (never deleted), so an index built when the list held this
   * many is complete while the count stays the same. (SQLite's rowid has no PostgreSQL counterpart on this table.)
   */
  async lastImported(): Promise<number> {
    const row = await this.store
      .q()
      .selectFrom('kits')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    return Number(row.n);
  }

  /** The kit's status and the use-before date on its label: asked of each kit a suggestion draws, so prepared once. */
  async shelfStateOf(kitNumber: string): Promise<{ status: KitStatus; useBefore: string } | undefined> {
    return (await this.shelfState.run(kitNumber))[0];
  }

  /** The kit whose pack carries this GS1 serial (AI 21), if any: asked at every pack scan, so prepared once. */
  async kitNumberBySerial(serial: string): Promise<string | undefined> {
    return (await this.bySerial.run(serial))[0]?.k;
  }

  async sealed(kitNumber: string): Promise<{ armSealed: string; expirySealed: string; lotSealed: string } | undefined> {
    return (await this.sealedOf.run(kitNumber))[0];
  }
}
