import { sql } from 'kysely';
import { sortByKitNumber } from '../../../shared/allocation/kitOrder';
import type { Store } from '../db/store';
import type { ReturnCondition } from '../returns/returnsRepository';
import { eventsOf, type StudyScope } from '../study/studyScope';
import type { Discrepancy } from './reconciliationService';

/** One kit's accountability facts, as the reconciliation reads them (blinded lot and sealed real lot). */
export interface KitFacts {
  kit_number: string;
  status: string;
  blinded_lot: string;
  /** The sealed real lot, read only for the unblinded view (null otherwise). */
  lot_sealed: string | null;
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

/**
 * Every SQL statement of the reconciliation, its sign-offs and the monitor's comments (DESIGN.md section 6), on the
 * Store (issue 13). Every row is the scope's study's, and a kit's facts are joined by study and number: kit 1001 of
 * another study is another kit (migration 20). The audit trail is the site's and is read whole.
 */
export class ReconciliationRepository {
  /** Each study's kit numbers in kit-number order, as last read (kitNumbersInOrder). */
  private readonly kitOrder = new Map<number, readonly string[]>();

  constructor(
    private readonly store: Store,
    private readonly study: StudyScope,
  ) {}

  /**
   * Every kit number of the study in kit-number order (sortByKitNumber): a page of the reconciliation is cut from them.
   * Kits are never deleted nor renumbered, so the study's list only grows: it is read and sorted again when the
   * study's count of kits has changed (an import, here or at another workstation), and kept otherwise (50,000 numbers
   * took 25 ms to read and sort, a count 1 ms).
   */
  async kitNumbersInOrder(): Promise<readonly string[]> {
    const studyId = this.study.id();
    const counted = await this.store.q().selectFrom('kits').select((e) => e.fn.countAll<number | string>().as('n')).where('study_id', '=', studyId).executeTakeFirstOrThrow();
    const count = Number(counted.n);
    const kept = this.kitOrder.get(studyId);
    if (kept && kept.length === count) return kept;
    const rows = await this.store.q().selectFrom('kits').select('kit_number').where('study_id', '=', studyId).execute();
    const ordered = sortByKitNumber(
      rows.map((r) => r.kit_number),
      (n) => n,
    );
    this.kitOrder.set(studyId, ordered);
    return ordered;
  }

  /**
   * One row per kit (a kit is received, dispensed, returned and destroyed at most once), in no particular order: every
   * kit of the study, or those numbered (a page). The sealed real lot is read only when asked for (`sealed`, the
   * unblinded view): the blinded reconciliation has no use for it.
   */
  async kitFacts(numbers: readonly string[] | undefined, options: { sealed: boolean }): Promise<KitFacts[]> {
    if (numbers && numbers.length === 0) return [];
    const rows = await this.store
      .q()
      .selectFrom('kits as k')
      .leftJoin('shipment_kits as sk', (j) => j.onRef('sk.study_id', '=', 'k.study_id').onRef('sk.kit_number', '=', 'k.kit_number'))
      .leftJoin('shipments as s', 's.id', 'sk.shipment_id')
      .leftJoin('dispensing_kits as dk', (j) => j.onRef('dk.study_id', '=', 'k.study_id').onRef('dk.kit_number', '=', 'k.kit_number'))
      .leftJoin('dispensings as d', 'd.id', 'dk.dispensing_id')
      .leftJoin('patients as p', 'p.id', 'd.patient_id')
      .leftJoin('kit_returns as r', (j) => j.onRef('r.study_id', '=', 'k.study_id').onRef('r.kit_number', '=', 'k.kit_number'))
      .leftJoin('destruction_kits as dsk', (j) => j.onRef('dsk.study_id', '=', 'k.study_id').onRef('dsk.kit_number', '=', 'k.kit_number'))
      .leftJoin('destructions as ds', 'ds.id', 'dsk.destruction_id')
      .select([
        'k.kit_number',
        'k.status',
        'k.blinded_lot',
        options.sealed ? 'k.lot_sealed' : sql<null>`null`.as('lot_sealed'),
        'sk.outcome',
        's.reference as shipment',
        'sk.scanned_at',
        'p.screening_number',
        'd.visit_code',
        'd.dispensed_at',
        'p.baseline_date',
        'r.condition',
        'r.units_returned',
        'r.returned_at',
        'r.verified_at',
        'ds.destroyed_on',
        'ds.recorded_at as destruction_recorded_at',
      ])
      .where('k.study_id', '=', this.study.id())
      .$if(numbers !== undefined, (q) => q.where('k.kit_number', 'in', [...numbers!]))
      .execute();
    // A return's condition is one of the return conditions (the table's check): narrowed by type, not by a copy of
    // every kit's row.
    return rows as KitFacts[];
  }

  async insertSignOff(row: { signedAt: string; userId: number; signatureId: number; auditSeq: number; snapshotHash: string; discrepancies: number }): Promise<void> {
    await this.store
      .q()
      .insertInto('reconciliation_signoffs')
      .values({ signed_at: row.signedAt, user_id: row.userId, signature_id: row.signatureId, audit_seq: row.auditSeq, snapshot_hash: row.snapshotHash, discrepancies: row.discrepancies, study_id: this.study.id() })
      .execute();
  }

  async latestSignOff(): Promise<SignOffRow | undefined> {
    return this.store
      .q()
      .selectFrom('reconciliation_signoffs')
      .select(['id', 'signed_at as signedAt', 'signature_id as signatureId', 'audit_seq as auditSeq', 'snapshot_hash as snapshotHash', 'discrepancies'])
      .where('study_id', '=', this.study.id())
      .orderBy('id', 'desc')
      .limit(1)
      .executeTakeFirst();
  }

  /** The first event of these actions after `seq`. */
  async firstEventAfter(seq: number, actions: readonly string[]): Promise<{ seq: number; action: string; username: string; atUtc: string; entityId: string } | undefined> {
    return this.store
      .q()
      .selectFrom('audit_events')
      .select(['seq', 'action', 'username', 'at_utc as atUtc', 'entity_id as entityId'])
      .where(eventsOf(this.study))
      .where('seq', '>', seq)
      .where('action', 'in', [...actions])
      .orderBy('seq')
      .limit(1)
      .executeTakeFirst();
  }

  /** The kits that events of these actions touched after `seq` (a kit's number is its entity id), in no particular order. */
  async kitsTouchedAfter(seq: number, actions: readonly string[]): Promise<string[]> {
    const rows = await this.store
      .q()
      .selectFrom('audit_events')
      .select('entity_id as k')
      .distinct()
      .where(eventsOf(this.study))
      .where('seq', '>', seq)
      .where('entity_type', '=', 'kit')
      .where('action', 'in', [...actions])
      .execute();
    return rows.map((r) => r.k);
  }

  async insertComment(row: { kitNumber: string; discrepancies: string[]; comment: string; userId: number; at: string }): Promise<void> {
    await this.store
      .q()
      .insertInto('discrepancy_comments')
      .values({ kit_number: row.kitNumber, discrepancies: row.discrepancies.join(','), comment: row.comment, user_id: row.userId, commented_at: row.at, study_id: this.study.id() })
      .execute();
  }

  /** Every comment, oldest first. */
  async comments(): Promise<DiscrepancyComment[]> {
    const rows = await this.store
      .q()
      .selectFrom('discrepancy_comments as c')
      .innerJoin('users as u', 'u.id', 'c.user_id')
      .select(['c.kit_number as kitNumber', 'c.discrepancies', 'c.comment', 'u.display_name as by', 'c.commented_at as at'])
      .where('c.study_id', '=', this.study.id())
      .orderBy('c.id')
      .execute();
    return rows.map((r) => ({ ...r, discrepancies: (r.discrepancies ? r.discrepancies.split(',') : []) as Discrepancy[] }));
  }
}
