import type { Kysely } from 'kysely';
import { compareKitNumbers } from '../../../shared/allocation/kitOrder';
import type { Store } from '../db/store';
import type { VeilTables } from '../db/tables';
import type { StudyScope } from '../study/studyScope';

export const RETURN_CONDITIONS = ['used', 'unused', 'partly_used', 'damaged', 'missing'] as const;
export type ReturnCondition = (typeof RETURN_CONDITIONS)[number];

export interface ReturnRow {
  kitNumber: string;
  patientId: number;
  screeningNumber: string;
  returnedAt: string;
  condition: ReturnCondition;
  unitsReturned: number;
  unitsMissing: number;
  note: string | null;
  source: string;
  verifiedBy: string | null;
  verifiedAt: string | null;
}

/** Who a kit went out to, at which visit and when: blinded facts only (no arm, no lot). */
export interface DispensedTo {
  patientId: number;
  screeningNumber: string;
  visitCode: string;
  dispensedAt: string;
}

/** One query for one return or all of them (a single kit is looked up by key, not by reading every return); the study's only. */
function selectReturns(q: Kysely<VeilTables>, studyId: number) {
  return q
    .selectFrom('kit_returns as r')
    .innerJoin('patients as p', 'p.id', 'r.patient_id')
    .leftJoin('users as u', 'u.id', 'r.verified_by')
    .select([
      'r.kit_number as kitNumber',
      'r.patient_id as patientId',
      'p.screening_number as screeningNumber',
      'r.returned_at as returnedAt',
      'r.condition',
      'r.units_returned as unitsReturned',
      'r.units_missing as unitsMissing',
      'r.note',
      'r.source',
      'u.display_name as verifiedBy',
      'r.verified_at as verifiedAt',
    ])
    .where('r.study_id', '=', studyId);
}

type SelectedReturn = Omit<ReturnRow, 'condition'> & { condition: string };
const asReturnRow = (row: SelectedReturn): ReturnRow => ({ ...row, condition: row.condition as ReturnCondition });

/**
 * Every SQL statement of patient returns (DESIGN.md section 6: SQL lives in repositories), on the Store (issue 13).
 * Every row is the scope's study's: kit numbers are unique within a study only (migration 20).
 */
export class ReturnsRepository {
  /** Asked on every scan of the return screen and every return recorded: built and compiled once. */
  private readonly dispensedToQuery;
  private readonly existsQuery;
  private readonly oneQuery;

  constructor(
    private readonly store: Store,
    private readonly study: StudyScope,
  ) {
    this.dispensedToQuery = store.prepare((q, studyId: number, kitNumber: string) =>
      q
        .selectFrom('dispensing_kits as dk')
        .innerJoin('dispensings as d', 'd.id', 'dk.dispensing_id')
        .innerJoin('patients as p', 'p.id', 'd.patient_id')
        .select(['p.id as patientId', 'p.screening_number as screeningNumber', 'd.visit_code as visitCode', 'd.dispensed_at as dispensedAt'])
        .where('dk.study_id', '=', studyId)
        .where('dk.kit_number', '=', kitNumber),
    );
    this.existsQuery = store.prepare((q, studyId: number, kitNumber: string) => q.selectFrom('kit_returns').select('kit_number').where('study_id', '=', studyId).where('kit_number', '=', kitNumber));
    this.oneQuery = store.prepare((q, studyId: number, kitNumber: string) => selectReturns(q, studyId).where('r.kit_number', '=', kitNumber));
  }

  async dispensedTo(kitNumber: string): Promise<DispensedTo | undefined> {
    return (await this.dispensedToQuery.run(this.study.id(), kitNumber))[0];
  }

  async exists(kitNumber: string): Promise<boolean> {
    return (await this.existsQuery.run(this.study.id(), kitNumber)).length > 0;
  }

  async insert(row: { kitNumber: string; patientId: number; returnedAt: string; userId: number; condition: ReturnCondition; unitsReturned: number; unitsMissing: number; note: string | null; source: string }): Promise<void> {
    await this.store
      .q()
      .insertInto('kit_returns')
      .values({
        kit_number: row.kitNumber,
        patient_id: row.patientId,
        returned_at: row.returnedAt,
        user_id: row.userId,
        condition: row.condition,
        units_returned: row.unitsReturned,
        units_missing: row.unitsMissing,
        note: row.note,
        source: row.source,
        study_id: this.study.id(),
      })
      .execute();
  }

  /** A correction: the new values, and the verification removed (REGULATORY.md: a later edit removes it). */
  async correct(kitNumber: string, values: { condition: ReturnCondition; unitsReturned: number; unitsMissing: number; note: string | null }): Promise<void> {
    await this.store
      .q()
      .updateTable('kit_returns')
      .set({ condition: values.condition, units_returned: values.unitsReturned, units_missing: values.unitsMissing, note: values.note, verified_by: null, verified_at: null })
      .where('study_id', '=', this.study.id())
      .where('kit_number', '=', kitNumber)
      .execute();
  }

  async markVerified(kitNumber: string, userId: number, at: string): Promise<void> {
    await this.store.q().updateTable('kit_returns').set({ verified_by: userId, verified_at: at }).where('study_id', '=', this.study.id()).where('kit_number', '=', kitNumber).execute();
  }

  async get(kitNumber: string): Promise<ReturnRow | undefined> {
    const row = (await this.oneQuery.run(this.study.id(), kitNumber))[0];
    return row ? asReturnRow(row) : undefined;
  }

  /** Every return, in kit-number order (compared in code: the engines' text orders differ). */
  async list(): Promise<ReturnRow[]> {
    const rows = await selectReturns(this.store.q(), this.study.id()).execute();
    return rows.map(asReturnRow).sort((a, b) => compareKitNumbers(a.kitNumber, b.kitNumber));
  }

  /** Kits whose return is recorded but not verified by the monitor yet. */
  async unverifiedKits(): Promise<Set<string>> {
    const rows = await this.store.q().selectFrom('kit_returns').select('kit_number').where('study_id', '=', this.study.id()).where('verified_at', 'is', null).execute();
    return new Set(rows.map((r) => r.kit_number));
  }
}
