import { VeilError } from '../../../shared/errors';
import { daysBetween, localDate } from '../../../shared/schedule/visitSchedule';
import { kitTypeCodes, kitTypeName, unitsPerDay, unitsPerKit, type KitTypeCode } from '../../../shared/study/kitContents';
import type { StudyConfig } from '../../../shared/study/studyConfig';
import type { KitRepository } from '../kits/kitRepository';
import type { DispensingRow, PatientRepository } from '../patients/patientRepository';
import type { ReturnRow, ReturnsRepository } from './returnsRepository';

/** Where a type's count stands in one interval: every kit back and counted, a kit still out, or a kit the patient lost. */
export type ComplianceState = 'counted' | 'awaiting_return' | 'kit_missing';

export interface ComplianceOfType {
  /** The type's printed name ("Bottle A"). */
  kitType: string;
  kits: number;
  unitsGiven: number;
  /** Units counted back in the returned kits (of those returned so far). */
  unitsReturned: number;
  /** Given less returned, once every kit is back and counted; null before. */
  unitsTaken: number | null;
  /** The units the protocol's daily dose takes over the interval; null while the interval is still open. */
  unitsExpected: number | null;
  /** Taken as a share of expected, in percent (rounded); null unless both are known. */
  percent: number | null;
  state: ComplianceState;
}

/** One dispensing interval: from a scheduled visit's dispensing to the next one (the last stays open until its kits are back). */
export interface ComplianceInterval {
  visitCode: string;
  from: string;
  /** The next scheduled dispensing's day; when there is none yet, the day the last of its kits came back, or null. */
  to: string | null;
  days: number | null;
  byType: ComplianceOfType[];
}

/**
 * Tablet compliance per dispensing interval (issue 14, BRAVE-AA2: "tablet counts on return with compliance per
 * dispensing interval"). For each kit type whose study file says how many units a patient takes a day, the units
 * given in the interval less those counted back, against the units the daily dose takes over the interval's days.
 * Replacement and unscheduled kits count in the interval they were given in. A kit recorded as missing leaves the
 * interval's count unknown: Veil says so rather than guess.
 *
 * Blinded users may read it: every arm takes the same number of tablets from the same bottles (double-dummy), so
 * counts and percentages say nothing of an arm.
 */
export class ComplianceService {
  constructor(
    private readonly patients: PatientRepository,
    private readonly returns: ReturnsRepository,
    private readonly kits: KitRepository,
    private readonly study: () => StudyConfig,
  ) {}

  async ofPatient(patientId: number): Promise<{ patientId: number; screeningNumber: string; intervals: ComplianceInterval[] }> {
    const patient = await this.patients.get(patientId);
    if (!patient) throw VeilError.says('not_found', { key: 'patients.noSuchPatient', params: { id: patientId } });
    const dispensings = await this.patients.dispensings(patientId);
    const kitNumbers = dispensings.flatMap((d) => d.kits);
    const returned = new Map<string, ReturnRow>();
    const typeOf = new Map<string, KitTypeCode>();
    for (const kitNumber of kitNumbers) {
      const row = await this.returns.get(kitNumber);
      if (row) returned.set(kitNumber, row);
      typeOf.set(kitNumber, (await this.kits.get(kitNumber))?.kitType ?? null);
    }
    return { patientId, screeningNumber: patient.screeningNumber, intervals: complianceIntervals(this.study(), dispensings, typeOf, returned) };
  }
}

/** The intervals of one patient's dispensings (in the order given), for the kit types with a daily dose. */
export function complianceIntervals(study: StudyConfig, dispensings: readonly DispensingRow[], typeOf: ReadonlyMap<string, KitTypeCode>, returned: ReadonlyMap<string, Pick<ReturnRow, 'condition' | 'unitsReturned' | 'returnedAt'>>): ComplianceInterval[] {
  const dosed = kitTypeCodes(study).filter((type) => unitsPerDay(study, type) !== null);
  if (dosed.length === 0) return [];
  const scheduled = dispensings.filter((d) => d.extra === null);
  return scheduled.map((visit, i) => {
    const next = scheduled[i + 1];
    const given = dispensings.filter((d) => d.dispensedAt >= visit.dispensedAt && (!next || d.dispensedAt < next.dispensedAt)).flatMap((d) => d.kits);
    const from = localDate(new Date(visit.dispensedAt));
    const allBack = given.every((k) => returned.has(k));
    const lastReturn = given.map((k) => returned.get(k)?.returnedAt ?? '').sort().at(-1);
    const to = next ? localDate(new Date(next.dispensedAt)) : allBack && lastReturn ? localDate(new Date(lastReturn)) : null;
    const days = to === null ? null : daysBetween(from, to);
    const byType = dosed.flatMap((type): ComplianceOfType[] => {
      const kits = given.filter((k) => typeOf.get(k) === type);
      if (kits.length === 0) return [];
      const unitsGiven = kits.length * unitsPerKit(study, type);
      const back = kits.map((k) => returned.get(k)).filter((r) => r !== undefined);
      const unitsReturned = back.reduce((n, r) => n + r.unitsReturned, 0);
      const state: ComplianceState = back.some((r) => r.condition === 'missing') ? 'kit_missing' : back.length < kits.length ? 'awaiting_return' : 'counted';
      const unitsTaken = state === 'counted' ? unitsGiven - unitsReturned : null;
      const unitsExpected = days === null ? null : days * unitsPerDay(study, type)!;
      const percent = unitsTaken !== null && unitsExpected ? Math.round((100 * unitsTaken) / unitsExpected) : null;
      return [{ kitType: kitTypeName(study, type) ?? '', kits: kits.length, unitsGiven, unitsReturned, unitsTaken, unitsExpected, percent, state }];
    });
    return { visitCode: visit.visitCode, from, to, days, byType };
  });
}
