import { describe, expect, it } from 'vitest';
import { detectExcursions, exposureSeconds, minMaxExcursion } from '../../../main/core/coldChain/excursions';

const FRIDGE = { minCenti: 200, maxCenti: 800 };
const T0 = Date.parse('2026-11-02T07:00:00Z');
const min = (n: number) => T0 + n * 60_000;

describe('detectExcursions', () => {
  it('finds none when every reading is in range, bounds included', () => {
    expect(detectExcursions([min(0), min(1), min(2)], [200, 500, 800], FRIDGE)).toEqual([]);
  });

  it('starts at the first reading out, ends at the first back in: 3 readings above at 1-minute steps are 3 minutes', () => {
    // 5.0, 8.1, 9.5, 8.3, 7.9: out at minutes 1, 2, 3, back at 4.
    const found = detectExcursions([min(0), min(1), min(2), min(3), min(4)], [500, 810, 950, 830, 790], FRIDGE);
    expect(found).toEqual([{ startMs: min(1), endMs: min(4), durationSeconds: 180, direction: 'above', worstCenti: 950, ongoing: false }]);
  });

  it('separates two excursions, keeps the coldest as the worst of one below, and leaves one open at the end of the file', () => {
    const at = [min(0), min(5), min(10), min(15), min(20), min(25), min(30)];
    const centi = [500, 150, -20, 500, 500, 1200, 1300];
    expect(detectExcursions(at, centi, FRIDGE)).toEqual([
      { startMs: min(5), endMs: min(15), durationSeconds: 600, direction: 'below', worstCenti: -20, ongoing: false },
      { startMs: min(25), endMs: min(30), durationSeconds: 300, direction: 'above', worstCenti: 1300, ongoing: true },
    ]);
  });

  it('splits a run that crosses straight from above to below', () => {
    const found = detectExcursions([min(0), min(1), min(2)], [900, 100, 500], FRIDGE);
    expect(found.map((e) => [e.direction, e.startMs, e.endMs, e.worstCenti])).toEqual([
      ['above', min(0), min(1), 900],
      ['below', min(1), min(2), 100],
    ]);
  });
});

describe('minMaxExcursion', () => {
  it('spans from the previous check to this one, worst the extreme read', () => {
    const twelveHours = 12 * 3600_000;
    expect(minMaxExcursion(T0, T0 + twelveHours, 350, 1120, FRIDGE)).toEqual({ startMs: T0, endMs: T0 + twelveHours, durationSeconds: 43_200, direction: 'above', worstCenti: 1120, ongoing: false });
    // Both out: 0.5 °C below (150) against 0.2 °C above (820): the cold decides.
    expect(minMaxExcursion(null, T0, 150, 820, FRIDGE)).toMatchObject({ startMs: T0, durationSeconds: 0, direction: 'below', worstCenti: 150 });
    expect(minMaxExcursion(T0, T0 + 1000, 200, 800, FRIDGE)).toBeNull();
  });
});

describe('exposureSeconds', () => {
  const excursion = { startMs: min(10), endMs: min(40) };
  it('counts the overlap of a stay with an excursion', () => {
    expect(exposureSeconds({ fromMs: min(0), toMs: null }, excursion)).toBe(1800);
    expect(exposureSeconds({ fromMs: min(20), toMs: null }, excursion)).toBe(1200);
    expect(exposureSeconds({ fromMs: min(0), toMs: min(15) }, excursion)).toBe(300);
  });
  it('is null for a kit that left before or came after', () => {
    expect(exposureSeconds({ fromMs: min(0), toMs: min(10) }, excursion)).toBeNull();
    expect(exposureSeconds({ fromMs: min(40), toMs: null }, excursion)).toBeNull();
    expect(exposureSeconds({ fromMs: min(50), toMs: null }, excursion)).toBeNull();
  });
  it('counts a kit present at a single-reading excursion, for no time', () => {
    expect(exposureSeconds({ fromMs: min(0), toMs: null }, { startMs: min(5), endMs: min(5) })).toBe(0);
  });
});
