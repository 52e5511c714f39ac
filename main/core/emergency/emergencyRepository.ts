import type { Db } from '../db/database';

/** An emergency unblinding as anyone allowed to read patients may see it: who, when, why, which patient; never the arm. */
export interface UnblindingRecord {
  id: number;
  patientId: number;
  screeningNumber: string;
  randomizationNumber: string;
  unblindedAt: string;
  by: string;
  reason: string;
  adverseEvent: boolean;
  /** The next step (issue 11, item 9): the sponsor notified, recorded by whom and when, with the notice's reference. */
  sponsorNotified: { at: string; by: string; reference: string | null } | null;
}

interface RawRecord {
  id: number;
  patientId: number;
  screeningNumber: string;
  randomizationNumber: string;
  unblindedAt: string;
  by: string;
  reason: string;
  adverseEvent: number;
  notifiedAt: string | null;
  notifiedBy: string | null;
  reference: string | null;
}

const SELECT = `SELECT e.id, e.patient_id AS patientId, p.screening_number AS screeningNumber, p.randomization_number AS randomizationNumber,
    e.unblinded_at AS unblindedAt, u.display_name AS by, e.reason, e.adverse_event AS adverseEvent,
    n.notified_at AS notifiedAt, nu.display_name AS notifiedBy, n.reference
  FROM emergency_unblindings e
  JOIN patients p ON p.id = e.patient_id
  JOIN users u ON u.id = e.user_id
  LEFT JOIN emergency_sponsor_notifications n ON n.unblinding_id = e.id
  LEFT JOIN users nu ON nu.id = n.user_id`;

function toRecord(r: RawRecord): UnblindingRecord {
  return {
    id: r.id,
    patientId: r.patientId,
    screeningNumber: r.screeningNumber,
    randomizationNumber: r.randomizationNumber,
    unblindedAt: r.unblindedAt,
    by: r.by,
    reason: r.reason,
    adverseEvent: r.adverseEvent === 1,
    sponsorNotified: r.notifiedAt === null ? null : { at: r.notifiedAt, by: r.notifiedBy ?? '', reference: r.reference },
  };
}

/** All SQL about emergency unblindings and the sponsor's notification of them. No arm is ever stored here. */
export class EmergencyRepository {
  constructor(private readonly db: Db) {}

  insertUnblinding(u: { patientId: number; userId: number; at: string; reason: string; adverseEvent: boolean; signatureId: number }): number {
    return Number(
      this.db
        .prepare('INSERT INTO emergency_unblindings (patient_id, user_id, unblinded_at, reason, adverse_event, signature_id) VALUES (?, ?, ?, ?, ?, ?)')
        .run(u.patientId, u.userId, u.at, u.reason, u.adverseEvent ? 1 : 0, u.signatureId).lastInsertRowid,
    );
  }

  records(): UnblindingRecord[] {
    return (this.db.prepare(`${SELECT} ORDER BY e.id`).all() as RawRecord[]).map(toRecord);
  }

  record(id: number): UnblindingRecord | undefined {
    const row = this.db.prepare(`${SELECT} WHERE e.id = ?`).get(id) as RawRecord | undefined;
    return row ? toRecord(row) : undefined;
  }

  /** The patients whose blind was broken in an emergency (the flag every patient screen and report shows). */
  unblindedPatientIds(): Set<number> {
    return new Set((this.db.prepare('SELECT DISTINCT patient_id AS id FROM emergency_unblindings').all() as Array<{ id: number }>).map((r) => r.id));
  }

  insertSponsorNotification(n: { unblindingId: number; userId: number; at: string; reference: string | null }): void {
    this.db.prepare('INSERT INTO emergency_sponsor_notifications (unblinding_id, user_id, notified_at, reference) VALUES (?, ?, ?, ?)').run(n.unblindingId, n.userId, n.at, n.reference);
  }
}
