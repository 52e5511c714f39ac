import type { PreparedQuery, Store } from '../db/store';
import type { StudyScope } from '../study/studyScope';

export type ShipmentOutcome = 'expected' | 'received' | 'damaged' | 'missing';

export interface ShipmentRow {
  id: number;
  reference: string;
  createdAt: string;
  temperature: 'alarm' | 'no_alarm' | 'no_monitor' | null;
  closedAt: string | null;
}

export interface ShipmentKitRow {
  kitNumber: string;
  outcome: ShipmentOutcome;
  scannedAt: string | null;
  source: string | null;
}

/**
 * All SQL about shipments and the kits each one carries, on the Store (issue 13, item 2). Every row is the scope's
 * study's: references and kit numbers are unique within a study only (migration 20).
 */
export class ShipmentRepository {
  // The receiving desk's scan (one per kit) and a shipment's creation (one line per kit) are hot paths: prepared once.
  private readonly shipmentById: PreparedQuery<[number, number], ShipmentRow>;
  private readonly kitLine: PreparedQuery<[number, number, string], ShipmentKitRow>;
  private readonly outcomeSet: PreparedQuery<[ShipmentOutcome, string | null, string | null, number, number, string], unknown>;
  private readonly kitLineAdded: PreparedQuery<[number, number, string], unknown>;
  private readonly shipmentOfKitNumber: PreparedQuery<[number, string], { id: number }>;

  constructor(
    private readonly store: Store,
    private readonly study: StudyScope,
  ) {
    this.shipmentById = store.prepare((q, studyId: number, id: number) =>
      q
        .selectFrom('shipments')
        .select(['id', 'reference', 'created_at as createdAt', 'temperature', 'closed_at as closedAt'])
        .where('study_id', '=', studyId)
        .where('id', '=', id)
        .$castTo<ShipmentRow>(),
    );
    this.kitLine = store.prepare((q, studyId: number, shipmentId: number, kitNumber: string) =>
      q
        .selectFrom('shipment_kits')
        .select(['kit_number as kitNumber', 'outcome', 'scanned_at as scannedAt', 'source'])
        .where('study_id', '=', studyId)
        .where('shipment_id', '=', shipmentId)
        .where('kit_number', '=', kitNumber)
        .$castTo<ShipmentKitRow>(),
    );
    this.outcomeSet = store.prepare((q, outcome: ShipmentOutcome, at: string | null, source: string | null, studyId: number, shipmentId: number, kitNumber: string) =>
      q.updateTable('shipment_kits').set({ outcome, scanned_at: at, source }).where('study_id', '=', studyId).where('shipment_id', '=', shipmentId).where('kit_number', '=', kitNumber),
    );
    this.kitLineAdded = store.prepare((q, studyId: number, shipmentId: number, kitNumber: string) => q.insertInto('shipment_kits').values({ shipment_id: shipmentId, kit_number: kitNumber, study_id: studyId }));
    this.shipmentOfKitNumber = store.prepare((q, studyId: number, kitNumber: string) => q.selectFrom('shipment_kits').select('shipment_id as id').where('study_id', '=', studyId).where('kit_number', '=', kitNumber));
  }

  async insert(reference: string, createdAt: string, createdBy: number): Promise<number> {
    const row = await this.store.q().insertInto('shipments').values({ reference, created_at: createdAt, created_by: createdBy, study_id: this.study.id() }).returning('id').executeTakeFirstOrThrow();
    return row.id;
  }

  async byReference(reference: string): Promise<ShipmentRow | undefined> {
    return this.store
      .q()
      .selectFrom('shipments')
      .select(['id', 'reference', 'created_at as createdAt', 'temperature', 'closed_at as closedAt'])
      .where('study_id', '=', this.study.id())
      .where('reference', '=', reference)
      .$castTo<ShipmentRow>()
      .executeTakeFirst();
  }

  async get(id: number): Promise<ShipmentRow | undefined> {
    return (await this.shipmentById.run(this.study.id(), id))[0];
  }

  /** Newest first (by id: the order they were created in). */
  async list(): Promise<ShipmentRow[]> {
    return this.store
      .q()
      .selectFrom('shipments')
      .select(['id', 'reference', 'created_at as createdAt', 'temperature', 'closed_at as closedAt'])
      .where('study_id', '=', this.study.id())
      .orderBy('id', 'desc')
      .$castTo<ShipmentRow>()
      .execute();
  }

  async addKit(shipmentId: number, kitNumber: string): Promise<void> {
    await this.kitLineAdded.run(this.study.id(), shipmentId, kitNumber);
  }

  async shipmentOfKit(kitNumber: string): Promise<number | undefined> {
    return (await this.shipmentOfKitNumber.run(this.study.id(), kitNumber))[0]?.id;
  }

  /** Every kit number that is in some shipment. */
  async shippedKitNumbers(): Promise<Set<string>> {
    return new Set((await this.store.q().selectFrom('shipment_kits').select('kit_number').where('study_id', '=', this.study.id()).execute()).map((r) => r.kit_number));
  }

  /** The kits of a shipment, in no particular order (callers sort them with compareKitNumbers). */
  async kits(shipmentId: number): Promise<ShipmentKitRow[]> {
    return this.store
      .q()
      .selectFrom('shipment_kits')
      .select(['kit_number as kitNumber', 'outcome', 'scanned_at as scannedAt', 'source'])
      .where('study_id', '=', this.study.id())
      .where('shipment_id', '=', shipmentId)
      .$castTo<ShipmentKitRow>()
      .execute();
  }

  /** One kit's line in a shipment, if the shipment carries it. */
  async kit(shipmentId: number, kitNumber: string): Promise<ShipmentKitRow | undefined> {
    return (await this.kitLine.run(this.study.id(), shipmentId, kitNumber))[0];
  }

  async setOutcome(shipmentId: number, kitNumber: string, outcome: ShipmentOutcome, at: string | null, source: string | null): Promise<void> {
    await this.outcomeSet.run(outcome, at, source, this.study.id(), shipmentId, kitNumber);
  }

  async close(id: number, temperature: string, at: string, userId: number): Promise<void> {
    await this.store.q().updateTable('shipments').set({ temperature, closed_at: at, closed_by: userId }).where('study_id', '=', this.study.id()).where('id', '=', id).execute();
  }
}
