import { DEFAULT_KEYBOARD_WEDGE, KeyboardWedgeSettings, PrinterSettings, type LabelJob } from '../../../shared/contract/devices';
import type { Statement } from 'better-sqlite3';
import type { Db } from '../db/database';

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
 */
const CONFIRMED_PRINT = "status = 'printed' AND printer IS NOT 'pdf'";

const NO_PRINTERS: PrinterSettings = { carton: null, syringe: null };
const JOB_COLUMNS = `id, kit_number AS kitNumber, kind, requested_at AS requestedAt, user_id AS userId, reprint_reason AS reprintReason,
  status, printer, done_at AS doneAt, error`;

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
 * 'keyboard_wedge') and the label jobs (label_prints).
 */
export class DeviceRepository {
  constructor(private readonly db: Db) {}

  /** The printer choices; `fallback` when none were ever saved. */
  printerSettings(fallback: PrinterSettings = NO_PRINTERS): PrinterSettings {
    const row = this.db.prepare("SELECT value FROM settings WHERE key = 'printers'").get() as { value: string } | undefined;
    if (!row) return fallback;
    // A value written by an older version that no longer parses counts as "not chosen", never as a crash.
    const parsed = PrinterSettings.safeParse(JSON.parse(row.value));
    return parsed.success ? parsed.data : NO_PRINTERS;
  }

  setPrinterSettings(settings: PrinterSettings): void {
    this.db
      .prepare("INSERT INTO settings (key, value) VALUES ('printers', ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value")
      .run(JSON.stringify(settings));
  }

  /** How the keyboard-wedge scanners frame their codes; the defaults when never set (or unreadable). */
  keyboardWedge(): KeyboardWedgeSettings {
    const row = this.db.prepare("SELECT value FROM settings WHERE key = 'keyboard_wedge'").get() as { value: string } | undefined;
    if (!row) return DEFAULT_KEYBOARD_WEDGE;
    const parsed = KeyboardWedgeSettings.safeParse(JSON.parse(row.value));
    return parsed.success ? parsed.data : DEFAULT_KEYBOARD_WEDGE;
  }

  setKeyboardWedge(settings: KeyboardWedgeSettings): void {
    this.db
      .prepare("INSERT INTO settings (key, value) VALUES ('keyboard_wedge', ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value")
      .run(JSON.stringify(settings));
  }

  /** How many labels of this kit and kind were printed (a further one is a reprint). */
  printedCount(kitNumber: string, kind: LabelKind): number {
    return this.prints(kitNumber, kind).count;
  }

  /** The prints of this label that a printer confirmed, and when the last one was. */
  prints(kitNumber: string, kind: LabelKind): { count: number; last: string | null } {
    // Prepared once: the label queue asks this for every label of every dispensed kit.
    this.printsOfLabel ??= this.db.prepare(`SELECT count(*) AS count, max(done_at) AS last FROM label_prints WHERE kit_number = ? AND kind = ? AND ${CONFIRMED_PRINT}`);
    return this.printsOfLabel.get(kitNumber, kind) as { count: number; last: string | null };
  }

  private printsOfLabel: Statement | undefined;

  /** A queued or failed job of this kit and kind, if one waits. */
  waitingJob(kitNumber: string, kind: LabelKind): LabelJobRow | undefined {
    return this.db
      .prepare(`SELECT ${JOB_COLUMNS} FROM label_prints WHERE kit_number = ? AND kind = ? AND status IN ('queued', 'failed') ORDER BY id LIMIT 1`)
      .get(kitNumber, kind) as LabelJobRow | undefined;
  }

  isDispensed(kitNumber: string): boolean {
    return this.db.prepare('SELECT 1 FROM dispensing_kits WHERE kit_number = ?').get(kitNumber) !== undefined;
  }

  queueJob(job: { kitNumber: string; kind: LabelKind; requestedAt: string; userId: number; reprintReason: string | null; printer: string }): number {
    const result = this.db
      .prepare("INSERT INTO label_prints (kit_number, kind, requested_at, user_id, reprint_reason, status, printer) VALUES (?, ?, ?, ?, ?, 'queued', ?)")
      .run(job.kitNumber, job.kind, job.requestedAt, job.userId, job.reprintReason, job.printer);
    return Number(result.lastInsertRowid);
  }

  job(id: number): LabelJobRow | undefined {
    return this.db.prepare(`SELECT ${JOB_COLUMNS} FROM label_prints WHERE id = ?`).get(id) as LabelJobRow | undefined;
  }

  /** Before an attempt: the job is queued again, on this printer, without its old error. */
  markQueued(id: number, printer: string): void {
    this.db.prepare("UPDATE label_prints SET status = 'queued', printer = ?, error = NULL, done_at = NULL WHERE id = ?").run(printer, id);
  }

  markPrinted(id: number, at: string): void {
    this.db.prepare("UPDATE label_prints SET status = 'printed', done_at = ?, error = NULL WHERE id = ?").run(at, id);
  }

  markFailed(id: number, at: string, error: string): void {
    this.db.prepare("UPDATE label_prints SET status = 'failed', done_at = ?, error = ? WHERE id = ?").run(at, error, id);
  }

  counts(): { queued: number; failed: number; printed: number } {
    const rows = this.db.prepare("SELECT status, count(*) AS n FROM label_prints WHERE printer IS NOT 'pdf' GROUP BY status").all() as Array<{ status: JobStatus; n: number }>;
    const out = { queued: 0, failed: 0, printed: 0 };
    for (const r of rows) out[r.status] = r.n;
    return out;
  }

  /** Queued and failed jobs, oldest first, then the `printedLimit` most recent printed ones. */
  recentJobs(printedLimit = 10): LabelJobRow[] {
    const waiting = this.db.prepare(`SELECT ${JOB_COLUMNS} FROM label_prints WHERE status IN ('queued', 'failed') ORDER BY id`).all() as LabelJobRow[];
    const printed = this.db.prepare(`SELECT ${JOB_COLUMNS} FROM label_prints WHERE ${CONFIRMED_PRINT} ORDER BY id DESC LIMIT ?`).all(printedLimit) as LabelJobRow[];
    return [...waiting, ...printed];
  }
}
