import type { KitTypeCode } from '../study/kitContents';
import { analyzeBlindingRisk, type KitForAnalysis, type RiskAnalysis, type RiskFinding } from './blindingRisk';

/** A kit as the analysis reads it, with its type (null: the implicit type of a study without kit types). */
export type TypedKitForAnalysis = KitForAnalysis & { kitType: KitTypeCode };

/** What one kit type's kits reveal, and the blinded values its labels take. */
export interface KitTypeRisk {
  kitType: string;
  lotsReveal: boolean;
  expiryReveals: boolean;
  blindedLot: string | null;
  commonUseBefore: string | null;
}

/** A study's analysis: each finding names its kit type in a study with kit types, whose blinded values are per type. */
export type StudyRiskAnalysis = Omit<RiskAnalysis, 'findings'> & { findings: Array<RiskFinding & { kitType?: string }>; byKitType?: KitTypeRisk[] };

/**
 * The blinding-risk analysis of a study's kits, decided per kit type (issue 14: "a blinded lot or use-before date is
 * decided per study and per kit type"). The type is printed on every kit, so a blinded reader compares kits of one
 * type with each other: within a type, the contents are what the arms are in a study without types (bottle A's lots
 * must not tell 4 mg from its placebo). Across types nothing is hidden: bottle A and bottle B may well carry different
 * lots and dates, and both exist in every arm. Each type gets its own blinded lot and common use-before date, from its
 * own stock, so a bottle B with a short shelf life does not pull bottle A's labels back to its date.
 *
 * A study without kit types is one population, analysed as it always was.
 */
export function analyzeStudyKits(kits: readonly TypedKitForAnalysis[], studyCode: string, options: { dispensable?: (kit: TypedKitForAnalysis) => boolean } = {}): StudyRiskAnalysis {
  const types = [...new Set(kits.map((k) => k.kitType))];
  if (types.every((t) => t === null)) return analyzeBlindingRisk(kits, studyCode, options);
  const findings: StudyRiskAnalysis['findings'] = [];
  const byKitType: KitTypeRisk[] = [];
  for (const kitType of types.filter((t): t is string => t !== null).sort()) {
    const risk = analyzeBlindingRisk(
      kits.filter((k) => k.kitType === kitType),
      `${studyCode}-${kitType}`,
      options,
    );
    findings.push(...risk.findings.map((f) => ({ ...f, kitType })));
    byKitType.push({ kitType, lotsReveal: risk.lotsReveal, expiryReveals: risk.expiryReveals, blindedLot: risk.blindedLot, commonUseBefore: risk.commonUseBefore });
  }
  return {
    findings,
    lotsReveal: byKitType.some((t) => t.lotsReveal),
    expiryReveals: byKitType.some((t) => t.expiryReveals),
    // Each type has its own (byKitType); no one value is every kit's.
    blindedLot: null,
    commonUseBefore: null,
    byKitType,
  };
}

/** The blinded lot and use-before date the analysis gives kits of this type (null: the kit keeps its real one). */
export function blindedValuesOf(risk: StudyRiskAnalysis, kitType: KitTypeCode): { blindedLot: string | null; commonUseBefore: string | null } {
  if (kitType === null) return { blindedLot: risk.blindedLot, commonUseBefore: risk.commonUseBefore };
  const ofType = risk.byKitType?.find((t) => t.kitType === kitType);
  return { blindedLot: ofType?.blindedLot ?? null, commonUseBefore: ofType?.commonUseBefore ?? null };
}
