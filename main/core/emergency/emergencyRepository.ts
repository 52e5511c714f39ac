import type { Store } from '../db/store';
import type { StudyScope } from '../study/studyScope';

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

/**
 * All SQL about emergency unblindings and the sponsor's notification of them, on the Store (issue 13, item 2). No arm is
 * ever stored here. An unblinding is its patient's study's: read through the patient.
 */
export class EmergencyRepository {
  constructor(
    private readonly store: Store,
    private readonly study: StudyScope,
  ) {}

  async insertUnblinding(u: { patientId: number; userId: number; at: string; reason: string; adverseEvent: boolean; signatureId: number }): Promise<number> {
    const row = await this.store
      .q()
      .insertInto('emergency_unblindings')
      .values({ patient_id: u.patientId, user_id: u.userId, unblinded_at: u.at, reason: u.reason, adverse_event: u.adverseEvent ? 1 : 0, signature_id: u.signatureId })
      .returning('id')
      .executeTakeFirstOrThrow();
    return row.id;
  }

  /** Oldest first (by id). */
  async records(): Promise<UnblindingRecord[]> {
    return (await this.select().orderBy('e.id').execute()).map(toRecord);
  }

  async record(id: number): Promise<UnblindingRecord | undefined> {
    const row = await this.select().where('e.id', '=', id).executeTakeFirst();
    return row ? toRecord(row) : undefined;
  }

  /** The patients whose blind was broken in an emergency (the flag every patient screen and report shows). */
  async unblindedPatientIds(): Promise<Set<number>> {
    const rows = await this.store
      .q()
      .selectFrom('emergency_unblindings as e')
      .innerJoin('patients as p', 'p.id', 'e.patient_id')
      .select('e.patient_id')
      .distinct()
      .where('p.study_id', '=', this.study.id())
      .execute();
    return new Set(rows.map((r) => r.patient_id));
  }

  async insertSponsorNotification(n: { unblindingId: number; userId: number; at: string; reference: string | null }): Promise<void> {
    await this.store.q().insertInto('emergency_sponsor_notifications').values({ unblinding_id: n.unblindingId, user_id: n.userId, notified_at: n.at, reference: n.reference }).execute();
  }

  private select() {
    return this.store
      .q()
      .selectFrom('emergency_unblindings as e')
      .innerJoin('patients as p', 'p.id', 'e.patient_id')
      .innerJoin('users as u', 'u.id', 'e.user_id')
      .leftJoin('emergency_sponsor_notifications as n', 'n.unblinding_id', 'e.id')
      .leftJoin('users as nu', 'nu.id', 'n.user_id')
      .select([
        'e.id',
        'e.patient_id as patientId',
        'p.screening_number as screeningNumber',
        'p.randomization_number as randomizationNumber',
        'e.unblinded_at as unblindedAt',
        'u.display_name as by',
        'e.reason',
        'e.adverse_event as adverseEvent',
        'n.notified_at as notifiedAt',
        'nu.display_name as notifiedBy',
        'n.reference',
      ])
      .where('p.study_id', '=', this.study.id())
      .$castTo<RawRecord>();
  }
}
