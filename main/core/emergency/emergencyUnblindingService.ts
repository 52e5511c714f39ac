import { VeilError } from '../../../shared/errors';
import type { StudyConfig } from '../../../shared/study/studyConfig';
import type { AuditActor, AuditTrail } from '../audit/auditTrail';
import { isoUtc, type Clock } from '../clock';
import { open, sealedField } from '../crypto/allocationCipher';
import type { Store } from '../db/store';
import type { AllocationRepository } from '../allocation/allocationRepository';
import type { KeyCustodyService } from '../allocation/keyCustodyService';
import type { PatientRepository } from '../patients/patientRepository';
import type { EmergencyRepository, UnblindingRecord } from './emergencyRepository';
import type { Signer, SignatureService } from '../signatures/signatureService';

/**
 * Emergency unblinding (DESIGN.md section 3.5, ICH E6(R3) 3.15.2(d), 3.16.1(g)): one investigator learns one
 * patient's arm after a reason, the adverse-event flag, an e-signature and the code-break passphrase from the sealed
 * envelope. The arm is returned to that call only; the record, the audit event and the notification carry none.
 */
/** What everyone is told of a code break: which patient, by whom, when, whether for an adverse event. Never the arm. */
export type UnblindingNotice = { screeningNumber: string; by: string; at: string; adverseEvent: boolean };

export class EmergencyUnblindingService {
  private readonly noticeListeners: Array<(notice: UnblindingNotice) => void> = [];

  constructor(
    private readonly store: Store,
    private readonly repository: EmergencyRepository,
    private readonly patients: PatientRepository,
    private readonly allocation: AllocationRepository,
    private readonly custody: KeyCustodyService,
    private readonly audit: AuditTrail,
    private readonly signatures: SignatureService,
    private readonly clock: Clock,
    private readonly study: () => StudyConfig,
  ) {}

  /** Told of every code break (the core broadcasts it to every window). */
  onUnblinded(listener: (notice: UnblindingNotice) => void): void {
    this.noticeListeners.push(listener);
  }

  async unblind(windowId: string, signer: Signer, input: { patientId: number; reason: string; adverseEvent: boolean; passphrase: string }): Promise<{ screeningNumber: string; randomizationNumber: string; armCode: string; armName: string; unblindingId: number }> {
    const patient = await this.patients.get(input.patientId);
    if (!patient) throw VeilError.says('not_found', { key: 'emergency.noSuchPatient', params: { id: input.patientId } });
    if (!patient.randomizationNumber) throw VeilError.says('conflict', { key: 'emergency.notRandomized', params: { screening: patient.screeningNumber } });
    const slot = (await this.allocation.slot(patient.randomizationNumber))!;
    const key = await this.custody.openWithPassphrase(input.passphrase, signer, this.study().code, windowId);
    try {
      const armCode = open(key, slot.armSealed, sealedField.slotArm(slot.randomizationNumber));
      const armName = this.study().arms.find((a) => a.code === armCode)?.name ?? armCode;
      // One unit of work of the Store (issue 13, item 2), after the passphrase (async crypto stays outside it): the
      // signature, the record and the audit event are all written or none is.
      const unblindingId = await this.store.transaction(async () => {
        const at = isoUtc(this.clock.now());
        const record = { action: 'emergency_unblinding', patient: patient.screeningNumber, randomizationNumber: patient.randomizationNumber, reason: input.reason, adverseEvent: input.adverseEvent, at };
        const signature = await this.signatures.record(signer, 'emergency_unblinding', patient.screeningNumber, record);
        const id = await this.repository.insertUnblinding({ patientId: patient.id, userId: signer.userId, at, reason: input.reason, adverseEvent: input.adverseEvent, signatureId: signature.id });
        // Who, when, why, which patient: never which arm.
        await this.audit.append(
          { userId: signer.userId, username: signer.username },
          { action: 'patient.emergency_unblinded', entityType: 'patient', entityId: patient.screeningNumber, after: { randomizationNumber: patient.randomizationNumber, adverseEvent: input.adverseEvent }, reason: input.reason, signatureId: signature.id },
        );
        return id;
      });
      // After the commit, never inside the unit of work (on PostgreSQL it may run again): everyone is told that the
      // blind was broken for this patient, by whom and when; nobody but the caller learns the arm.
      const notice = { screeningNumber: patient.screeningNumber, by: signer.printedName, at: isoUtc(this.clock.now()), adverseEvent: input.adverseEvent };
      this.noticeListeners.forEach((l) => l(notice));
      return { screeningNumber: patient.screeningNumber, randomizationNumber: patient.randomizationNumber, armCode, armName, unblindingId };
    } finally {
      key.fill(0);
    }
  }

  /** Unblinding records (without arms) for the patient flag and the reports. */
  records(): Promise<UnblindingRecord[]> {
    return this.repository.records();
  }

  /**
   * The next step after a code break (issue 11, item 9): what to send the sponsor. Patient, randomization number,
   * date, reason, adverse event, who broke the code, and the sponsor's contact from the study file: never the arm,
   * since this notice leaves the screen.
   */
  async sponsorNotice(unblindingId: number) {
    const record = await this.require(unblindingId);
    const study = this.study();
    return {
      unblinding: record,
      study: { code: study.code, title: study.title, protocolNumber: study.sponsor.protocolNumber },
      sponsor: { ...study.contacts.sponsor },
    };
  }

  /** Records that the sponsor was told of this unblinding (once; who and when, with the notice's reference), audited. */
  async recordSponsorNotified(actor: AuditActor & { userId: number }, input: { unblindingId: number; reference?: string | undefined }): Promise<UnblindingRecord> {
    const reference = input.reference?.trim() ? input.reference.trim() : null;
    await this.store.transaction(async () => {
      const record = await this.require(input.unblindingId);
      if (record.sponsorNotified) {
        throw VeilError.says('conflict', { key: 'emergency.sponsorAlreadyRecorded', params: { screening: record.screeningNumber } });
      }
      await this.repository.insertSponsorNotification({ unblindingId: record.id, userId: actor.userId, at: isoUtc(this.clock.now()), reference });
      await this.audit.append(actor, {
        action: 'patient.emergency_sponsor_notified',
        entityType: 'patient',
        entityId: record.screeningNumber,
        after: { unblindingId: record.id, reference },
      });
    });
    return this.require(input.unblindingId);
  }

  private async require(unblindingId: number): Promise<UnblindingRecord> {
    const record = await this.repository.record(unblindingId);
    if (!record) throw VeilError.says('not_found', { key: 'emergency.noSuchUnblinding', params: { id: unblindingId } });
    return record;
  }
}
