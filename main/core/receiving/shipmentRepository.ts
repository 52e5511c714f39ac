import type { Db } from '../db/database';

export type ShipmentOutcome = 'expected' | 'received' | 'damaged' | 'missing';

export interface ShipmentRow {
  id: number;
  reference: string;
  createdAt: string;
  temperature: 'alarm' | 'no_alarm' | 'no_monitor' | null;
  closedAt: string | null;
}

/** All SQL about shipments and the kits each one carries. */
export class ShipmentRepository {
  constructor(private readonly db: Db) {}

  insert(reference: string, createdAt: string, createdBy: number): number {
    return Number(this.db.prepare('INSERT INTO shipments (reference, created_at, created_by) VALUES (?, ?, ?)').run(reference, createdAt, createdBy).lastInsertRowid);
  }

  byReference(reference: string): ShipmentRow | undefined {
    return this.db
      .prepare('SELECT id, reference, created_at AS createdAt, temperature, closed_at AS closedAt FROM shipments WHERE reference = ?')
      .get(reference) as ShipmentRow | undefined;
  }

  get(id: number): ShipmentRow | undefined {
    return this.db.prepare('SELECT id, reference, created_at AS createdAt, temperature, closed_at AS closedAt FROM shipments WHERE id = ?').get(id) as
      | ShipmentRow
      | undefined;
  }

  list(): ShipmentRow[] {
    return this.db.prepare('SELECT id, reference, created_at AS createdAt, temperature, closed_at AS closedAt FROM shipments ORDER BY id DESC').all() as ShipmentRow[];
  }

  addKit(shipmentId: number, kitNumber: string): void {
    this.db.prepare('INSERT INTO shipment_kits (shipment_id, kit_number) VALUES (?, ?)').run(shipmentId, kitNumber);
  }

  shipmentOfKit(kitNumber: string): number | undefined {
    return (this.db.prepare('SELECT shipment_id AS id FROM shipment_kits WHERE kit_number = ?').get(kitNumber) as { id: number } | undefined)?.id;
  }

  kits(shipmentId: number): Array<{ kitNumber: string; outcome: ShipmentOutcome; scannedAt: string | null; source: string | null }> {
    return this.db
      .prepare('SELECT kit_number AS kitNumber, outcome, scanned_at AS scannedAt, source FROM shipment_kits WHERE shipment_id = ?')
      .all(shipmentId) as Array<{ kitNumber: string; outcome: ShipmentOutcome; scannedAt: string | null; source: string | null }>;
  }

  setOutcome(shipmentId: number, kitNumber: string, outcome: ShipmentOutcome, at: string | null, source: string | null): void {
    this.db
      .prepare('UPDATE shipment_kits SET outcome = ?, scanned_at = ?, source = ? WHERE shipment_id = ? AND kit_number = ?')
      .run(outcome, at, source, shipmentId, kitNumber);
  }

  close(id: number, temperature: string, at: string, userId: number): void {
    this.db.prepare('UPDATE shipments SET temperature = ?, closed_at = ?, closed_by = ? WHERE id = ?').run(temperature, at, userId, id);
  }
}
