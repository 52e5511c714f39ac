import { dateTimeFormat } from './dateTimeFormat';

/**
 * Times as records state them (21 CFR 11.50: the date and time of a signature; Annex 11: the time of each audit
 * event): unambiguous, with the year and the offset from UTC.
 */

/** "2026-07-17 16:08:49 UTC": a signature's time exactly as stored, in UTC. */
export function formatUtc(iso: string): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  return `${date.toISOString().slice(0, 19).replace('T', ' ')} UTC`;
}

/** Minutes east of UTC for an offset written "+02:00" / "-05:30" / "Z"; null when it cannot be read. */
export function offsetMinutes(offset: string): number | null {
  if (offset === 'Z') return 0;
  const match = /^([+-])(\d{2}):?(\d{2})$/.exec(offset);
  if (!match) return null;
  const minutes = Number(match[2]) * 60 + Number(match[3]);
  return match[1] === '-' ? -minutes : minutes;
}

/**
 * The local time of the workstation where the event happened (its UTC time shifted by the offset it recorded), in the
 * reader's language, followed by that offset: "17/07/2026 18:08:49 (UTC+02:00)".
 */
export function formatAtOffset(iso: string, offset: string, language: string): string {
  const date = new Date(iso);
  const minutes = offsetMinutes(offset);
  if (Number.isNaN(date.getTime()) || minutes === null) return iso;
  const shifted = new Date(date.getTime() + minutes * 60_000);
  const text = dateTimeFormat(language, {
    year: 'numeric',
    month: 'short',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
    timeZone: 'UTC',
  }).format(shifted);
  return `${text} (UTC${offset === 'Z' ? '+00:00' : offset})`;
}

/** "+02:00" for 120 minutes east of UTC. */
function offsetText(minutes: number): string {
  const sign = minutes < 0 ? '-' : '+';
  const abs = Math.abs(minutes);
  return `${sign}${String(Math.floor(abs / 60)).padStart(2, '0')}:${String(abs % 60).padStart(2, '0')}`;
}

/**
 * An instant in the reader's local time, as every other screen shows times, with seconds and the reader's offset from
 * UTC at that instant: "17 Jul 2026, 18:08:49 (UTC+02:00)". (The audit trail showed the offset recorded by the
 * machine that wrote the event, UTC on a server, while the rest of the screen showed local time: issue 11.)
 */
export function formatLocalWithOffset(iso: string, language: string): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  const text = dateTimeFormat(language, {
    year: 'numeric',
    month: 'short',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
  }).format(date);
  return `${text} (UTC${offsetText(-date.getTimezoneOffset())})`;
}
