import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkStudyConfig } from '../../../shared/study/studyProblems';

/**
 * The study schema grows what a double-dummy design needs (issue 14, item 4): kit types, the content each arm needs in
 * each type, kits per type at each visit. BRAVE-AA2's file says so and is valid; NS-DUPI's, which has none of it, is
 * unchanged; each rule that holds kit types together is refused with where it fails and by key.
 */
/** The parts of a study file the tests change, as loose JSON (each test breaks one rule on a copy). */
interface StudyJson {
  arms: Array<{ code: string; contents?: Record<string, string> }>;
  kitTypes: Array<{ code: string; contents: Array<{ code: string; name: string }>; product: Record<string, string> }>;
  visits: Array<{ code: string; kitsByType?: Record<string, number> }>;
  labels: { languages?: string[]; translations?: Record<string, Record<string, unknown>> };
}
const read = (name: string) => JSON.parse(readFileSync(join(__dirname, '../../../studies', name), 'utf8')) as StudyJson;
const BRAVE = read('brave-aa2.json');
const NS_DUPI = read('ns-dupi.json');
const problems = (study: unknown) => checkStudyConfig(study).problems.map((p) => `${p.path}: ${p.key ?? ''}: ${p.message}`);
const clone = <T>(value: T): T => structuredClone(value);

describe('kit types in a study file', () => {
  it("read BRAVE-AA2's double-dummy design: three arms 3:2:2, bottles A and B, one of each at nine visits", () => {
    const { config, problems: found } = checkStudyConfig(BRAVE);
    expect(found).toEqual([]);
    expect(config!.arms.map((a) => [a.code, a.ratio, a.contents])).toEqual([
      ['BARI4', 3, { A: 'BARI_4MG', B: 'PBO_2MG' }],
      ['BARI2', 2, { A: 'PBO_4MG', B: 'BARI_2MG' }],
      ['PLACEBO', 2, { A: 'PBO_4MG', B: 'PBO_2MG' }],
    ]);
    expect(config!.kitTypes!.map((t) => [t.code, t.unitsPerKit, t.unitsPerDay, t.contents.length])).toEqual([
      ['A', 35, 1, 2],
      ['B', 35, 1, 2],
    ]);
    expect(config!.visits.map((v) => v.code)).toEqual(['D1', 'W4', 'W8', 'W12', 'W16', 'W20', 'W24', 'W28', 'W32']);
    expect(config!.visits.every((v) => v.kits === 2 && v.kitsByType!.A === 1 && v.kitsByType!.B === 1)).toBe(true);
    expect(config!.strata).toEqual(['EPISODE_LT_4Y', 'EPISODE_GE_4Y']);
    expect(config!.assumptions!.length).toBeGreaterThan(3);
    // Every arm's pair of contents is its own: the three arms cannot be told apart by the look of a bottle, only by content.
    expect(new Set(config!.arms.map((a) => `${a.contents!.A}+${a.contents!.B}`)).size).toBe(3);
  });

  it("leave NS-DUPI's file as it was: no kit types, and contents or kits per type without them are refused", () => {
    expect(problems(NS_DUPI)).toEqual([]);
    const study = clone(NS_DUPI);
    study.arms[0]!.contents = { A: 'DUPI300' };
    study.visits[1]!.kitsByType = { A: 1 };
    expect(problems(study)).toEqual([
      'arms.0.contents: studyFile.withoutKitTypes: Contents and kits per type belong to a study with kit types: give kitTypes, or leave this out',
      'visits.1.kitsByType: studyFile.withoutKitTypes: Contents and kits per type belong to a study with kit types: give kitTypes, or leave this out',
    ]);
  });

  it('refuse an arm without a content for a type, a content the type does not hold, and a type that is not declared', () => {
    const study = clone(BRAVE);
    delete study.arms[1]!.contents!.B;
    study.arms[2]!.contents!.A = 'BARI_2MG';
    study.arms[0]!.contents!.C = 'PBO_4MG';
    expect(problems(study)).toEqual([
      'arms.0.contents.C: studyFile.notAKitType: C is not a kit type of the study',
      'arms.1.contents.B: studyFile.armNeedsContent: Arm BARI2 must say which content it needs in kit type B',
      'arms.2.contents.A: studyFile.notAContent: BARI_2MG is not a content of kit type A',
    ]);
  });

  it('refuse a visit without kits per type, or whose kits per type do not add up to its kits', () => {
    const study = clone(BRAVE);
    delete study.visits[0]!.kitsByType;
    study.visits[3]!.kitsByType = { A: 1, B: 2 };
    study.visits[4]!.kitsByType = { A: 1, Z: 1 };
    expect(problems(study)).toEqual([
      'visits.0.kitsByType: studyFile.visitNeedsKitsByType: Visit D1 must say how many kits of each type it dispenses',
      'visits.3.kitsByType: studyFile.kitsByTypeTotal: Visit W12: its kits by type add up to 3, and its kits field says 2',
      'visits.4.kitsByType.Z: studyFile.notAKitType: Z is not a kit type of the study',
    ]);
  });

  it('refuse a kit type of one content (its kits would name the arm), twice the same type, and a label language without its texts', () => {
    const study = clone(BRAVE);
    study.kitTypes[1]!.contents = [study.kitTypes[1]!.contents[0]!];
    // The arms that needed the content taken out say so too.
    expect(problems(study)).toEqual([
      'kitTypes.1.contents: studyFile.kitTypeContents: A kit type holds at least two contents (the treatment and its placebo): otherwise its kits would reveal the arm',
      'arms.0.contents.B: studyFile.notAContent: PBO_2MG is not a content of kit type B',
      'arms.2.contents.B: studyFile.notAContent: PBO_2MG is not a content of kit type B',
    ]);
    const twice = clone(BRAVE);
    twice.kitTypes[1]!.code = 'A';
    expect(problems(twice)).toContain('kitTypes.1.code: studyFile.kitTypeTwice: Kit type A is listed twice');
    const french = clone(BRAVE);
    french.labels.languages = ['en', 'fr'];
    french.labels.translations = {
      fr: {
        ...clone(NS_DUPI.labels.translations!.fr!),
        usCaution: 'Attention : nouveau médicament, réservé par la loi fédérale des États-Unis à l’usage expérimental',
        visits: Object.fromEntries(BRAVE.visits.map((v) => [v.code, v.code])),
        kitTypes: { A: BRAVE.kitTypes[0]!.product },
      },
    };
    expect(problems(french)).toEqual(['labels.translations.fr.kitTypes.B: studyFile.kitTypeTexts: Kit type B needs its product texts in fr']);
  });
});
