/**
 * A parameter of the page's address after the route (`#/dispense?patient=12`), so one workflow can open another on
 * a given record. Read once when the page opens; the route itself stays layout/useHashRoute's business.
 */
export function hashParam(name: string): string | null {
  const hash = window.location.hash;
  const query = hash.indexOf('?');
  if (query < 0) return null;
  return new URLSearchParams(hash.slice(query + 1)).get(name);
}

export function hashNumberParam(name: string): number | null {
  const value = hashParam(name);
  const n = value === null ? NaN : Number(value);
  return Number.isInteger(n) && n > 0 ? n : null;
}
