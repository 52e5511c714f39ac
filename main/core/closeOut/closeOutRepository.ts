import type { Store } from '../db/store';

/** A closure of the study still in force (not reopened). */
export interface ClosureRow {
  id: number;
  closedAt: string;
  closedBy: number;
  closeSignatureId: number;
  /** Archived: moved out of the day's lists while closed (null: not archived). */
  archivedAt: string | null;
  archivedBy: number | null;
}

/** The study's closure in force (issue 14, item 1). */
export interface StudyClosed {
  code: string;
  closedAt: string;
  /** When the closed study was archived (out of the switcher's studies of the day and the Today home), or null. */
  archivedAt: string | null;
}

/** All SQL about a study's close-out (issue 14, item 1): its closures and reopenings. */
export class CloseOutRepository {
  constructor(private readonly store: Store) {}

  /** The closure in force for the study, if any (at most one: a unique index on the closures not reopened). */
  async inForce(studyCode: string): Promise<ClosureRow | undefined> {
    return this.store
      .q()
      .selectFrom('study_closures')
      .select(['id', 'closed_at as closedAt', 'closed_by as closedBy', 'close_signature_id as closeSignatureId', 'archived_at as archivedAt', 'archived_by as archivedBy'])
      .where('study_code', '=', studyCode)
      .where('reopened_at', 'is', null)
      .executeTakeFirst();
  }

  /** The study's closure in force as the router and the screens weigh it (null when open, or before a study is loaded). */
  async closedStudy(studyCode: string | undefined): Promise<StudyClosed | null> {
    const closure = studyCode === undefined ? undefined : await this.inForce(studyCode);
    return closure ? { code: studyCode!, closedAt: closure.closedAt, archivedAt: closure.archivedAt } : null;
  }

  async close(row: { studyCode: string; closedAt: string; closedBy: number; signatureId: number }): Promise<void> {
    await this.store.q().insertInto('study_closures').values({ study_code: row.studyCode, closed_at: row.closedAt, closed_by: row.closedBy, close_signature_id: row.signatureId }).execute();
  }

  /** Archives the closure in force, or brings it back from the archive (`at` null). */
  async setArchived(id: number, at: string | null, by: number | null): Promise<void> {
    await this.store.q().updateTable('study_closures').set({ archived_at: at, archived_by: by }).where('id', '=', id).execute();
  }

  async reopen(id: number, row: { reopenedAt: string; reopenedBy: number; signatureId: number; reason: string }): Promise<void> {
    await this.store
      .q()
      .updateTable('study_closures')
      .set({ reopened_at: row.reopenedAt, reopened_by: row.reopenedBy, reopen_signature_id: row.signatureId, reopen_reason: row.reason })
      .where('id', '=', id)
      .execute();
  }

}
