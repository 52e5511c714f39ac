import { dateTimeFormat } from './dateTimeFormat';

/** Dates and times in the user's language, with the year, as an inspector reads them. */
export function formatDateTime(iso: string, language: string): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  return dateTimeFormat(language, { dateStyle: 'medium', timeStyle: 'short' }).format(date);
}

export function formatTime(iso: string, language: string): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  return dateTimeFormat(language, { timeStyle: 'short' }).format(date);
}

/** A temporary password an administrator can read aloud: four groups of four letters without look-alikes. */
export function generateTemporaryPassword(): string {
  const letters = 'abcdefghjkmnpqrstuvwxyz';
  const bytes = new Uint8Array(16);
  window.crypto.getRandomValues(bytes);
  const chars = [...bytes].map((b) => letters[b % letters.length]);
  return [0, 4, 8, 12].map((i) => chars.slice(i, i + 4).join('')).join('-');
}
