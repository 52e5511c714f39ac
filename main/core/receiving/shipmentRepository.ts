import type { PreparedQuery, Store } from '../db/store';

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

/** All SQL about shipments and the kits each one carries, on the Store (issue 13, item 2). */
export class ShipmentRepository {
  // The receiving desk's scan (one per kit) and a shipment's creation (one line per kit) are hot paths: prepared once.
  private readonly shipmentById: PreparedQuery<[number], ShipmentRow>;
  private readonly kitLine: PreparedQuery<[number, string], ShipmentKitRow>;
  private readonly outcomeSet: PreparedQuery<[ShipmentOutcome, string | null, string | null, number, string], unknown>;
  private readonly kitLineAdded: PreparedQuery<[number, string], unknown>;
  private readonly shipmentOfKitNumber: PreparedQuery<[string], { id: number }>;

  constructor(private readonly store: Store) {
    this.shipmentById = store.prepare((q, id: number) =>
      q
        .selectFrom('shipments')
        .select(['id', 'reference', 'created_at as createdAt', 'temperature', 'closed_at as closedAt'])
        .where('id', '=', id)
        .$castTo<ShipmentRow>(),
    );
    this.kitLine = store.prepare((q, shipmentId: number, kitNumber: string) =>
      q
        .selectFrom('shipment_kits')
        .select(['kit_number as kitNumber', 'outcome', 'scanned_at as scannedAt', 'source'])
        .where('shipment_id', '=', shipmentId)
        .where('kit_number', '=', kitNumber)
        .$castTo<ShipmentKitRow>(),
    );
    this.outcomeSet = store.prepare((q, outcome: ShipmentOutcome, at: string | null, source: string | null, shipmentId: number, kitNumber: string) =>
      q.updateTable('shipment_kits').set({ outcome, scanned_at: at, source }).where('shipment_id', '=', shipmentId).where('kit_number', '=', kitNumber),
    );
    this.kitLineAdded = store.prepare((q, shipmentId: number, kitNumber: string) => q.insertInto('shipment_kits').values({ shipment_id: shipmentId, kit_number: kitNumber }));
    this.shipmentOfKitNumber = store.prepare((q, kitNumber: string) => q.selectFrom('shipment_kits').select('shipment_id as id').where('kit_number', '=', kitNumber));
  }

  async insert(reference: string, createdAt: string, createdBy: number): Promise<number> {
    const row = await this.store.q().insertInto('shipments').values({ reference, created_at: createdAt, created_by: createdBy }).returning('id').executeTakeFirstOrThrow();
    return row.id;
  }

  async byReference(reference: string): Promise<ShipmentRow | undefined> {
    return this.store
      .q()
      .selectFrom('shipments')
      .select(['id', 'reference', 'created_at as createdAt', 'temperature', 'closed_at as closedAt'])
      .where('reference', '=', reference)
      .$castTo<ShipmentRow>()
      .executeTakeFirst();
  }

  async get(id: number): Promise<ShipmentRow | undefined> {
    return (await this.shipmentById.run(id))[0];
  }

  /** Newest first (by id: the order they were created in). */
  async list(): Promise<ShipmentRow[]> {
    return this.store
      .q()
      .selectFrom('shipments')
      .select(['id', 'reference', 'created_at as createdAt', 'temperature', 'closed_at as closedAt'])
      .orderBy('id', 'desc')
      .$castTo<ShipmentRow>()
      .execute();
  }

  async addKit(shipmentId: number, kitNumber: string): Promise<void> {
    await this.kitLineAdded.run(shipmentId, kitNumber);
  }

  async shipmentOfKit(kitNumber: string): Promise<number | undefined> {
    return (await this.shipmentOfKitNumber.run(kitNumber))[0]?.id;
  }

  /** Every kit number that is in some shipment. */
  async shippedKitNumbers(): Promise<Set<string>> {
    return new Set((await this.store.q().selectFrom('shipment_kits').select('kit_number').execute()).map((r) => r.kit_number));
  }

  /** The kits of a shipment, in no particular order (callers sort them with compareKitNumbers). */
  async kits(shipmentId: number): Promise<ShipmentKitRow[]> {
    return this.store
      .q()
      .selectFrom('shipment_kits')
      .select(['kit_number as kitNumber', 'outcome', 'scanned_at as scannedAt', 'source'])
      .where('shipment_id', '=', shipmentId)
      .$castTo<ShipmentKitRow>()
      .execute();
  }

  /** One kit's line in a shipment, if the shipment carries it. */
  async kit(shipmentId: number, kitNumber: string): Promise<ShipmentKitRow | undefined> {
    return (await this.kitLine.run(shipmentId, kitNumber))[0];
  }

  async setOutcome(shipmentId: number, kitNumber: string, outcome: ShipmentOutcome, at: string | null, source: string | null): Promise<void> {
    await this.outcomeSet.run(outcome, at, source, shipmentId, kitNumber);
  }

  async close(id: number, temperature: string, at: string, userId: number): Promise<void> {
    await this.store.q().updateTable('shipments').set({ temperature, closed_at: at, closed_by: userId }).where('id', '=', id).execute();
  }
}
