import { issue, VeilError } from '../../../shared/errors';
import { compareKitNumbers } from '../../../shared/allocation/kitOrder';
import { addDays, localDate, nextVisitToDispense, visitWindows } from '../../../shared/schedule/visitSchedule';
import type { StudyConfig } from '../../../shared/study/studyConfig';
import type { AuditActor, AuditTrail } from '../audit/auditTrail';
import { isoUtc, type Clock } from '../clock';
import type { Store } from '../db/store';
import type { Signer, SignatureService } from '../signatures/signatureService';
import type { DispensingRow, PatientRepository, PatientRow } from './patientRepository';

/**
 * Registering, randomizing and withdrawing patients. Randomization takes the next unused randomization number of the
 * patient's stratum in list order: it needs no arm, so blinded investigators randomize without ever holding the key.
 */
export class PatientService {
  constructor(
    private readonly store: Store,
    private readonly patients: PatientRepository,
    private readonly audit: AuditTrail,
    private readonly signatures: SignatureService,
    private readonly clock: Clock,
    private readonly study: () => StudyConfig,
    private readonly unblindedPatientIds: () => Promise<ReadonlySet<number>>,
  ) {}

  async register(actor: AuditActor, input: { screeningNumber: string; initials: string; yearOfBirth: number; investigator: string; stratum?: string | undefined }): Promise<PatientRow> {
    const study = this.study();
    const stratum = input.stratum ?? (study.strata.length === 1 ? study.strata[0]! : undefined);
    if (!stratum || !study.strata.includes(stratum)) {
      throw VeilError.says('validation', { key: 'patients.chooseStratum', params: { strata: study.strata.join(', ') } }, [issue(['stratum'], { key: 'fields.chooseAStratum' })]);
    }
    const minimumAge = study.eligibility.minimumAgeYears;
    // Year of birth only (data minimisation): the patient is at least this old by the end of the year.
    if (minimumAge !== null && this.clock.now().getFullYear() - input.yearOfBirth < minimumAge) {
      throw VeilError.says('validation', { key: 'patients.tooYoung', params: { age: minimumAge } }, [issue(['yearOfBirth'], { key: 'fields.under', params: { age: minimumAge } })]);
    }
    return this.store.transaction(async () => {
      if (await this.patients.byScreeningNumber(input.screeningNumber)) throw VeilError.says('conflict', { key: 'patients.screeningTaken', params: { screening: input.screeningNumber } });
      const newId = await this.patients.insert({ ...input, stratum, registeredAt: isoUtc(this.clock.now()) });
      await this.audit.append(actor, {
        action: 'patient.registered',
        entityType: 'patient',
        entityId: input.screeningNumber,
        after: { initials: input.initials, yearOfBirth: input.yearOfBirth, investigator: input.investigator, stratum },
      });
      return this.require(newId);
    });
  }

  async randomize(signer: Signer, patientId: number): Promise<{ patient: PatientRow; signatureId: number }> {
    const today = localDate(this.clock.now());
    return this.store.transaction(async () => {
      const patient = await this.require(patientId);
      if (patient.status === 'withdrawn') throw VeilError.says('conflict', { key: 'patients.withdrawn', params: { screening: patient.screeningNumber } });
      if (patient.status === 'randomized') throw VeilError.says('conflict', { key: 'patients.alreadyRandomized', params: { screening: patient.screeningNumber, number: patient.randomizationNumber ?? '' } });
      const slot = await this.patients.nextFreeSlot(patient.stratum);
      if (!slot) throw VeilError.says('conflict', { key: 'patients.noSlotLeft', params: { stratum: patient.stratum } });
      await this.patients.randomize(patient.id, slot, today);
      const record = { action: 'patient.randomized', screeningNumber: patient.screeningNumber, randomizationNumber: slot, baselineDate: today };
      const signature = await this.signatures.record(signer, 'randomization', patient.screeningNumber, record);
      await this.audit.append(
        { userId: signer.userId, username: signer.username },
        { action: 'patient.randomized', entityType: 'patient', entityId: patient.screeningNumber, before: { status: patient.status }, after: { status: 'randomized', randomizationNumber: slot, baselineDate: today }, signatureId: signature.id },
      );
      return { patient: await this.require(patientId), signatureId: signature.id };
    });
  }

  async withdraw(actor: AuditActor, patientId: number, reason: string): Promise<PatientRow> {
    return this.store.transaction(async () => {
      const patient = await this.require(patientId);
      if (patient.status === 'withdrawn') throw VeilError.says('conflict', { key: 'patients.alreadyWithdrawn', params: { screening: patient.screeningNumber } });
      await this.patients.withdraw(patient.id, isoUtc(this.clock.now()), reason);
      await this.audit.append(actor, { action: 'patient.withdrawn', entityType: 'patient', entityId: patient.screeningNumber, before: { status: patient.status }, after: { status: 'withdrawn' }, reason });
      return this.require(patientId);
    });
  }

  /** A patient as every role may see them: randomization number, schedule, dispensed kit numbers; never an arm. */
  async view(patientId: number) {
    const patient = await this.require(patientId);
    return this.viewOf(patient, await this.patients.dispensings(patient.id), await this.unblindedPatientIds());
  }

  async list() {
    const [rows, dispensings, unblinded] = [await this.patients.list(), await this.patients.dispensingsByPatient(), await this.unblindedPatientIds()];
    return rows.map((p) => this.viewOf(p, dispensings.get(p.id) ?? [], unblinded));
  }

  /**
   * The dispense screen's due list (issue 12): randomized patients with a visit still to dispense, soonest due first
   * and then by screening number, those matching `search` (screening number, randomization number or initials), one
   * page of them and how many match. The order is the schedule's, never the stock's: it says nothing of an arm.
   */
  async due(input: { search?: string | undefined; limit: number; page: number }) {
    const needle = input.search?.trim().toLowerCase() ?? '';
    const study = this.study();
    const codes = study.visits.map((v) => v.code);
    const { rows, dispensed } = await this.patients.dueCandidates(codes);
    const due: Array<{ patient: PatientRow; date: string }> = [];
    for (const p of rows) {
      if (!p.baselineDate) continue;
      if (needle && !(p.screeningNumber.toLowerCase().includes(needle) || (p.randomizationNumber ?? '').toLowerCase().includes(needle) || p.initials.toLowerCase().includes(needle))) continue;
      // Only the next visit's due date: the list is sorted by it, and every randomized patient is judged on each call.
      const next = nextVisitToDispense(study, dispensed.get(p.id));
      if (next) due.push({ patient: p, date: addDays(p.baselineDate, next.dayOffset) });
    }
    // Screening numbers are compared by code point on both engines' rows (the list comes sorted that way).
    due.sort((a, b) => (a.date < b.date ? -1 : a.date > b.date ? 1 : 0));
    const page = due.slice((input.page - 1) * input.limit, input.page * input.limit);
    const unblinded = await this.unblindedPatientIds();
    const dispensings = await this.patients.dispensingsByPatient(page.map((d) => d.patient.id));
    return { patients: page.map(({ patient }) => this.viewOf(patient, dispensings.get(patient.id) ?? [], unblinded)), total: due.length, page: input.page };
  }

  private viewOf(patient: PatientRow, dispensings: DispensingRow[], unblinded: ReadonlySet<number>) {
    const emergencyUnblinded = unblinded.has(patient.id);
    const served = new Map(dispensings.map((d) => [d.visitCode, d]));
    const visits = patient.baselineDate
      ? visitWindows(this.study(), patient.baselineDate).map((w) => {
          const d = served.get(w.code);
          return { ...w, dispensedAt: d?.dispensedAt ?? null, dispensedKits: d ? [...d.kits].sort(compareKitNumbers) : [], outOfWindowReason: d?.outOfWindowReason ?? null };
        })
      : [];
    // The flag comes from the code-break records (issue 11, item 9): it says the blind was broken, never the arm.
    const extraDispensings = dispensings.flatMap((d) =>
      d.extra ? [{ code: d.visitCode, kind: d.extra.kind, replacesKit: d.extra.replacesKit, reason: d.extra.reason, dispensedAt: d.dispensedAt, kits: [...d.kits].sort(compareKitNumbers) }] : [],
    );
    return { ...patient, emergencyUnblinded, visits, extraDispensings };
  }

  async require(id: number): Promise<PatientRow> {
    const patient = await this.patients.get(id);
    if (!patient) throw VeilError.says('not_found', { key: 'patients.noSuchPatient', params: { id } });
    return patient;
  }
}
