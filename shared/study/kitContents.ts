import type { StudyConfig } from './studyConfig';

/**
 * What a kit holds and what an arm needs, in one vocabulary for every design (docs/multi-study-plan.md, step 6).
 *
 * A kit has a type and a content. In a study with kit types (double-dummy: bottle A holds 4 mg or its placebo, bottle
 * B 2 mg or its placebo) the type is printed on the kit and its label, and the content is sealed on the kit list like
 * an arm: it says part of the arm. A study without kit types (NS-DUPI) has one implicit type, `null`, whose content is
 * the arm itself: its kit list, its sealed values and its behaviour are what they always were.
 *
 * A kit is valid for a patient when its content is the one the patient's arm needs for the kit's type. Every rule
 * that matched "the kit's arm" to "the patient's arm" asks `contentNeeded` instead.
 */

/** A kit type's code, or null for the implicit type of a study without kit types. */
export type KitTypeCode = string | null;

type Study = Pick<StudyConfig, 'arms' | 'kitTypes' | 'product'>;
type Visit = StudyConfig['visits'][number];

/** The kit types of the study in the file's order; a study without kit types has the one implicit type `null`. */
export function kitTypeCodes(study: Pick<StudyConfig, 'kitTypes'>): KitTypeCode[] {
  return study.kitTypes?.map((t) => t.code) ?? [null];
}

/** Whether the study dispenses kits of named types (its kit list then has `kit_type` and `content` columns). */
export function hasKitTypes(study: Pick<StudyConfig, 'kitTypes'>): boolean {
  return (study.kitTypes?.length ?? 0) > 0;
}

/** The content the arm needs in kits of this type: the arm itself for the implicit type. */
export function contentNeeded(study: Pick<StudyConfig, 'arms'>, armCode: string, type: KitTypeCode): string {
  if (type === null) return armCode;
  const content = study.arms.find((a) => a.code === armCode)?.contents?.[type];
  if (content === undefined) throw new Error(`Arm ${armCode} needs no content of kit type ${type}.`);
  return content;
}

/** The arms that need this content in kits of this type (a placebo bottle B serves the 4 mg arm and the placebo arm). */
export function armsNeeding(study: Pick<StudyConfig, 'arms'>, type: KitTypeCode, content: string): string[] {
  return study.arms.filter((a) => (type === null ? a.code === content : a.contents?.[type] === content)).map((a) => a.code);
}

/** The contents a kit of this type may hold: the arms' codes for the implicit type. */
export function contentsOf(study: Pick<StudyConfig, 'arms' | 'kitTypes'>, type: KitTypeCode): string[] {
  if (type === null) return study.arms.map((a) => a.code);
  return study.kitTypes?.find((t) => t.code === type)?.contents.map((c) => c.code) ?? [];
}

/** The name of a content, for unblinded screens and reports: the arm's name for the implicit type. */
export function contentName(study: Pick<StudyConfig, 'arms' | 'kitTypes'>, type: KitTypeCode, content: string): string {
  if (type === null) return study.arms.find((a) => a.code === content)?.name ?? content;
  return study.kitTypes?.find((t) => t.code === type)?.contents.find((c) => c.code === content)?.name ?? content;
}

/** A kit's content as unblinded screens and reports name it: the arm's name, or "Bottle A: Baricitinib 4 mg tablets". */
export function describeContent(study: Pick<StudyConfig, 'arms' | 'kitTypes'>, type: KitTypeCode, content: string): string {
  const name = contentName(study, type, content);
  return type === null ? name : `${kitTypeName(study, type)}: ${name}`;
}

/** The forecast's and reports' lines: each arm in a study without kit types; each content of each type otherwise, in the file's order. */
export function contentLines(study: Pick<StudyConfig, 'arms' | 'kitTypes'>): Array<{ kitType: KitTypeCode; code: string; name: string }> {
  return kitTypeCodes(study).flatMap((kitType) => contentsOf(study, kitType).map((code) => ({ kitType, code, name: contentName(study, kitType, code) })));
}

/** The kit type's name as printed on its kits ("Bottle A"), or null for the implicit type. */
export function kitTypeName(study: Pick<StudyConfig, 'kitTypes'>, type: KitTypeCode): string | null {
  if (type === null) return null;
  return study.kitTypes?.find((t) => t.code === type)?.name ?? type;
}

/** How many kits of each type the visit dispenses, in the study's type order, types it needs none of left out. */
export function kitsByType(study: Pick<StudyConfig, 'kitTypes'>, visit: Pick<Visit, 'kits' | 'kitsByType'>): Array<{ type: KitTypeCode; count: number }> {
  if (!hasKitTypes(study)) return [{ type: null, count: visit.kits }];
  return kitTypeCodes(study)
    .map((type) => ({ type, count: visit.kitsByType?.[type!] ?? 0 }))
    .filter((t) => t.count > 0);
}

/** The units one kit of this type holds (tablets in a bottle; the product's units for the implicit type). */
export function unitsPerKit(study: Study, type: KitTypeCode): number {
  if (type === null) return study.product.unitsPerKit;
  return study.kitTypes?.find((t) => t.code === type)?.unitsPerKit ?? study.product.unitsPerKit;
}

/** The units a patient takes from a kit of this type each day, when the study says (compliance); null otherwise. */
export function unitsPerDay(study: Pick<StudyConfig, 'kitTypes'>, type: KitTypeCode): number | null {
  if (type === null) return null;
  return study.kitTypes?.find((t) => t.code === type)?.unitsPerDay ?? null;
}

/**
 * The index key of a kit's content within its type: the content for the implicit type, `type:content` otherwise (two
 * types may both name a content PLACEBO). Held in memory only, next to the opened contents it indexes.
 */
export function contentKey(type: KitTypeCode, content: string): string {
  return type === null ? content : `${type}:${content}`;
}
