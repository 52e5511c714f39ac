import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { NS_DUPI } from '../../../main/core/demo/demoSeed';
import { complianceIntervals } from '../../../main/core/returns/complianceService';
import type { DispensingRow } from '../../../main/core/patients/patientRepository';
import { StudyConfig } from '../../../shared/study/studyConfig';

const BRAVE = StudyConfig.parse(JSON.parse(readFileSync(join(__dirname, '../../../studies/brave-aa2.json'), 'utf8')));
const at = (day: string) => `${day}T10:00:00.000Z`;
const dispensing = (id: number, visitCode: string, day: string, kits: string[], extra: DispensingRow['extra'] = null): DispensingRow => ({ id, visitCode, dispensedAt: at(day), outOfWindowReason: null, signatureId: id, kits, extra });
const typeOf = new Map<string, string | null>([
  ['A1', 'A'],
  ['B1', 'B'],
  ['A2', 'A'],
  ['B2', 'B'],
  ['A3', 'A'],
]);
const back = (unitsReturned: number, day: string, condition: 'partly_used' | 'missing' = 'partly_used') => ({ condition, unitsReturned, returnedAt: at(day) });

describe('tablet compliance per dispensing interval', () => {
  it('weighs each bottle of an interval against one tablet a day; a replacement counts in its interval; a lost bottle leaves the count unknown', () => {
    const dispensings = [
      dispensing(1, 'D1', '2026-01-05', ['A1', 'B1']),
      dispensing(2, 'D1/R1', '2026-01-12', ['A3'], { kind: 'replacement', replacesKit: 'A1', reason: 'Bottle lost' }),
      dispensing(3, 'W4', '2026-02-02', ['A2', 'B2']),
    ];
    const returned = new Map([
      ['A1', back(0, '2026-01-12', 'missing')],
      ['B1', back(7, '2026-02-02')],
      ['A3', back(14, '2026-02-02')],
      ['A2', back(10, '2026-03-02')],
    ]);
    const [d1, w4] = complianceIntervals(BRAVE, dispensings, typeOf, returned);
    expect(d1).toMatchObject({ visitCode: 'D1', from: '2026-01-05', to: '2026-02-02', days: 28 });
    expect(d1!.byType).toEqual([
      // A1 was lost and replaced by A3: how many tablets A1 held when it was lost is unknown.
      { kitType: 'Bottle A', kits: 2, unitsGiven: 70, unitsReturned: 14, unitsTaken: null, unitsExpected: 28, percent: null, state: 'kit_missing' },
      { kitType: 'Bottle B', kits: 1, unitsGiven: 35, unitsReturned: 7, unitsTaken: 28, unitsExpected: 28, percent: 100, state: 'counted' },
    ]);
    // The last interval stays open while a bottle is out.
    expect(w4).toMatchObject({ visitCode: 'W4', to: null, days: null });
    expect(w4!.byType.map((b) => [b.kitType, b.state, b.unitsTaken])).toEqual([
      ['Bottle A', 'counted', 25],
      ['Bottle B', 'awaiting_return', null],
    ]);
    // Once both are back, it ends on the day the last came back.
    const closed = complianceIntervals(BRAVE, dispensings, typeOf, new Map([...returned, ['B2', back(5, '2026-03-04')]]))[1]!;
    expect([closed.to, closed.days, closed.byType.map((b) => b.percent)]).toEqual(['2026-03-04', 30, [83, 100]]);
  });

  it('says nothing for a study whose kits have no daily dose (NS-DUPI)', () => {
    expect(complianceIntervals(NS_DUPI, [dispensing(1, 'D1', '2026-01-05', ['1001'])], new Map([['1001', null]]), new Map())).toEqual([]);
  });
});
