import { DEFAULT_KEYBOARD_WEDGE, KeyboardWedgeSettings, PrinterSettings, type LabelJob } from '../../../shared/contract/devices';
import type { ExpressionBuilder } from 'kysely';
import type { PreparedQuery, Store } from '../db/store';
import type { VeilTables } from '../db/tables';
import type { StudyScope } from '../study/studyScope';

export type LabelKind = 'carton' | 'syringe';
export type JobStatus = 'queued' | 'printed' | 'failed';

export interface LabelJobRow {
  id: number;
  kitNumber: string;
  kind: LabelKind;
  requestedAt: string;
  userId: number;
  reprintReason: string | null;
  status: JobStatus;
  printer: string | null;
  doneAt: string | null;
  error: string | null;
}

/**
 * A label job a printer confirmed. Before labels could only be downloaded as PDF, a download was recorded here as a
 * job 'printed' on the printer 'pdf': such rows are downloads (their audit events stay as written), not prints.
 * (`printer IS NOT 'pdf'` spelt for both engines: no printer, or another one.)
 */
const notPdf = (eb: ExpressionBuilder<VeilTables, 'label_prints'>) => eb.or([eb('printer', 'is', null), eb('printer', '<>', 'pdf')]);

const NO_PRINTERS: PrinterSettings = { carton: null, syringe: null };
const JOB_COLUMNS = [
  'id',
  'kit_number as kitNumber',
  'kind',
  'requested_at as requestedAt',
  'user_id as userId',
  'reprint_reason as reprintReason',
  'status',
  'printer',
  'done_at as doneAt',
  'error',
] as const;

export const jobView = (row: LabelJobRow, printing: boolean): LabelJob => ({
  id: row.id,
  kitNumber: row.kitNumber,
  kind: row.kind,
  status: row.status,
  printer: row.printer,
  error: row.error,
  requestedAt: row.requestedAt,
  doneAt: row.doneAt,
  reprint: row.reprintReason !== null,
  printing,
});

/**
 * The devices' SQL: the printer choices (settings table, key 'printers'), the keyboard-wedge scanners' framing (key
 * 'keyboard_wedge') and the label jobs (label_prints). On the Store (issue 13, item 2).
 *
 * The settings are the site's; label jobs are the scope's study's (issue 14), even looked up by job id: a job names
 * its kit by number, and a retry lays out the label of that number, which must be the same study's kit.
 */
export class DeviceRepository {
  // The label queue asks this for every label of every dispensed kit: prepared once.
  private readonly printsOfLabel: PreparedQuery<[number, string, LabelKind], { count: number | string; last: string | null }>;

  constructor(
    private readonly store: Store,
    private readonly study: StudyScope,
  ) {
    this.printsOfLabel = store.prepare((q, studyId: number, kitNumber: string, kind: LabelKind) =>
      q
        .selectFrom('label_prints')
        .select((eb) => [eb.fn.countAll().as('count'), eb.fn.max('done_at').as('last')])
        .where('study_id', '=', studyId)
        .where('kit_number', '=', kitNumber)
        .where('kind', '=', kind)
        .where('status', '=', 'printed')
        .where(notPdf)
        .$castTo<{ count: number | string; last: string | null }>(),
    );
  }

  private async setting(key: string): Promise<string | undefined> {
    const row = await this.store.q().selectFrom('settings').select('value').where('key', '=', key).executeTakeFirst();
    return row?.value;
  }

  private async setSetting(key: string, value: string): Promise<void> {
    await this.store
      .q()
      .insertInto('settings')
      .values({ key, value })
      .onConflict((oc) => oc.column('key').doUpdateSet({ value: (eb) => eb.ref('excluded.value') }))
      .execute();
  }

  /** The printer choices; `fallback` when none were ever saved. */
  async printerSettings(fallback: PrinterSettings = NO_PRINTERS): Promise<PrinterSettings> {
    const value = await this.setting('printers');
    if (value === undefined) return fallback;
    // A value written by an older version that no longer parses counts as "not chosen", never as a crash.
    const parsed = PrinterSettings.safeParse(JSON.parse(value));
    return parsed.success ? parsed.data : NO_PRINTERS;
  }

  async setPrinterSettings(settings: PrinterSettings): Promise<void> {
    await this.setSetting('printers', JSON.stringify(settings));
  }

  /** How the keyboard-wedge scanners frame their codes; the defaults when never set (or unreadable). */
  async keyboardWedge(): Promise<KeyboardWedgeSettings> {
    const value = await this.setting('keyboard_wedge');
    if (value === undefined) return DEFAULT_KEYBOARD_WEDGE;
    const parsed = KeyboardWedgeSettings.safeParse(JSON.parse(value));
    return parsed.success ? parsed.data : DEFAULT_KEYBOARD_WEDGE;
  }

  async setKeyboardWedge(settings: KeyboardWedgeSettings): Promise<void> {
    await this.setSetting('keyboard_wedge', JSON.stringify(settings));
  }

  /** How many labels of this kit and kind were printed (a further one is a reprint). */
  async printedCount(kitNumber: string, kind: LabelKind): Promise<number> {
    return (await this.prints(kitNumber, kind)).count;
  }

  /** The prints of this label that a printer confirmed, and when the last one was. */
  async prints(kitNumber: string, kind: LabelKind): Promise<{ count: number; last: string | null }> {
    const [row] = await this.printsOfLabel.run(this.study.id(), kitNumber, kind);
    return { count: Number(row?.count ?? 0), last: row?.last ?? null };
  }

  /**
   * The confirmed prints of every label at once, keyed `kitNumber kind`: the label queue lists every dispensed kit's
   * two labels, and one grouped read replaces two reads per kit (at 40,000 dispensed kits, 80,000 of them).
   */
  async printsOfAllLabels(): Promise<Map<string, { count: number; last: string | null }>> {
    const rows = await this.store
      .q()
      .selectFrom('label_prints')
      .select((eb) => ['kit_number as kitNumber', 'kind', eb.fn.countAll().as('count'), eb.fn.max('done_at').as('last')])
      .where('study_id', '=', this.study.id())
      .where('status', '=', 'printed')
      .where(notPdf)
      .groupBy(['kit_number', 'kind'])
      .$castTo<{ kitNumber: string; kind: string; count: number | string; last: string | null }>()
      .execute();
    return new Map(rows.map((r) => [`${r.kitNumber} ${r.kind}`, { count: Number(r.count), last: r.last }]));
  }

  /** A queued or failed job of this kit and kind, if one waits. */
  async waitingJob(kitNumber: string, kind: LabelKind): Promise<LabelJobRow | undefined> {
    return this.store
      .q()
      .selectFrom('label_prints')
      .select(JOB_COLUMNS)
      .where('study_id', '=', this.study.id())
      .where('kit_number', '=', kitNumber)
      .where('kind', '=', kind)
      .where('status', 'in', ['queued', 'failed'])
      .orderBy('id')
      .limit(1)
      .$castTo<LabelJobRow>()
      .executeTakeFirst();
  }

  async isDispensed(kitNumber: string): Promise<boolean> {
    return (await this.store.q().selectFrom('dispensing_kits').select('kit_number').where('study_id', '=', this.study.id()).where('kit_number', '=', kitNumber).limit(1).executeTakeFirst()) !== undefined;
  }

  async queueJob(job: { kitNumber: string; kind: LabelKind; requestedAt: string; userId: number; reprintReason: string | null; printer: string }): Promise<number> {
    const row = await this.store
      .q()
      .insertInto('label_prints')
      .values({ study_id: this.study.id(), kit_number: job.kitNumber, kind: job.kind, requested_at: job.requestedAt, user_id: job.userId, reprint_reason: job.reprintReason, status: 'queued', printer: job.printer })
      .returning('id')
      .executeTakeFirstOrThrow();
    return row.id;
  }

  async job(id: number): Promise<LabelJobRow | undefined> {
    return this.store.q().selectFrom('label_prints').select(JOB_COLUMNS).where('id', '=', id).where('study_id', '=', this.study.id()).$castTo<LabelJobRow>().executeTakeFirst();
  }

  /** Before an attempt: the job is queued again, on this printer, without its old error. */
  async markQueued(id: number, printer: string): Promise<void> {
    await this.store.q().updateTable('label_prints').set({ status: 'queued', printer, error: null, done_at: null }).where('id', '=', id).where('study_id', '=', this.study.id()).execute();
  }

  async markPrinted(id: number, at: string): Promise<void> {
    await this.store.q().updateTable('label_prints').set({ status: 'printed', done_at: at, error: null }).where('id', '=', id).where('study_id', '=', this.study.id()).execute();
  }

  async markFailed(id: number, at: string, error: string): Promise<void> {
    await this.store.q().updateTable('label_prints').set({ status: 'failed', done_at: at, error }).where('id', '=', id).where('study_id', '=', this.study.id()).execute();
  }

  async counts(): Promise<{ queued: number; failed: number; printed: number }> {
    const rows = await this.store
      .q()
      .selectFrom('label_prints')
      .select((eb) => ['status', eb.fn.countAll().as('n')])
      .where('study_id', '=', this.study.id())
      .where(notPdf)
      .groupBy('status')
      .execute();
    const out = { queued: 0, failed: 0, printed: 0 };
    for (const r of rows) out[r.status as JobStatus] = Number(r.n);
    return out;
  }

  /** Queued and failed jobs, oldest first, then the `printedLimit` most recent printed ones. */
  async recentJobs(printedLimit = 10): Promise<LabelJobRow[]> {
    const waiting = await this.store
      .q()
      .selectFrom('label_prints')
      .select(JOB_COLUMNS)
      .where('study_id', '=', this.study.id())
      .where('status', 'in', ['queued', 'failed'])
      .orderBy('id')
      .$castTo<LabelJobRow>()
      .execute();
    const printed = await this.store
      .q()
      .selectFrom('label_prints')
      .select(JOB_COLUMNS)
      .where('study_id', '=', this.study.id())
      .where('status', '=', 'printed')
      .where(notPdf)
      .orderBy('id', 'desc')
      .limit(printedLimit)
      .$castTo<LabelJobRow>()
      .execute();
    return [...waiting, ...printed];
  }
}
