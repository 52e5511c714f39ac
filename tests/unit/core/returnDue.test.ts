import { describe, expect, it } from 'vitest';
import { NS_DUPI } from '../../../main/core/demo/demoSeed';
import { returnDueOf } from '../../../main/core/reconciliation/reconciliationService';
import { addDays, visitWindows } from '../../../shared/schedule/visitSchedule';

/**
 * The reconciliation's return due date, worked out in one date sum per kit, against the patient's visit plan as the
 * visit screens show it: the close of the next visit's window, or 14 days after the last visit's window.
 */
describe('the day a dispensed kit is due back', () => {
  it('is the close of the next visit window, or 14 days after the last one, for every visit and baselines across the year', () => {
    let checked = 0;
    for (let day = 0; day < 366 * 2; day += 7) {
      const baseline = addDays('2026-01-01', day);
      const windows = visitWindows(NS_DUPI, baseline);
      windows.forEach((w, i) => {
        const expected = i + 1 < windows.length ? windows[i + 1]!.closes : addDays(w.closes, 14);
        expect(returnDueOf(NS_DUPI, baseline, w.code), `${baseline} ${w.code}`).toBe(expected);
        checked++;
      });
    }
    expect(checked).toBeGreaterThan(500);
  });

  it("is the replaced visit's for a replacement kit (W2/R1), and the next visit after the day for an unscheduled one (U1)", () => {
    const baseline = '2026-03-02';
    const windows = visitWindows(NS_DUPI, baseline);
    windows.forEach((w, i) => {
      // A replacement stands in for the visit's kit: it comes back when that kit would have.
      expect(returnDueOf(NS_DUPI, baseline, `${w.code}/R1`, addDays(w.due, 3)), `${w.code}/R1`).toBe(returnDueOf(NS_DUPI, baseline, w.code));
      expect(returnDueOf(NS_DUPI, baseline, `${w.code}/R2`, addDays(w.due, 5))).toBe(returnDueOf(NS_DUPI, baseline, w.code));
      // An unscheduled kit given the day after a visit's window closed comes back at the next visit, by its window's close.
      const dayAfter = addDays(w.closes, 1);
      const next = windows.slice(i + 1).find((n) => n.closes > dayAfter);
      expect(returnDueOf(NS_DUPI, baseline, 'U1', dayAfter), `U1 after ${w.code}`).toBe(next ? next.closes : addDays(dayAfter, 14));
    });
    // Given on a day whose window is still open: back at that visit's close at the latest (a later visit's, if that closes first it is not "next").
    expect(returnDueOf(NS_DUPI, baseline, 'U3', windows[1]!.opens)).toBe(windows[1]!.closes);
  });
});
