/** The core reads time only through a Clock, so tests can move time (lockouts, inactivity) without waiting. */
export interface Clock {
  now(): Date;
}
export const systemClock: Clock = { now: () => new Date() };

/** UTC ISO-8601 with milliseconds, the one time format stored in the database. */
export function isoUtc(date: Date): string {
  return date.toISOString();
}

/**
 * A clock that can be sent back in time and brought back to the present: the demo builds its study history (patients
 * randomized weeks ago, visits on their due dates) through the real services, then returns to real time.
 */
export interface TravellingClock extends Clock {
  travelTo(moment: Date): void;
  backToPresent(): void;
}

export class DemoClock implements TravellingClock {
  private offsetMs = 0;
  now(): Date {
    return new Date(Date.now() + this.offsetMs);
  }
  travelTo(moment: Date): void {
    this.offsetMs = moment.getTime() - Date.now();
  }
  backToPresent(): void {
    this.offsetMs = 0;
  }
}
