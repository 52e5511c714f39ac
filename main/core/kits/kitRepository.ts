import type { KitStatus } from '../../../shared/kits/kitLifecycle';
import type { PreparedQuery, Store } from '../db/store';
import { readInSlices } from '../db/slices';
import type { StudyScope } from '../study/studyScope';

export interface KitState {
  kitNumber: string;
  /** Printed on the kit and its label (bottle A, bottle B); null in a study without kit types. */
  kitType: string | null;
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
  // Asked at every scan: prepared once.
  private readonly byNumber: PreparedQuery<[number, string], KitState>;
  private readonly bySerial: PreparedQuery<[number, string], { k: string }>;
  private readonly sealedOf: PreparedQuery<[number, string], { armSealed: string; expirySealed: string; lotSealed: string }>;

  constructor(
    private readonly store: Store,
    private readonly study: StudyScope,
  ) {
    this.byNumber = store.prepare((q, studyId: number, kitNumber: string) =>
      q
        .selectFrom('kits')
        .select(['kit_number as kitNumber', 'kit_type as kitType', 'status', 'blinded_lot as blindedLot', 'use_before as useBefore', 'serial'])
        .where('study_id', '=', studyId)
        .where('kit_number', '=', kitNumber)
        .$castTo<KitState>(),
    );
    this.bySerial = store.prepare((q, studyId: number, serial: string) => q.selectFrom('kits').select('kit_number as k').where('study_id', '=', studyId).where('serial', '=', serial));
    this.sealedOf = store.prepare((q, studyId: number, kitNumber: string) =>
      q
        .selectFrom('kits')
        .select(['arm_sealed as armSealed', 'expiry_sealed as expirySealed', 'lot_sealed as lotSealed'])
        .where('study_id', '=', studyId)
        .where('kit_number', '=', kitNumber),
    );
  }

  async get(kitNumber: string): Promise<KitState | undefined> {
    return (await this.byNumber.run(this.study.id(), kitNumber))[0];
  }

  /** Whether the unblinded import marked this kit to be held at receipt (shared/kits/expiryHold.ts); no date, no arm. */
  async expiryHeld(kitNumber: string): Promise<boolean> {
    const row = await this.store.q().selectFrom('kits').select('expiry_hold as h').where('study_id', '=', this.study.id()).where('kit_number', '=', kitNumber).executeTakeFirst();
    return row?.h === 1;
  }

  async setStatus(kitNumber: string, status: KitStatus): Promise<void> {
    await this.store.q().updateTable('kits').set({ status }).where('study_id', '=', this.study.id()).where('kit_number', '=', kitNumber).execute();
  }

  async all(): Promise<KitState[]> {
    return this.store
      .q()
      .selectFrom('kits')
      .select(['kit_number as kitNumber', 'kit_type as kitType', 'status', 'blinded_lot as blindedLot', 'use_before as useBefore', 'serial'])
      .where('study_id', '=', this.study.id())
      .$castTo<KitState>()
      .execute();
  }

  async countsByStatus(): Promise<Record<string, number>> {
    const rows = await this.store
      .q()
      .selectFrom('kits')
      .select((eb) => ['status', eb.fn.countAll<number>().as('n')])
      .where('study_id', '=', this.study.id())
      .groupBy('status')
      .execute();
    return Object.fromEntries(rows.map((r) => [r.status, Number(r.n)]));
  }

  /** How many kits are in this status: the index on the status reads only those. */
  async countInStatus(status: KitStatus): Promise<number> {
    const row = await this.store
      .q()
      .selectFrom('kits')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('study_id', '=', this.study.id())
      .where('status', '=', status)
      .executeTakeFirst();
    return Number(row?.n ?? 0);
  }

  /**
   * Sealed arm and expiry of the kits in these statuses, for the unblinded session's index (dispensing/unsealedStock.ts,
   * which opens them with the key): both never change once imported.
   */
  async sealedByStatus(statuses: ReadonlySet<KitStatus>): Promise<Array<{ kitNumber: string; kitType: string | null; armSealed: string; expirySealed: string }>> {
    return this.store
      .q()
      .selectFrom('kits')
      .select(['kit_number as kitNumber', 'kit_type as kitType', 'arm_sealed as armSealed', 'expiry_sealed as expirySealed'])
      .where('study_id', '=', this.study.id())
      .where('status', 'in', [...statuses])
      .execute();
  }

  /**
   * The version of the kits' sealed arms and expiry dates: the last list imported, then how many times a sealed expiry
   * was changed since (an expiry extension). Kept in the database, so every workstation's UnsealedStock sees a change.
   */
  async sealedVersion(): Promise<string> {
    const row = await this.store.q().selectFrom('settings').select('value').where('key', '=', SEALED_REVISION).executeTakeFirst();
    return `${await this.lastListImport()}:${row ? row.value : '0'}`;
  }

  /** Marks the kits' sealed values changed: UnsealedStock rebuilds its index at its next use. */
  async bumpSealedVersion(): Promise<void> {
    const row = await this.store.q().selectFrom('settings').select('value').where('key', '=', SEALED_REVISION).executeTakeFirst();
    const next = String(Number(row?.value ?? '0') + 1);
    await this.store
      .q()
      .insertInto('settings')
      .values({ key: SEALED_REVISION, value: next })
      .onConflict((oc) => oc.column('key').doUpdateSet({ value: next }))
      .execute();
  }

  /** Replaces a kit's sealed real expiry (already sealed by the caller with the allocation key). */
  async setExpirySealed(kitNumber: string, expirySealed: string): Promise<void> {
    await this.store.q().updateTable('kits').set({ expiry_sealed: expirySealed }).where('study_id', '=', this.study.id()).where('kit_number', '=', kitNumber).execute();
  }

  /**
   * The last list imported (0 before any): kits are only ever added, each by a list import in the same unit of work,
   * so an index of the kits built when this was the last import is complete while it stays the last. A lookup of the
   * highest key, not a count of the kits: it is asked at every refusal and plan. The site's last, whatever its study:
   * an import in another study rebuilds an index once more than needed (per study with a key per study, step 4).
   */
  async lastListImport(): Promise<number> {
    const row = await this.store
      .q()
      .selectFrom('list_imports')
      .select((eb) => eb.fn.max('id').as('id'))
      .executeTakeFirst();
    return Number(row?.id ?? 0);
  }

  /**
   * The status and label date of each of these kits (those the list holds), in one read: a suggestion's draw asks
   * about its kits in batches (dispensing/kitSuggestion.ts), so passing over 90 kits not yet received costs a few reads.
   */
  async shelfStatesOf(kitNumbers: readonly string[]): Promise<Map<string, { status: KitStatus; useBefore: string }>> {
    if (kitNumbers.length === 0) return new Map();
    const rows = await this.store
      .q()
      .selectFrom('kits')
      .select(['kit_number as kitNumber', 'status', 'use_before as useBefore'])
      .where('study_id', '=', this.study.id())
      .where('kit_number', 'in', kitNumbers)
      .$castTo<{ kitNumber: string; status: KitStatus; useBefore: string }>()
      .execute();
    return new Map(rows.map((r) => [r.kitNumber, { status: r.status, useBefore: r.useBefore }]));
  }

  /**
   * The studies, other than the scope's, with a kit of this number or serial (a kit scanned in the wrong study): read
   * across studies on purpose, and answered only as study ids, for the caller to keep those they are delegated to.
   */
  async otherStudiesHolding(code: string): Promise<number[]> {
    const rows = await this.store
      .q()
      .selectFrom('kits')
      .select('study_id')
      .distinct()
      .where('study_id', '<>', this.study.id())
      .where((eb) => eb.or([eb('kit_number', '=', code), eb('serial', '=', code)]))
      .orderBy('study_id')
      .execute();
    return rows.map((r) => r.study_id);
  }

  /** The kit whose pack carries this GS1 serial (AI 21), if any: asked at every pack scan, so prepared once. */
  async kitNumberBySerial(serial: string): Promise<string | undefined> {
    return (await this.bySerial.run(this.study.id(), serial))[0]?.k;
  }

  async sealed(kitNumber: string): Promise<{ armSealed: string; expirySealed: string; lotSealed: string } | undefined> {
    return (await this.sealedOf.run(this.study.id(), kitNumber))[0];
  }

  /** The sealed arm and real expiry of these kits (those that exist). */
  async sealedKits(kitNumbers: readonly string[]): Promise<Array<{ kitNumber: string; kitType: string | null; armSealed: string; expirySealed: string }>> {
    const studyId = this.study.id();
    return readInSlices(kitNumbers, (slice) =>
      this.store
        .q()
        .selectFrom('kits')
        .select(['kit_number as kitNumber', 'kit_type as kitType', 'arm_sealed as armSealed', 'expiry_sealed as expirySealed'])
        .where('study_id', '=', studyId)
        .where('kit_number', 'in', slice)
        .execute(),
    );
  }
}

/** The settings key counting changes of sealed expiry dates since the last import. */
const SEALED_REVISION = 'kits.sealedRevision';
