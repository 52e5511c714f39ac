import type { Store } from '../db/store';
import type { StudyScope } from '../study/studyScope';

/** An over-label row: a kit, the new blinded use-before date it carries, and whether a printer confirmed it. */
export interface OverLabelRow {
  id: number;
  kitNumber: string;
  useBefore: string;
  queuedAt: string;
  printedAt: string | null;
  printer: string | null;
  /** The kit's status now (an over-label of a kit dispensed or destroyed since is no longer to print). */
  status: string;
  /** The kit's blinded use-before date now. */
  kitUseBefore: string;
}

/**
 * The SQL of over-labels after an expiry extension (issue 16, item 2), in the scope's study (issue 14). Rows come
 * back unordered: the service sorts.
 */
export class OverLabelRepository {
  constructor(
    private readonly store: Store,
    private readonly study: StudyScope,
  ) {}

  async queue(rows: ReadonlyArray<{ kitNumber: string; useBefore: string; signatureId: number; queuedAt: string }>): Promise<void> {
    if (rows.length === 0) return;
    const studyId = this.study.id();
    await this.store
      .q()
      .insertInto('over_labels')
      .values(rows.map((r) => ({ study_id: studyId, kit_number: r.kitNumber, use_before: r.useBefore, signature_id: r.signatureId, queued_at: r.queuedAt })))
      .execute();
  }

  async all(): Promise<OverLabelRow[]> {
    return this.store
      .q()
      .selectFrom('over_labels as o')
      .innerJoin('kits as k', (join) => join.onRef('k.study_id', '=', 'o.study_id').onRef('k.kit_number', '=', 'o.kit_number'))
      .select(['o.id', 'o.kit_number as kitNumber', 'o.use_before as useBefore', 'o.queued_at as queuedAt', 'o.printed_at as printedAt', 'o.printer', 'k.status', 'k.use_before as kitUseBefore'])
      .where('o.study_id', '=', this.study.id())
      .execute();
  }

  /** The kit's status and blinded use-before date, undefined for a kit not in the kit list. */
  async kit(kitNumber: string): Promise<{ status: string; useBefore: string } | undefined> {
    return this.store.q().selectFrom('kits').select(['status', 'use_before as useBefore']).where('study_id', '=', this.study.id()).where('kit_number', '=', kitNumber).executeTakeFirst();
  }

  /** Marks printed every over-label of this kit still to print that carries this date; returns how many. */
  async markPrinted(kitNumber: string, useBefore: string, at: string, printer: string): Promise<number> {
    const result = await this.store
      .q()
      .updateTable('over_labels')
      .set({ printed_at: at, printer })
      .where('study_id', '=', this.study.id())
      .where('kit_number', '=', kitNumber)
      .where('use_before', '=', useBefore)
      .where('printed_at', 'is', null)
      .executeTakeFirst();
    return Number(result.numUpdatedRows);
  }
}
