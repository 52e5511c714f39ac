import type { StudyConfig } from '../study/studyConfig';
import { kitsByType, type KitTypeCode } from '../study/kitContents';

const twoDigits = (n: number) => (n < 10 ? `0${n}` : `${n}`);

/**
 * Calendar dates as YYYY-MM-DD strings; arithmetic in UTC so no time zone shifts a day. Built from the date's numbers
 * rather than by parsing an ISO string: a visit plan, the due list and the reconciliation add days hundreds of
 * thousands of times at a large pharmacy's scale, and this is three times faster (tests/unit/core/calendarDates.test.ts
 * holds it to the ISO round trip). Years before 1000 (never a visit's) take the ISO round trip.
 */
export function addDays(date: string, days: number): string {
  const year = Number(date.slice(0, 4));
  if (!(year >= 1000)) {
    const d = new Date(`${date}T00:00:00Z`);
    d.setUTCDate(d.getUTCDate() + days);
    return d.toISOString().slice(0, 10);
  }
  const d = new Date(Date.UTC(year, Number(date.slice(5, 7)) - 1, Number(date.slice(8, 10)) + days));
  return `${d.getUTCFullYear()}-${twoDigits(d.getUTCMonth() + 1)}-${twoDigits(d.getUTCDate())}`;
}

export function daysBetween(from: string, to: string): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000);
}

/** The local calendar date of a moment, as the pharmacy's wall calendar shows it. */
export function localDate(moment: Date): string {
  const y = moment.getFullYear();
  const m = String(moment.getMonth() + 1).padStart(2, '0');
  const d = String(moment.getDate()).padStart(2, '0');
  return `${y}-${m}-${d}`;
}

export interface VisitWindow {
  code: string;
  name: string;
  kits: number;
  /** How many of its kits are of each type (shared/study/kitContents.ts), adding up to `kits`. */
  kitsByType: Array<{ type: KitTypeCode; count: number }>;
  due: string;
  opens: string;
  closes: string;
}

/** The study schedule for one patient, from the baseline (day 1) date. */
export function visitWindows(study: StudyConfig, baselineDate: string): VisitWindow[] {
  return study.visits.map((v) => visitWindow(study, v, baselineDate));
}

/** One visit's window for a patient randomized on `baselineDate`. */
export function visitWindow(study: Pick<StudyConfig, 'kitTypes'>, visit: StudyConfig['visits'][number], baselineDate: string): VisitWindow {
  const due = addDays(baselineDate, visit.dayOffset);
  return { code: visit.code, name: visit.name, kits: visit.kits, kitsByType: kitsByType(study, visit), due, opens: addDays(due, -visit.windowBeforeDays), closes: addDays(due, visit.windowAfterDays) };
}

/**
 * A patient's next visit to dispense: the first of the schedule whose code is not among those dispensed, or undefined
 * once all are. Codes outside the schedule (an extra dose between visits, U1; a replacement, W2/R1) move nothing. The
 * dispense screen's due list and the Today home both judge a patient by it.
 */
export function nextVisitToDispense(study: StudyConfig, dispensed: ReadonlySet<string> | undefined): StudyConfig['visits'][number] | undefined {
  return study.visits.find((v) => !dispensed?.has(v.code));
}

export type WindowPosition = { position: 'in_window' } | { position: 'early'; days: number } | { position: 'late'; days: number };

export function windowPosition(window: VisitWindow, today: string): WindowPosition {
  if (today < window.opens) return { position: 'early', days: daysBetween(today, window.opens) };
  if (today > window.closes) return { position: 'late', days: daysBetween(window.closes, today) };
  return { position: 'in_window' };
}

/**
 * The last day a kit may expire on and still be refused: a kit must not expire before the end of the visit window
 * plus the study's do-not-dispense margin (DESIGN.md section 5).
 */
export function latestRefusedExpiry(window: VisitWindow, today: string, marginDays: number): string {
  const end = today > window.closes ? today : window.closes;
  return addDays(end, marginDays);
}
