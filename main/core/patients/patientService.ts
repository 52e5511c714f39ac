import { issue, VeilError } from '../../../shared/errors';
import { compareKitNumbers } from '../../../shared/allocation/kitOrder';
import { localDate, visitWindows } from '../../../shared/schedule/visitSchedule';
import type { StudyConfig } from '../../../shared/study/studyConfig';
import type { AuditActor, AuditTrail } from '../audit/auditTrail';
import { isoUtc, type Clock } from '../clock';
import type { Db } from '../db/database';
import type { Signer, SignatureService } from '../signatures/signatureService';
import type { PatientRepository, PatientRow } from './patientRepository';

/**
 * Registering, randomizing and withdrawing patients. Randomization takes the next unused randomization number of the
 * patient's stratum in list order: it needs no arm, so blinded investigators randomize without ever holding the key.
 */
export class PatientService {
  constructor(
    private readonly db: Db,
    private readonly patients: PatientRepository,
    private readonly audit: AuditTrail,
    private readonly signatures: SignatureService,
    private readonly clock: Clock,
    private readonly study: () => StudyConfig,
    private readonly unblindedPatientIds: () => ReadonlySet<number>,
  ) {}

  register(actor: AuditActor, input: { screeningNumber: string; initials: string; yearOfBirth: number; investigator: string; stratum?: string | undefined }): PatientRow {
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
    const id = this.db.transaction(() => {
      if (this.patients.byScreeningNumber(input.screeningNumber)) throw VeilError.says('conflict', { key: 'patients.screeningTaken', params: { screening: input.screeningNumber } });
      const newId = this.patients.insert({ ...input, stratum, registeredAt: isoUtc(this.clock.now()) });
      this.audit.append(actor, {
        action: 'patient.registered',
        entityType: 'patient',
        entityId: input.screeningNumber,
        after: { initials: input.initials, yearOfBirth: input.yearOfBirth, investigator: input.investigator, stratum },
      });
      return newId;
    })();
    return this.require(id);
  }

  randomize(signer: Signer, patientId: number): { patient: PatientRow; signatureId: number } {
    const today = localDate(this.clock.now());
    const signatureId = this.db.transaction(() => {
      const patient = this.require(patientId);
      if (patient.status === 'withdrawn') throw VeilError.says('conflict', { key: 'patients.withdrawn', params: { screening: patient.screeningNumber } });
      if (patient.status === 'randomized') throw VeilError.says('conflict', { key: 'patients.alreadyRandomized', params: { screening: patient.screeningNumber, number: patient.randomizationNumber ?? '' } });
      const slot = this.patients.nextFreeSlot(patient.stratum);
      if (!slot) throw VeilError.says('conflict', { key: 'patients.noSlotLeft', params: { stratum: patient.stratum } });
      this.patients.randomize(patient.id, slot, today);
      const record = { action: 'patient.randomized', screeningNumber: patient.screeningNumber, randomizationNumber: slot, baselineDate: today };
      const signature = this.signatures.record(signer, 'randomization', patient.screeningNumber, record);
      this.audit.append(
        { userId: signer.userId, username: signer.username },
        { action: 'patient.randomized', entityType: 'patient', entityId: patient.screeningNumber, before: { status: patient.status }, after: { status: 'randomized', randomizationNumber: slot, baselineDate: today }, signatureId: signature.id },
      );
      return signature.id;
    })();
    return { patient: this.require(patientId), signatureId };
  }

  withdraw(actor: AuditActor, patientId: number, reason: string): PatientRow {
    this.db.transaction(() => {
      const patient = this.require(patientId);
      if (patient.status === 'withdrawn') throw VeilError.says('conflict', { key: 'patients.alreadyWithdrawn', params: { screening: patient.screeningNumber } });
      this.patients.withdraw(patient.id, isoUtc(this.clock.now()), reason);
      this.audit.append(actor, { action: 'patient.withdrawn', entityType: 'patient', entityId: patient.screeningNumber, before: { status: patient.status }, after: { status: 'withdrawn' }, reason });
    })();
    return this.require(patientId);
  }

  /** A patient as every role may see them: randomization number, schedule, dispensed kit numbers; never an arm. */
  view(patientId: number, unblinded: ReadonlySet<number> = this.unblindedPatientIds()) {
    const patient = this.require(patientId);
    const dispensings = this.patients.dispensings(patient.id);
    const served = new Map(dispensings.map((d) => [d.visitCode, d]));
    const visits = patient.baselineDate
      ? visitWindows(this.study(), patient.baselineDate).map((w) => {
          const d = served.get(w.code);
          return { ...w, dispensedAt: d?.dispensedAt ?? null, dispensedKits: d ? [...d.kits].sort(compareKitNumbers) : [], outOfWindowReason: d?.outOfWindowReason ?? null };
        })
      : [];
    // The flag comes from the code-break records (issue 11, item 9): it says the blind was broken, never the arm.
    return { ...patient, emergencyUnblinded: unblinded.has(patient.id), visits };
  }

  list() {
    const unblinded = this.unblindedPatientIds();
    return this.patients.list().map((p) => this.view(p.id, unblinded));
  }

  require(id: number): PatientRow {
    const patient = this.patients.get(id);
    if (!patient) throw VeilError.says('not_found', { key: 'patients.noSuchPatient', params: { id } });
    return patient;
  }
}
