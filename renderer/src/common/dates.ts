import { dateTimeFormat } from './dateTimeFormat';

/** A calendar date (YYYY-MM-DD, as the host sends due dates and windows) in the user's language, with the year. */
export function formatDate(date: string, language: string): string {
  const d = new Date(`${date}T00:00:00Z`);
  if (Number.isNaN(d.getTime())) return date;
  return dateTimeFormat(language, { dateStyle: 'medium', timeZone: 'UTC' }).format(d);
}

/** A visit window "opens – closes", or the one day when it has no margin. */
export function formatWindow(opens: string, closes: string, language: string): string {
  if (opens === closes) return formatDate(opens, language);
  const from = new Date(`${opens}T00:00:00Z`);
  const to = new Date(`${closes}T00:00:00Z`);
  if (Number.isNaN(from.getTime()) || Number.isNaN(to.getTime())) return `${opens} – ${closes}`;
  // "6–12 Dec 2026": the shared month and year written once.
  return dateTimeFormat(language, { dateStyle: 'medium', timeZone: 'UTC' }).formatRange(from, to);
}
