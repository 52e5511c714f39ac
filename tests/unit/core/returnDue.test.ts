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
});
