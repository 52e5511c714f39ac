import { z } from 'zod';
import { LABEL_LANGUAGES } from '../labels/labelCaptions';
import { messageKey } from '../messages/zodIssues';

/**
 * A study is a validated configuration file, not code (DESIGN.md section 2). NS-DUPI is the first such file
 * (studies/ns-dupi.json); nothing in Veil special-cases it.
 */
const Contact = z.object({
  name: z.string().min(1),
  address: z.string().min(1),
  phone: z.string().min(1),
});

export const LabelLanguage = z.enum(LABEL_LANGUAGES);

/**
 * The study's own label texts in one more language (EU CTR Annex VI: the language of the member state): the fixed
 * mentions, the product as the label names it, the visit names (every visit), and the contacts' names and addresses
 * where they read differently. Phone numbers, codes and numbers are the same in every language.
 */
/** A product as its label names it: identical for every arm (the blinded name says "or placebo"). */
const ProductTexts = z.object({ blindedName: z.string().min(1), form: z.string().min(1), route: z.string().min(1), storage: z.string().min(1), directions: z.string().min(1) }).strict();

const LabelTranslation = z
  .object({
    clinicalTrialUse: z.string().min(1),
    keepOutOfReach: z.string().min(1).nullable(),
    usCaution: z.string().min(1).nullable(),
    product: ProductTexts,
    /** Each kit type's product texts in this language (a study with kit types: every type). */
    kitTypes: z.record(z.string(), ProductTexts).optional(),
    visits: z.record(z.string(), z.string().min(1)),
    contacts: z
      .object({
        sponsor: z.object({ name: z.string().min(1), address: z.string().min(1) }).partial().strict().optional(),
        emergency: z.object({ name: z.string().min(1), address: z.string().min(1) }).partial().strict().optional(),
      })
      .strict()
      .optional(),
  })
  .strict();

const ContentCode = z.string().regex(/^[A-Z0-9_]{2,20}$/, messageKey('studyFile.contentCode'));

/**
 * A kind of kit a visit dispenses, for a study whose arms differ in what each kit holds (a double-dummy design: bottle A
 * holds 4 mg or its placebo, bottle B 2 mg or its placebo). Every kit of a type looks the same whatever it holds; its
 * content is sealed like an arm. A study without kit types has one, implicitly, whose content is the arm.
 */
const KitType = z
  .object({
    code: z.string().regex(/^[A-Z0-9]{1,8}$/, messageKey('studyFile.kitTypeCode')),
    name: z.string().min(1),
    /** What a kit of this type may hold, each sealed on the kit list as its content code. */
    contents: z.array(z.object({ code: ContentCode, name: z.string().min(1) }).strict()).min(2, messageKey('studyFile.kitTypeContents')),
    unitsPerKit: z.number().int().positive(),
    /** The units a patient takes from it each day, for compliance per dispensing interval (tablets counted on return). */
    unitsPerDay: z.number().positive().optional(),
    product: ProductTexts,
  })
  .strict();

const StudyShape = z
  .object({
    code: z.string().regex(/^[A-Z0-9-]{2,20}$/, messageKey('studyFile.studyCode')),
    title: z.string().min(1),
    registry: z.string().min(1),
    /** Where the registry and the protocol synopsis are silent, what the file assumes, in words a monitor can check. */
    assumptions: z.array(z.string().min(1)).optional(),
    sponsor: z.object({ name: z.string().min(1), protocolNumber: z.string().min(1) }),
    design: z.object({ phase: z.string(), masking: z.string(), plannedPatients: z.number().int().positive() }),
    arms: z
      .array(
        z.object({
          code: z.string().regex(/^[A-Z0-9_]{2,20}$/, messageKey('studyFile.armCode')),
          name: z.string().min(1),
          ratio: z.number().int().positive(),
          /** With kit types: the content the arm needs in each type's kits (type code to content code). */
          contents: z.record(z.string(), z.string()).optional(),
        }),
      )
      .min(2, 'A blinded study has at least two arms'),
    /** The kinds of kit a visit dispenses (double-dummy designs); absent: one kind, whose content is the arm. */
    kitTypes: z.array(KitType).min(1).optional(),
    strata: z.array(z.string().min(1)).min(1),
    eligibility: z.object({ minimumAgeYears: z.number().int().min(0).nullable() }),
    product: z.object({
      blindedName: z.string().min(1),
      form: z.string().min(1),
      route: z.string().min(1),
      unitsPerKit: z.number().int().positive(),
      storage: z.string().min(1),
      directions: z.string().min(1),
    }),
    visits: z
      .array(
        z.object({
          code: z.string().min(1),
          name: z.string().min(1),
          dayOffset: z.number().int().min(0),
          kits: z.number().int().positive(),
          /** With kit types: how many kits of each type the visit dispenses (adding up to `kits`). */
          kitsByType: z.record(z.string(), z.number().int().min(0)).optional(),
          windowBeforeDays: z.number().int().min(0),
          windowAfterDays: z.number().int().min(0),
        }),
      )
      .min(1),
    doNotDispenseMarginDays: z.number().int().min(0),
    /**
     * The protocol's minimum interval between two dispensings to one patient (issue 11, item 6) and what a shorter
     * one needs: a second person's e-signature below the dispenser's, or a refusal. A protocol rule like the visit
     * windows, so it lives in the study file, not in the site's settings. A study file without it has no minimum.
     */
    dosing: z
      .object({ minimumIntervalDays: z.number().int().min(0).max(366), shortInterval: z.enum(['second_signature', 'refuse']) })
      .strict()
      .default({ minimumIntervalDays: 0, shortInterval: 'second_signature' }),
    labels: z.object({
      clinicalTrialUse: z.string().min(1),
      keepOutOfReach: z.string().nullable(),
      usCaution: z.string().nullable(),
      /** The language of the texts above and of the study's product texts and visit names. */
      language: LabelLanguage.default('en'),
      /**
       * The languages labels are printed in, the one used first (the member state's); the others stay available (the
       * `veil label --language` command). Each one but `language` needs its `translations` entry.
       */
      languages: z.array(LabelLanguage).min(1).optional(),
      translations: z.partialRecord(LabelLanguage, LabelTranslation).optional(),
    }),
    contacts: z.object({ sponsor: Contact, emergency: Contact }),
  });
type StudyShape = z.infer<typeof StudyShape>;

export const StudyConfig = StudyShape.superRefine((study, ctx) => {
  const codes = new Set<string>();
  study.arms.forEach((arm, i) => {
    if (codes.has(arm.code)) ctx.addIssue({ code: 'custom', path: ['arms', i, 'code'], message: messageKey('studyFile.armTwice'), params: { arm: arm.code } });
    codes.add(arm.code);
  });
  const visitCodes = new Set<string>();
  study.visits.forEach((visit, i) => {
    if (visitCodes.has(visit.code)) ctx.addIssue({ code: 'custom', path: ['visits', i, 'code'], message: messageKey('studyFile.visitTwice'), params: { visit: visit.code } });
    visitCodes.add(visit.code);
    if (i > 0 && visit.dayOffset <= study.visits[i - 1]!.dayOffset)
      ctx.addIssue({ code: 'custom', path: ['visits', i, 'dayOffset'], message: messageKey('studyFile.visitOrder') });
  });
  checkKitTypes(study, ctx);
  const labels = study.labels;
  for (const [i, language] of (labels.languages ?? []).entries()) {
    if (language !== labels.language && !labels.translations?.[language])
      ctx.addIssue({ code: 'custom', path: ['labels', 'languages', i], message: messageKey('studyFile.labelTexts'), params: { language } });
  }
  for (const [language, translation] of Object.entries(labels.translations ?? {})) {
    if (!translation) continue;
    const at = (...path: Array<string | number>) => ['labels', 'translations', language, ...path];
    for (const visit of study.visits)
      if (!translation.visits[visit.code]) ctx.addIssue({ code: 'custom', path: at('visits', visit.code), message: messageKey('studyFile.visitName'), params: { visit: visit.code, language } });
    for (const code of Object.keys(translation.visits))
      if (!visitCodes.has(code)) ctx.addIssue({ code: 'custom', path: at('visits', code), message: messageKey('studyFile.notAVisit'), params: { visit: code } });
    for (const type of study.kitTypes ?? [])
      if (!translation.kitTypes?.[type.code]) ctx.addIssue({ code: 'custom', path: at('kitTypes', type.code), message: messageKey('studyFile.kitTypeTexts'), params: { type: type.code, language } });
    // A mention the study prints in one language it prints in all of them (and none it leaves out): the labels of
    // every language carry the same items.
    for (const mention of ['keepOutOfReach', 'usCaution'] as const)
      if ((translation[mention] === null) !== (labels[mention] === null))
        ctx.addIssue({
          code: 'custom',
          path: at(mention),
          message: labels[mention] === null ? messageKey('studyFile.mentionLeftOut') : messageKey('studyFile.mentionPrinted'),
          params: { mention, language: labels.language, translation: language },
        });
  }
});

type Issues = z.core.$RefinementCtx<StudyShape>;

/**
 * Kit types hold together: each arm says the content it needs in every type, one of that type's contents; each visit
 * says how many kits of each type it dispenses, adding up to its kits. A study without kit types says neither.
 */
function checkKitTypes(study: StudyShape, ctx: Issues) {
  const types = study.kitTypes;
  if (!types) {
    study.arms.forEach((arm, i) => {
      if (arm.contents) ctx.addIssue({ code: 'custom', path: ['arms', i, 'contents'], message: messageKey('studyFile.withoutKitTypes') });
    });
    study.visits.forEach((visit, i) => {
      if (visit.kitsByType) ctx.addIssue({ code: 'custom', path: ['visits', i, 'kitsByType'], message: messageKey('studyFile.withoutKitTypes') });
    });
    return;
  }
  const typeCodes = new Set<string>();
  types.forEach((type, i) => {
    if (typeCodes.has(type.code)) ctx.addIssue({ code: 'custom', path: ['kitTypes', i, 'code'], message: messageKey('studyFile.kitTypeTwice'), params: { type: type.code } });
    typeCodes.add(type.code);
    const contents = new Set<string>();
    type.contents.forEach((content, j) => {
      if (contents.has(content.code)) ctx.addIssue({ code: 'custom', path: ['kitTypes', i, 'contents', j, 'code'], message: messageKey('studyFile.contentTwice'), params: { content: content.code, type: type.code } });
      contents.add(content.code);
    });
  });
  study.arms.forEach((arm, i) => {
    for (const type of types) {
      const content = arm.contents?.[type.code];
      if (content === undefined) ctx.addIssue({ code: 'custom', path: ['arms', i, 'contents', type.code], message: messageKey('studyFile.armNeedsContent'), params: { arm: arm.code, type: type.code } });
      else if (!type.contents.some((c) => c.code === content))
        ctx.addIssue({ code: 'custom', path: ['arms', i, 'contents', type.code], message: messageKey('studyFile.notAContent'), params: { content, type: type.code } });
    }
    for (const code of Object.keys(arm.contents ?? {}))
      if (!typeCodes.has(code)) ctx.addIssue({ code: 'custom', path: ['arms', i, 'contents', code], message: messageKey('studyFile.notAKitType'), params: { type: code } });
  });
  study.visits.forEach((visit, i) => {
    const byType = visit.kitsByType;
    if (!byType) {
      ctx.addIssue({ code: 'custom', path: ['visits', i, 'kitsByType'], message: messageKey('studyFile.visitNeedsKitsByType'), params: { visit: visit.code } });
      return;
    }
    for (const code of Object.keys(byType))
      if (!typeCodes.has(code)) ctx.addIssue({ code: 'custom', path: ['visits', i, 'kitsByType', code], message: messageKey('studyFile.notAKitType'), params: { type: code } });
    const total = Object.values(byType).reduce((n, k) => n + k, 0);
    if (total !== visit.kits) ctx.addIssue({ code: 'custom', path: ['visits', i, 'kitsByType'], message: messageKey('studyFile.kitsByTypeTotal'), params: { visit: visit.code, total, kits: visit.kits } });
  });
}

/** The study's visit names per language: the study file's own, then its label translations'. */
export function visitNamesByLanguage(study: Pick<StudyConfig, 'labels' | 'visits'>): Record<string, Record<string, string>> {
  const names: Record<string, Record<string, string>> = { [study.labels.language]: Object.fromEntries(study.visits.map((v) => [v.code, v.name])) };
  for (const [language, translation] of Object.entries(study.labels.translations ?? {})) if (translation) names[language] = { ...translation.visits };
  return names;
}

/** The languages the study's labels are printed in, the one used first. */
export function labelLanguages(study: Pick<StudyConfig, 'labels'>): LabelLanguage[] {
  return study.labels.languages ?? [study.labels.language];
}
export type LabelLanguage = z.infer<typeof LabelLanguage>;
export type StudyConfig = z.infer<typeof StudyConfig>;
