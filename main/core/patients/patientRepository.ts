import type { Kysely } from 'kysely';
import type { PreparedQuery, Store } from '../db/store';
import type { VeilTables } from '../db/tables';
import { readInSlices } from '../db/slices';
import type { StudyScope } from '../study/studyScope';

export interface PatientRow {
  id: number;
  screeningNumber: string;
  initials: string;
  yearOfBirth: number;
  investigator: string;
  stratum: string;
  status: 'registered' | 'randomized' | 'withdrawn';
  randomizationNumber: string | null;
  baselineDate: string | null;
  registeredAt: string;
  withdrawnAt: string | null;
  withdrawalReason: string | null;
}

export interface DispensingRow {
  id: number;
  visitCode: string;
  dispensedAt: string;
  outOfWindowReason: string | null;
  signatureId: number;
  kits: string[];
  /** A dispensing outside the visit plan (a replacement kit, an unscheduled dispensing); null for a scheduled visit. */
  extra: { kind: 'replacement' | 'unscheduled'; replacesKit: string | null; reason: string } | null;
}

type ExtraColumns = { extraKind: string | null; replacesKit: string | null; extraReason: string | null };
// The kind is one of the two the table's CHECK allows (migration 14).
const extraOf = ({ extraKind, replacesKit, extraReason }: ExtraColumns): DispensingRow['extra'] =>
  extraKind ? { kind: extraKind as 'replacement' | 'unscheduled', replacesKit, reason: extraReason ?? '' } : null;
const EXTRA_COLUMNS = ['x.kind as extraKind', 'x.replaces_kit as replacesKit', 'x.reason as extraReason'] as const;

const COLUMNS = [
  'id',
  'screening_number as screeningNumber',
  'initials',
  'year_of_birth as yearOfBirth',
  'investigator',
  'stratum',
  'status',
  'randomization_number as randomizationNumber',
  'baseline_date as baselineDate',
  'registered_at as registeredAt',
  'withdrawn_at as withdrawnAt',
  'withdrawal_reason as withdrawalReason',
] as const;

/** Binary order of the text, as SQLite sorts it, whatever the PostgreSQL server's collation. */
const byText = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/**
 * The ids of randomized patients with a visit of the schedule (`visitCodes`) still to dispense: fewer of their
 * dispensings are at those visits than there are visits ((patient, visit) is unique). Late in a study most randomized
 * patients have had every visit; the due list, the Today home and the stock forecast read only the others, so their
 * cost follows the patients still in treatment, not every patient the site ever randomized (issue 12).
 */
export function patientsWithVisitsToDispense(q: Kysely<VeilTables>, studyId: number, visitCodes: readonly string[]) {
  return q
    .selectFrom('patients as u')
    .select('u.id')
    .where('u.study_id', '=', studyId)
    .where('u.status', '=', 'randomized')
    .where(
      (eb) =>
        eb
          .selectFrom('dispensings as ud')
          // Counted over the patient's own dispensings (one index range), not looked up visit by visit.
          .select((c) => c.fn.count(c.case().when('ud.visit_code', 'in', [...visitCodes]).then(1).end()).as('n'))
          .whereRef('ud.patient_id', '=', 'u.id'),
      '<',
      visitCodes.length,
    );
}

/** The tables the due list's candidates are read from: a committed change to one of them forgets the kept ones. */
const CANDIDATE_TABLES = new Set(['patients', 'dispensings']);
/**
 * How long kept candidates serve at most: should a notice of another workstation's change be lost (PostgreSQL), or a
 * second process write the same SQLite file (nothing tells this one). The list is a guide: the patient chosen from it
 * is read afresh, and a dispensing is checked at its signature.
 */
const CANDIDATES_KEPT_MS = 60_000;

/** The patients in treatment: randomized, with a visit of the schedule still to dispense, and the visits each has had. */
export interface DueCandidates {
  rows: PatientRow[];
  dispensed: Map<number, Set<string>>;
}

/**
 * All SQL about patients and their dispensings, on the Store (issue 13, item 2). The scope's study's patients only:
 * a patient of another study is not found, even by its id (dispensings follow their patient).
 */
export class PatientRepository {
  // A dispensing is the bench's most frequent signed step, and each one reads its patient: prepared once.
  private readonly byId: PreparedQuery<[number, number], PatientRow>;
  private readonly dispensingAdded: PreparedQuery<[number, string, string, number, number, string | null], { id: number }>;
  private readonly dispensedKitAdded: PreparedQuery<[number, number, string, string], unknown>;
  // Every scan at the dispense screen asks which visits its patient has had: prepared once.
  private readonly visitCodesOf: PreparedQuery<[number], { v: string }>;
  // The due list's candidates per study and schedule, kept between calls once follow() is on (dueCandidates()).
  private readonly candidates = new Map<string, { at: number; value: DueCandidates }>();
  private candidatesGeneration = 0;
  private following = false;

  constructor(
    private readonly store: Store,
    private readonly study: StudyScope,
  ) {
    this.byId = store.prepare((q, studyId: number, id: number) => q.selectFrom('patients').select(COLUMNS).where('study_id', '=', studyId).where('id', '=', id).$castTo<PatientRow>());
    this.dispensingAdded = store.prepare((q, patientId: number, visitCode: string, dispensedAt: string, userId: number, signatureId: number, outOfWindowReason: string | null) =>
      q
        .insertInto('dispensings')
        .values({ patient_id: patientId, visit_code: visitCode, dispensed_at: dispensedAt, user_id: userId, signature_id: signatureId, out_of_window_reason: outOfWindowReason })
        .returning('id'),
    );
    this.dispensedKitAdded = store.prepare((q, studyId: number, dispensingId: number, kitNumber: string, source: string) =>
      q.insertInto('dispensing_kits').values({ dispensing_id: dispensingId, kit_number: kitNumber, source, study_id: studyId }),
    );
    this.visitCodesOf = store.prepare((q, patientId: number) => q.selectFrom('dispensings').select('visit_code as v').where('patient_id', '=', patientId));
  }

  /** The visit codes of a patient's dispensings (scheduled visits, and extra ones such as U1 or W2/R1), in no order. */
  async dispensedVisitCodes(patientId: number): Promise<Set<string>> {
    return new Set((await this.visitCodesOf.run(patientId)).map((r) => r.v));
  }

  async insert(p: { screeningNumber: string; initials: string; yearOfBirth: number; investigator: string; stratum: string; registeredAt: string }): Promise<number> {
    const row = await this.store
      .q()
      .insertInto('patients')
      .values({ screening_number: p.screeningNumber, initials: p.initials, year_of_birth: p.yearOfBirth, investigator: p.investigator, stratum: p.stratum, registered_at: p.registeredAt, study_id: this.study.id() })
      .returning('id')
      .executeTakeFirstOrThrow();
    return row.id;
  }

  async get(id: number): Promise<PatientRow | undefined> {
    return (await this.byId.run(this.study.id(), id))[0];
  }

  async byScreeningNumber(n: string): Promise<PatientRow | undefined> {
    return this.store.q().selectFrom('patients').select(COLUMNS).where('study_id', '=', this.study.id()).where('screening_number', '=', n).$castTo<PatientRow>().executeTakeFirst();
  }

  /** Sorted by screening number (in code: text order differs between engines): an order that says nothing about allocation. */
  async list(): Promise<PatientRow[]> {
    const rows = await this.store.q().selectFrom('patients').select(COLUMNS).where('study_id', '=', this.study.id()).$castTo<PatientRow>().execute();
    return rows.sort((a, b) => byText(a.screeningNumber, b.screeningNumber));
  }

  /**
   * Forgets the kept due-list candidates after every committed change to patients or dispensings, made here or, on
   * PostgreSQL, at another workstation (the Store's notices); until follow() is called nothing is kept.
   */
  async follow(store: Store): Promise<() => void> {
    const stop = await store.onChange((change) => {
      if (!change.tables.some((table) => CANDIDATE_TABLES.has(table))) return;
      this.candidatesGeneration++;
      this.candidates.clear();
    });
    this.following = true;
    return () => {
      this.following = false;
      this.candidates.clear();
      stop();
    };
  }

  /**
   * The patients in treatment and the visits each has had, for the due list (withVisitsToDispense, dispensedVisits).
   * Reading them judges every randomized patient of the study (5 ms at 5,000 of them), so they are kept until a
   * change to patients or dispensings commits: paging, searching and coming back to the list cost no such read.
   * Read afresh inside a unit of work (its own writes count, uncommitted) and at most a minute after they were read.
   * A read that a commit overtook is not kept: it may hold the state before that commit.
   */
  async dueCandidates(visitCodes: readonly string[]): Promise<DueCandidates> {
    const keep = this.following && !this.store.insideUnitOfWork();
    const key = `${this.study.id()}\u0000${visitCodes.join('\u0000')}`;
    const kept = keep ? this.candidates.get(key) : undefined;
    if (kept && Date.now() - kept.at < CANDIDATES_KEPT_MS) return kept.value;
    const generation = this.candidatesGeneration;
    const rows = await this.withVisitsToDispense(visitCodes);
    const value = { rows, dispensed: await this.dispensedVisits(rows.map((p) => p.id)) };
    if (keep && generation === this.candidatesGeneration) this.candidates.set(key, { at: Date.now(), value });
    return value;
  }

  /** Randomized patients with a visit of the schedule still to dispense (patientsWithVisitsToDispense), in screening-number order. */
  async withVisitsToDispense(visitCodes: readonly string[]): Promise<PatientRow[]> {
    const rows = await this.store
      .q()
      .selectFrom('patients')
      .select(COLUMNS)
      .where('id', 'in', patientsWithVisitsToDispense(this.store.q(), this.study.id(), visitCodes))
      .$castTo<PatientRow>()
      .execute();
    return rows.sort((a, b) => byText(a.screeningNumber, b.screeningNumber));
  }

  async nextFreeSlot(stratum: string): Promise<string | undefined> {
    const row = await this.store
      .q()
      .selectFrom('randomization_slots as s')
      .select('s.randomization_number as n')
      .where('s.study_id', '=', this.study.id())
      .where('s.stratum', '=', stratum)
      .where(({ not, exists, selectFrom }) =>
        not(exists(selectFrom('patients as p').select('p.id').whereRef('p.study_id', '=', 's.study_id').whereRef('p.randomization_number', '=', 's.randomization_number'))),
      )
      .orderBy('s.list_order')
      .limit(1)
      .executeTakeFirst();
    return row?.n;
  }

  async randomize(id: number, randomizationNumber: string, baselineDate: string): Promise<void> {
    await this.store.q().updateTable('patients').set({ status: 'randomized', randomization_number: randomizationNumber, baseline_date: baselineDate }).where('study_id', '=', this.study.id()).where('id', '=', id).execute();
  }

  async withdraw(id: number, at: string, reason: string): Promise<void> {
    await this.store.q().updateTable('patients').set({ status: 'withdrawn', withdrawn_at: at, withdrawal_reason: reason }).where('study_id', '=', this.study.id()).where('id', '=', id).execute();
  }

  /** The patient's dispensings in the order they were made, each with its kit numbers. */
  async dispensings(patientId: number): Promise<DispensingRow[]> {
    return (await this.dispensingsByPatient([patientId])).get(patientId) ?? [];
  }

  /**
   * Every patient's dispensings (or only these patients'), as `dispensings(id)` gives them one patient at a time: two
   * reads for the whole list instead of two per patient (the patients page at 20,000 patients made 40,000; a page of
   * the due list, 100).
   */
  async dispensingsByPatient(only?: readonly number[]): Promise<Map<number, DispensingRow[]>> {
    if (only?.length === 0) return new Map();
    const q = this.store.q();
    const studyId = this.study.id();
    // These patients, those of the study only, found by their keys. The study is checked here in code: asked in SQL
    // beside the ids ("id IN (...) AND study_id = ?"), SQLite walks every patient of the study through the
    // (study_id, status) index to find them (3 ms for a page of the due list at 20,000 patients; 1 ms this way).
    const own = only && (await q.selectFrom('patients').select(['id', 'study_id as studyId']).where('id', 'in', [...only]).execute()).filter((p) => p.studyId === studyId).map((p) => p.id);
    if (own?.length === 0) return new Map();
    // The study's patients' dispensings only: a dispensing takes its patient's study (a lookup by the patient's key).
    let dispensings = q
      .selectFrom('dispensings as d')
      .innerJoin('patients as sp', 'sp.id', 'd.patient_id')
      .leftJoin('extra_dispensings as x', 'x.dispensing_id', 'd.id')
      .select(['d.id as id', 'd.patient_id as patientId', 'd.visit_code as visitCode', 'd.dispensed_at as dispensedAt', 'd.out_of_window_reason as outOfWindowReason', 'd.signature_id as signatureId', ...EXTRA_COLUMNS])
      .orderBy('d.dispensed_at')
      .orderBy('d.id');
    let dispensedKits = q.selectFrom('dispensing_kits as dk').select(['dk.dispensing_id as d', 'dk.kit_number as k']);
    if (own) {
      dispensings = dispensings.where('d.patient_id', 'in', own);
      // The kits of these patients' dispensings, found through the dispensings' index. Not "dk.study_id = ?" here:
      // SQLite then reads every dispensed kit of the study through the (study, kit) key (12 ms a visit plan at large).
      dispensedKits = dispensedKits.where('dk.dispensing_id', 'in', q.selectFrom('dispensings as o').select('o.id').where('o.patient_id', 'in', own));
    } else {
      dispensings = dispensings.where('sp.study_id', '=', studyId);
      dispensedKits = dispensedKits.where('dk.study_id', '=', studyId);
    }
    const rows = await dispensings.execute();
    const kits = new Map<number, string[]>();
    for (const k of await dispensedKits.execute()) {
      const list = kits.get(k.d);
      if (list) list.push(k.k);
      else kits.set(k.d, [k.k]);
    }
    const byPatient = new Map<number, DispensingRow[]>();
    for (const { patientId, extraKind, replacesKit, extraReason, ...r } of rows) {
      const row = { ...r, extra: extraOf({ extraKind, replacesKit, extraReason }), kits: (kits.get(r.id) ?? []).sort() };
      const list = byPatient.get(patientId);
      if (list) list.push(row);
      else byPatient.set(patientId, [row]);
    }
    return byPatient;
  }

  /**
   * The visits already dispensed (extra ones included) of each of these patients: what the due list needs, without the
   * kits. A patient who has had none is absent. Read in slices: the list may be long.
   */
  async dispensedVisits(patientIds: readonly number[]): Promise<Map<number, Set<string>>> {
    const rows = await readInSlices(patientIds, (slice) =>
      this.store.q().selectFrom('dispensings').select(['patient_id as patientId', 'visit_code as visitCode']).where('patient_id', 'in', slice).execute(),
    );
    const byPatient = new Map<number, Set<string>>();
    for (const r of rows) {
      const set = byPatient.get(r.patientId);
      if (set) set.add(r.visitCode);
      else byPatient.set(r.patientId, new Set([r.visitCode]));
    }
    return byPatient;
  }

  /** Records a dispensing at a visit (its kits follow with `addDispensedKit`); returns its id. */
  async recordDispensing(d: { patientId: number; visitCode: string; dispensedAt: string; userId: number; signatureId: number; outOfWindowReason: string | null }): Promise<number> {
    const [row] = await this.dispensingAdded.run(d.patientId, d.visitCode, d.dispensedAt, d.userId, d.signatureId, d.outOfWindowReason);
    return row!.id;
  }

  /** What makes a dispensing an extra one: a replacement (and the kit it replaces) or an unscheduled dispensing. */
  async recordExtra(dispensingId: number, extra: NonNullable<DispensingRow['extra']>): Promise<void> {
    await this.store.q().insertInto('extra_dispensings').values({ dispensing_id: dispensingId, kind: extra.kind, replaces_kit: extra.replacesKit, reason: extra.reason, study_id: this.study.id() }).execute();
  }

  /** The dispensing that replaced this kit, if one did. */
  async replacementOf(kitNumber: string): Promise<{ dispensingId: number; visitCode: string } | undefined> {
    return this.store
      .q()
      .selectFrom('extra_dispensings as x')
      .innerJoin('dispensings as d', 'd.id', 'x.dispensing_id')
      .select(['d.id as dispensingId', 'd.visit_code as visitCode'])
      .where('x.study_id', '=', this.study.id())
      .where('x.replaces_kit', '=', kitNumber)
      .executeTakeFirst();
  }

  /** One kit given at a dispensing, and how its number was entered (scanner, keyboard wedge, typed). */
  async addDispensedKit(dispensingId: number, kitNumber: string, source: string): Promise<void> {
    await this.dispensedKitAdded.run(this.study.id(), dispensingId, kitNumber, source);
  }
}
