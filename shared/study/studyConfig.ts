import { z } from 'zod';

/**
 * A study is a validated configuration file, not code (DESIGN.md section 2). NS-DUPI is the first such file
 * (studies/ns-dupi.json); nothing in Veil special-cases it.
 */
const Contact = z.object({
  name: z.string().min(1),
  address: z.string().min(1),
  phone: z.string().min(1),
});

export const StudyConfig = z
  .object({
    code: z.string().regex(/^[A-Z0-9-]{2,20}$/, 'A study code is 2-20 capitals, digits or dashes'),
    title: z.string().min(1),
    registry: z.string().min(1),
    sponsor: z.object({ name: z.string().min(1), protocolNumber: z.string().min(1) }),
    design: z.object({ phase: z.string(), masking: z.string(), plannedPatients: z.number().int().positive() }),
    arms: z
      .array(
        z.object({
          code: z.string().regex(/^[A-Z0-9_]{2,20}$/, 'An arm code is 2-20 capitals, digits or underscores'),
          name: z.string().min(1),
          ratio: z.number().int().positive(),
        }),
      )
      .min(2, 'A blinded study has at least two arms'),
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
          windowBeforeDays: z.number().int().min(0),
          windowAfterDays: z.number().int().min(0),
        }),
      )
      .min(1),
    doNotDispenseMarginDays: z.number().int().min(0),
    labels: z.object({
      clinicalTrialUse: z.string().min(1),
      keepOutOfReach: z.string().nullable(),
      usCaution: z.string().nullable(),
    }),
    contacts: z.object({ sponsor: Contact, emergency: Contact }),
  })
  .superRefine((study, ctx) => {
    const codes = new Set<string>();
    study.arms.forEach((arm, i) => {
      if (codes.has(arm.code)) ctx.addIssue({ code: 'custom', path: ['arms', i, 'code'], message: `Arm code ${arm.code} is used twice` });
      codes.add(arm.code);
    });
    const visitCodes = new Set<string>();
    study.visits.forEach((visit, i) => {
      if (visitCodes.has(visit.code)) ctx.addIssue({ code: 'custom', path: ['visits', i, 'code'], message: `Visit ${visit.code} is listed twice` });
      visitCodes.add(visit.code);
      if (i > 0 && visit.dayOffset <= study.visits[i - 1]!.dayOffset)
        ctx.addIssue({ code: 'custom', path: ['visits', i, 'dayOffset'], message: 'Visits must be in increasing day order' });
    });
  });
export type StudyConfig = z.infer<typeof StudyConfig>;
