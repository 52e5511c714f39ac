import { wellFormed } from './text/wellFormedText';

/**
 * Canonical JSON: object keys sorted, no white space, undefined dropped. Hashes of records (audit events, signed
 * records) are taken over this form so the same content always gives the same hash.
 * Total over strings: a lone UTF-16 surrogate is written as U+FFFD, the form UTF-8 storage gives back, so a value
 * read back from the database has the same canonical form (and hash) as the value that was written.
 */
export function canonicalJson(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(wellFormed(value));
  if (value === null || typeof value !== 'object') {
    if (typeof value === 'number' && !Number.isFinite(value)) throw new Error('canonicalJson: non-finite number');
    return JSON.stringify(value) ?? 'null';
  }
  if (Array.isArray(value)) return `[${value.map((v) => (v === undefined ? 'null' : canonicalJson(v))).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => [wellFormed(k), v] as const)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
}
