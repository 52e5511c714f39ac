import type { Db } from '../db/database';
import type { ReturnCondition } from '../returns/returnsRepository';
import type { Discrepancy } from './reconciliationService';

/** One kit's accountability facts, as the reconciliation reads them (blinded lot and sealed real lot). */
export interface KitFacts {
  kit_number: string;
  status: string;
  blinded_lot: string;
  lot_sealed: string;
  outcome: string | null;
  shipment: string | null;
  scanned_at: string | null;
  screening_number: string | null;
  visit_code: string | null;
  dispensed_at: string | null;
  baseline_date: string | null;
  condition: ReturnCondition | null;
  units_returned: number | null;
  returned_at: string | null;
  verified_at: string | null;
  destroyed_on: string | null;
  destruction_recorded_at: string | null;
}

export interface SignOffRow {
  id: number;
  signedAt: string;
  signatureId: number;
  auditSeq: number;
  snapshotHash: string;
  discrepancies: number;
}

export interface DiscrepancyComment {
  kitNumber: string;
  /** The discrepancies the comment explains, as they were when it was written. */
  discrepancies: Discrepancy[];
  comment: string;
  by: string;
  at: string;
}

/** Every SQL statement of the reconciliation, its sign-offs and the monitor's comments (DESIGN.md section 6). */
export class ReconciliationRepository {
  constructor(private readonly db: Db) {}

  kitFacts(): KitFacts[] {
    return this.db
      .prepare(
        `SELECT k.kit_number, k.status, k.blinded_lot, k.lot_sealed, sk.outcome, s.reference AS shipment, sk.scanned_at,
           p.screening_number, d.visit_code, d.dispensed_at, p.baseline_date, r.condition, r.units_returned, r.returned_at, r.verified_at,
           ds.destroyed_on, ds.recorded_at AS destruction_recorded_at
         FROM kits k
         LEFT JOIN shipment_kits sk ON sk.kit_number = k.kit_number LEFT JOIN shipments s ON s.id = sk.shipment_id
         LEFT JOIN dispensing_kits dk ON dk.kit_number = k.kit_number LEFT JOIN dispensings d ON d.id = dk.dispensing_id
         LEFT JOIN patients p ON p.id = d.patient_id
         LEFT JOIN kit_returns r ON r.kit_number = k.kit_number
         LEFT JOIN destruction_kits dsk ON dsk.kit_number = k.kit_number LEFT JOIN destructions ds ON ds.id = dsk.destruction_id`,
      )
      .all() as KitFacts[];
  }

  insertSignOff(row: { signedAt: string; userId: number; signatureId: number; auditSeq: number; snapshotHash: string; discrepancies: number }): void {
    this.db
      .prepare('INSERT INTO reconciliation_signoffs (signed_at, user_id, signature_id, audit_seq, snapshot_hash, discrepancies) VALUES (?, ?, ?, ?, ?, ?)')
      .run(row.signedAt, row.userId, row.signatureId, row.auditSeq, row.snapshotHash, row.discrepancies);
  }

  latestSignOff(): SignOffRow | undefined {
    return this.db
      .prepare('SELECT id, signed_at AS signedAt, signature_id AS signatureId, audit_seq AS auditSeq, snapshot_hash AS snapshotHash, discrepancies FROM reconciliation_signoffs ORDER BY id DESC LIMIT 1')
      .get() as SignOffRow | undefined;
  }

  /** The first event of these actions after `seq`. */
  firstEventAfter(seq: number, actions: readonly string[]): { seq: number; action: string; username: string; atUtc: string; entityId: string } | undefined {
    return this.db
      .prepare(`SELECT seq, action, username, at_utc AS atUtc, entity_id AS entityId FROM audit_events WHERE seq > ? AND action IN (${actions.map(() => '?').join(',')}) ORDER BY seq LIMIT 1`)
      .get(seq, ...actions) as { seq: number; action: string; username: string; atUtc: string; entityId: string } | undefined;
  }

  /** The kits that events of these actions touched after `seq` (a kit's number is its entity id). */
  kitsTouchedAfter(seq: number, actions: readonly string[]): string[] {
    return (
      this.db
        .prepare(`SELECT DISTINCT entity_id AS k FROM audit_events WHERE seq > ? AND entity_type = 'kit' AND action IN (${actions.map(() => '?').join(',')})`)
        .all(seq, ...actions) as Array<{ k: string }>
    ).map((r) => r.k);
  }

  insertComment(row: { kitNumber: string; discrepancies: string[]; comment: string; userId: number; at: string }): void {
    this.db
      .prepare('INSERT INTO discrepancy_comments (kit_number, discrepancies, comment, user_id, commented_at) VALUES (?, ?, ?, ?, ?)')
      .run(row.kitNumber, row.discrepancies.join(','), row.comment, row.userId, row.at);
  }

  /** Every comment, oldest first. */
  comments(): DiscrepancyComment[] {
    const rows = this.db
      .prepare(
        `SELECT c.kit_number AS kitNumber, c.discrepancies, c.comment, u.display_name AS by, c.commented_at AS at
         FROM discrepancy_comments c JOIN users u ON u.id = c.user_id ORDER BY c.id`,
      )
      .all() as Array<Omit<DiscrepancyComment, 'discrepancies'> & { discrepancies: string }>;
    return rows.map((r) => ({ ...r, discrepancies: (r.discrepancies ? r.discrepancies.split(',') : []) as Discrepancy[] }));
  }
}
