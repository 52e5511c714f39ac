import type { Db } from '../db/database';
import { statements, type Statements } from '../db/statements';

/** A kit as the accountability log needs it: the blinded lot, and the sealed real lot and arm (opened only with the key). */
export interface KitLotRow {
  kitNumber: string;
  blindedLot: string;
  lotSealed: string;
  armSealed: string;
}

/** A kit as the inventory counts it: its status and its sealed arm. */
export interface KitStockRow {
  kitNumber: string;
  status: string;
  armSealed: string;
}

/** A kit on the shelf as the expiry report lists it: the label's use-before date and blinded lot, the sealed real ones. */
export interface KitExpiryRow {
  kitNumber: string;
  status: string;
  useBefore: string;
  blindedLot: string;
  expirySealed: string;
  lotSealed: string;
  armSealed: string;
}

/** One movement of a kit: when, and the display name (or username, for the trail) of who recorded it. */
export interface KitMovementRow {
  kitNumber: string;
  at: string;
  recordedBy: string;
}

/** A movement that concerns a patient: the patient's initials and randomization number too. */
export interface PatientKitMovementRow extends KitMovementRow {
  patientInitials: string;
  randomizationNumber: string;
}

export interface ReportPatientRow {
  id: number;
  screeningNumber: string;
  initials: string;
  randomizationNumber: string | null;
  status: string;
  /** 1 when the blind was broken for this patient in an emergency (never which arm). */
  emergencyUnblinded: number;
}

export interface PatientDispensingLine {
  visit: string;
  dispensedAt: string;
  kitNumber: string;
  outOfWindowReason: string | null;
  returnCondition: string | null;
  unitsReturned: number | null;
}

/** The statuses of the kits on the shelf that the expiry report lists (fixed fragments, never user input). */
export type ShelfScope = 'available' | 'available_or_quarantined';

const SHELF_SCOPE: Readonly<Record<ShelfScope, string>> = {
  available: "('available')",
  available_or_quarantined: "('available', 'quarantined')",
};

/**
 * The reports' read model (DESIGN.md section 6: a report's SQL lives in a named read model beside its service). Reads
 * only; the arms and real lots it returns are sealed, opened by the report service with the allocation key.
 */
export class ReportReadModel {
  private readonly sql: Statements;

  constructor(db: Db) {
    this.sql = statements(db);
  }

  kitLots(): KitLotRow[] {
    return this.sql('SELECT kit_number AS kitNumber, blinded_lot AS blindedLot, lot_sealed AS lotSealed, arm_sealed AS armSealed FROM kits').all() as KitLotRow[];
  }

  kitStock(): KitStockRow[] {
    return this.sql('SELECT kit_number AS kitNumber, status, arm_sealed AS armSealed FROM kits').all() as KitStockRow[];
  }

  kitsOnShelfForExpiry(scope: ShelfScope): KitExpiryRow[] {
    return this.sql(
      `SELECT kit_number AS kitNumber, status, use_before AS useBefore, blinded_lot AS blindedLot, expiry_sealed AS expirySealed,
         lot_sealed AS lotSealed, arm_sealed AS armSealed FROM kits WHERE status IN ${SHELF_SCOPE[scope]}`,
    ).all() as KitExpiryRow[];
  }

  /** Kits received into stock at the close of their shipment, by whom the shipment was closed. */
  receipts(): KitMovementRow[] {
    return this.sql(
      `SELECT sk.kit_number AS kitNumber, s.closed_at AS at, u.display_name AS recordedBy FROM shipment_kits sk JOIN shipments s ON s.id = sk.shipment_id
       JOIN users u ON u.id = s.closed_by WHERE sk.outcome = 'received' AND s.closed_at IS NOT NULL`,
    ).all() as KitMovementRow[];
  }

  dispensedKits(): PatientKitMovementRow[] {
    return this.sql(
      `SELECT dk.kit_number AS kitNumber, d.dispensed_at AS at, p.initials AS patientInitials, p.randomization_number AS randomizationNumber,
         u.display_name AS recordedBy FROM dispensing_kits dk
       JOIN dispensings d ON d.id = dk.dispensing_id JOIN patients p ON p.id = d.patient_id JOIN users u ON u.id = d.user_id`,
    ).all() as PatientKitMovementRow[];
  }

  returnedKits(): Array<PatientKitMovementRow & { condition: string }> {
    return this.sql(
      `SELECT r.kit_number AS kitNumber, r.returned_at AS at, r.condition, p.initials AS patientInitials, p.randomization_number AS randomizationNumber,
         u.display_name AS recordedBy FROM kit_returns r
       JOIN patients p ON p.id = r.patient_id JOIN users u ON u.id = r.user_id`,
    ).all() as Array<PatientKitMovementRow & { condition: string }>;
  }

  /** Every kit number ever dispensed. */
  dispensedKitNumbers(): string[] {
    return (this.sql('SELECT kit_number AS k FROM dispensing_kits').all() as Array<{ k: string }>).map((r) => r.k);
  }

  /** Every kit number received into stock (not refused at receipt). */
  receivedKitNumbers(): string[] {
    return (this.sql("SELECT kit_number AS k FROM shipment_kits WHERE outcome = 'received'").all() as Array<{ k: string }>).map((r) => r.k);
  }

  destroyedKits(): KitMovementRow[] {
    return this.sql(
      `SELECT dk.kit_number AS kitNumber, d.recorded_at AS at, u.display_name AS recordedBy FROM destruction_kits dk JOIN destructions d ON d.id = dk.destruction_id
       JOIN users u ON u.id = d.user_id`,
    ).all() as KitMovementRow[];
  }

  /** Kits lost from the shelf (available, then lost), from the audit trail; `recordedBy` is the username. */
  kitsLostFromShelf(): KitMovementRow[] {
    return this.sql(
      `SELECT entity_id AS kitNumber, at_utc AS at, username AS recordedBy FROM audit_events
       WHERE action = 'kit.status_changed' AND json_extract(after_json, '$.status') = 'lost' AND json_extract(before_json, '$.status') = 'available'`,
    ).all() as KitMovementRow[];
  }

  /** Every patient (or the one asked for), by screening number. */
  patients(patientId?: number): ReportPatientRow[] {
    const sql =
      `SELECT id, screening_number AS screeningNumber, initials, randomization_number AS randomizationNumber, status,
         EXISTS (SELECT 1 FROM emergency_unblindings e WHERE e.patient_id = patients.id) AS emergencyUnblinded FROM patients` +
      (patientId ? ' WHERE id = ?' : '') +
      ' ORDER BY screening_number';
    return this.sql(sql).all(...(patientId ? [patientId] : [])) as ReportPatientRow[];
  }

  /** A patient's dispensed kits with their returns, in dispensing order. */
  dispensingHistory(patientId: number): PatientDispensingLine[] {
    return this.sql(
      `SELECT d.visit_code AS visit, d.dispensed_at AS dispensedAt, dk.kit_number AS kitNumber, d.out_of_window_reason AS outOfWindowReason,
         r.condition AS returnCondition, r.units_returned AS unitsReturned
       FROM dispensings d JOIN dispensing_kits dk ON dk.dispensing_id = d.id LEFT JOIN kit_returns r ON r.kit_number = dk.kit_number
       WHERE d.patient_id = ? ORDER BY d.dispensed_at, dk.kit_number`,
    ).all(patientId) as PatientDispensingLine[];
  }
}
