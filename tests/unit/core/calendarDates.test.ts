import { describe, expect, it } from 'vitest';
import { addDays, daysBetween } from '../../../shared/schedule/visitSchedule';

/** The ISO round trip addDays was before it was made faster: the reference it must agree with, day for day. */
function byIsoRoundTrip(date: string, days: number): string {
  const d = new Date(`${date}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}

describe('calendar dates (YYYY-MM-DD)', () => {
  it('adds days as the ISO round trip does, across month ends, leap days and years, forwards and back', () => {
    let checked = 0;
    for (let day = 0; day < 4 * 366; day += 3) {
      const date = byIsoRoundTrip('2023-11-20', day);
      for (const days of [-1000, -366, -365, -31, -29, -1, 0, 1, 13, 28, 29, 30, 31, 59, 60, 365, 366, 1461]) {
        expect(addDays(date, days), `${date} ${days}`).toBe(byIsoRoundTrip(date, days));
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(8000);
  });

  it('names the leap day and the turn of the year', () => {
    expect(addDays('2028-02-28', 1)).toBe('2028-02-29');
    expect(addDays('2027-02-28', 1)).toBe('2027-03-01');
    expect(addDays('2026-12-31', 1)).toBe('2027-01-01');
    expect(addDays('2027-01-01', -1)).toBe('2026-12-31');
    expect(daysBetween('2026-12-31', addDays('2026-12-31', 400))).toBe(400);
  });

  it('keeps years before 1000 right (not read as 19xx)', () => {
    expect(addDays('0099-12-31', 1)).toBe('0100-01-01');
  });
});
