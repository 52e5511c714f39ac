import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { NS_DUPI } from '../../../main/core/demo/demoSeed';
import { armsNeeding, contentKey, contentLines, contentNeeded, describeContent, kitsByType, kitTypeCodes, unitsPerDay, unitsPerKit } from '../../../shared/study/kitContents';
import { StudyConfig } from '../../../shared/study/studyConfig';

const BRAVE = StudyConfig.parse(JSON.parse(readFileSync(join(__dirname, '../../../studies/brave-aa2.json'), 'utf8')));

describe('what a kit holds and what an arm needs', () => {
  it('a study without kit types has one implicit type whose content is the arm', () => {
    expect(kitTypeCodes(NS_DUPI)).toEqual([null]);
    expect(contentNeeded(NS_DUPI, 'DUPI300', null)).toBe('DUPI300');
    expect(armsNeeding(NS_DUPI, null, 'PLACEBO')).toEqual(['PLACEBO']);
    expect(kitsByType(NS_DUPI, NS_DUPI.visits[0]!)).toEqual([{ type: null, count: NS_DUPI.visits[0]!.kits }]);
    expect(contentLines(NS_DUPI).map((l) => [l.kitType, l.code])).toEqual(NS_DUPI.arms.map((a) => [null, a.code]));
    expect(describeContent(NS_DUPI, null, 'PLACEBO')).toBe('Placebo');
    expect(contentKey(null, 'PLACEBO')).toBe('PLACEBO');
    expect([unitsPerKit(NS_DUPI, null), unitsPerDay(NS_DUPI, null)]).toEqual([NS_DUPI.product.unitsPerKit, null]);
  });

  it('BRAVE-AA2: each arm needs one content of each bottle, and each placebo serves two arms', () => {
    expect(kitTypeCodes(BRAVE)).toEqual(['A', 'B']);
    expect(BRAVE.arms.map((a) => [a.code, contentNeeded(BRAVE, a.code, 'A'), contentNeeded(BRAVE, a.code, 'B')])).toEqual([
      ['BARI4', 'BARI_4MG', 'PBO_2MG'],
      ['BARI2', 'PBO_4MG', 'BARI_2MG'],
      ['PLACEBO', 'PBO_4MG', 'PBO_2MG'],
    ]);
    expect(armsNeeding(BRAVE, 'A', 'PBO_4MG')).toEqual(['BARI2', 'PLACEBO']);
    expect(armsNeeding(BRAVE, 'B', 'PBO_2MG')).toEqual(['BARI4', 'PLACEBO']);
    expect(armsNeeding(BRAVE, 'B', 'BARI_4MG')).toEqual([]);
    expect(() => contentNeeded(BRAVE, 'BARI4', 'C')).toThrow(/kit type C/);
    expect(kitsByType(BRAVE, BRAVE.visits[3]!)).toEqual([
      { type: 'A', count: 1 },
      { type: 'B', count: 1 },
    ]);
    expect(describeContent(BRAVE, 'A', 'PBO_4MG')).toBe('Bottle A: Placebo tablets matching baricitinib 4 mg');
    // Two types may both name a content PLACEBO: the index key keeps them apart.
    expect(contentKey('A', 'PLACEBO')).not.toBe(contentKey('B', 'PLACEBO'));
    expect([unitsPerKit(BRAVE, 'A'), unitsPerDay(BRAVE, 'B')]).toEqual([35, 1]);
  });
});
