import { describe, expect, it } from 'vitest';
import { chanceOfCleanSplit, findSeparatingFields, type SponsorTruth } from './leak/leakDetector';

/**
 * The separating-field check of the leak detector. Kits given to one patient share that patient's arm: that is the
 * trial itself. So a field is judged on patients where the subjects name one (three or more patients of each arm),
 * not on kits: six kits from two patients are two observations, and a chance split over two patients is likely.
 */
function truthOf(arms: Record<string, string>): SponsorTruth {
  return { armWords: [], sharedBlindedPhrases: [], armOf: new Map(Object.entries(arms)) };
}

describe('the separating-field check of the leak detector', () => {
  it('does not flag a return condition that splits by arm only because the kits come from one patient per arm', () => {
    // The CI failure of stop 25: a monitor's verified returns, few patients, each patient's kits one condition.
    const truth = truthOf({ K1: 'DUP', K2: 'DUP', K3: 'DUP', K4: 'PBO', K5: 'PBO', K6: 'PBO' });
    const returns = [
      { kitNumber: 'K1', screeningNumber: 'S-001', condition: 'used' },
      { kitNumber: 'K2', screeningNumber: 'S-001', condition: 'used' },
      { kitNumber: 'K3', screeningNumber: 'S-001', condition: 'used' },
      { kitNumber: 'K4', screeningNumber: 'S-002', condition: 'unused' },
      { kitNumber: 'K5', screeningNumber: 'S-002', condition: 'unused' },
      { kitNumber: 'K6', screeningNumber: 'S-002', condition: 'unused' },
    ];
    expect(findSeparatingFields('returns.verify', returns, truth)).toEqual([]);
  });

  it('flags a field that splits by arm over the patients of a study (16 and 8, as NS-DUPI randomizes 24)', () => {
    const truth = truthOf(Object.fromEntries(Array.from({ length: 48 }, (_, i) => [`K${i}`, i < 32 ? 'DUP' : 'PBO'])));
    // Two kits per patient, 24 patients; the lot follows the arm: the real lot shown instead of the blinded one.
    const kits = Array.from({ length: 48 }, (_, i) => ({ kitNumber: `K${i}`, screeningNumber: `S-${Math.floor(i / 2)}`, lot: i < 32 ? 'L-A' : 'L-B' }));
    expect(findSeparatingFields('dispensing.history', kits, truth)).toEqual([
      { where: 'dispensing.history', kind: 'separating_field', detail: 'field "lot" takes one value per arm' },
    ]);
  });

  it('does not flag a split that arms dealt at random give often: three withdrawn patients, all of one arm, beside three of the other', () => {
    // The core run of stop 39 (random demo lists): the monitor's patient list, its statuses split three and three.
    const truth = truthOf({ R1: 'DUP', R2: 'DUP', R3: 'DUP', R4: 'PBO', R5: 'PBO', R6: 'PBO' });
    const patients = ['R1', 'R2', 'R3', 'R4', 'R5', 'R6'].map((randomizationNumber, i) => ({ screeningNumber: `S-${i}`, randomizationNumber, status: i < 3 ? 'randomized' : 'withdrawn' }));
    expect(findSeparatingFields('patients.list', patients, truth)).toEqual([]);
    // One time in ten: the two ways to give the two groups of three an arm each, over the 20 ways to deal 3 and 3.
    expect(chanceOfCleanSplit([3, 3], [3, 3])).toBeCloseTo(0.1, 10);
    expect(chanceOfCleanSplit([16, 8], [16, 8])).toBeCloseTo(1 / 735471, 12);
    // Groups that cannot fill the arms exactly never split cleanly.
    expect(chanceOfCleanSplit([4, 2], [3, 3])).toBe(0);
  });

  it('does not flag the time of each dispensing, which the kits of one patient share', () => {
    // The PostgreSQL run of stop 39: the label queue lists each kit with its dispensing's time; each patient's two kits
    // share it, so every time was "shared by two subjects" and never crossed arms, though it only follows the patient.
    const truth = truthOf(Object.fromEntries(Array.from({ length: 12 }, (_, i) => [`K${i}`, i < 6 ? 'DUP' : 'PBO'])));
    const queue = Array.from({ length: 12 }, (_, i) => ({ kitNumber: `K${i}`, patient: `S-${Math.floor(i / 2)}`, visit: 'D1', dispensedAt: `2026-03-0${Math.floor(i / 2) + 1}T09:00:00.000Z` }));
    expect(findSeparatingFields('labels.queue', queue, truth)).toEqual([]);
  });

  it('judges kits that name no patient one by one (a stock list), as before', () => {
    const truth = truthOf(Object.fromEntries(Array.from({ length: 30 }, (_, i) => [`K${i}`, i < 20 ? 'DUP' : 'PBO'])));
    const kits = Array.from({ length: 30 }, (_, i) => ({ kitNumber: `K${i}`, lot: i < 20 ? 'L-A' : 'L-B' }));
    expect(findSeparatingFields('inventory.kits', kits, truth)).toHaveLength(1);
  });
});
