/** The core reads time only through a Clock, so tests can move time (lockouts, inactivity) without waiting. */
export interface Clock {
  now(): Date;
}
export const systemClock: Clock = { now: () => new Date() };

/** UTC ISO-8601 with milliseconds, the one time format stored in the database. */
export function isoUtc(date: Date): string {
  return date.toISOString();
}
