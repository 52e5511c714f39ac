import { VeilError } from '../../../shared/errors';
import type { StudyConfig } from '../../../shared/study/studyConfig';
import type { AuditTrail } from '../audit/auditTrail';
import { isoUtc, type Clock } from '../clock';
import { open, sealedField } from '../crypto/allocationCipher';
import type { Db } from '../db/database';
import type { AllocationRepository } from '../allocation/allocationRepository';
import type { KeyCustodyService } from '../allocation/keyCustodyService';
import type { PatientRepository } from '../patients/patientRepository';
import type { Signer, SignatureService } from '../signatures/signatureService';

/**
 * Emergency unblinding (DESIGN.md section 3.5, ICH E6(R3) 3.15.2(d), 3.16.1(g)): one investigator learns one
 * patient's arm after a reason, the adverse-event flag, an e-signature and the code-break passphrase from the sealed
 * envelope. The arm is returned to that call only; the record, the audit event and the notification carry none.
 */
export class EmergencyUnblindingService {
  constructor(
    private readonly db: Db,
    private readonly patients: PatientRepository,
    private readonly allocation: AllocationRepository,
    private readonly custody: KeyCustodyService,
    private readonly audit: AuditTrail,
    private readonly signatures: SignatureService,
    private readonly clock: Clock,
    private readonly study: () => StudyConfig,
  ) {}

  async unblind(windowId: string, signer: Signer, input: { patientId: number; reason: string; adverseEvent: boolean; passphrase: string }): Promise<{ screeningNumber: string; randomizationNumber: string; armCode: string; armName: string; unblindingId: number }> {
    const patient = this.patients.get(input.patientId);
    if (!patient) throw new VeilError('not_found', `There is no patient ${input.patientId}.`);
    if (!patient.randomizationNumber) throw new VeilError('conflict', `Patient ${patient.screeningNumber} is not randomized: there is no treatment to reveal.`);
    const slot = this.allocation.slot(patient.randomizationNumber)!;
    const key = await this.custody.openWithPassphrase(input.passphrase, signer, this.study().code, windowId);
    try {
      const armCode = open(key, slot.armSealed, sealedField.slotArm(slot.randomizationNumber));
      const armName = this.study().arms.find((a) => a.code === armCode)?.name ?? armCode;
      const unblindingId = this.db.transaction(() => {
        const at = isoUtc(this.clock.now());
        const record = { action: 'emergency_unblinding', patient: patient.screeningNumber, randomizationNumber: patient.randomizationNumber, reason: input.reason, adverseEvent: input.adverseEvent, at };
        const signature = this.signatures.record(signer, 'emergency_unblinding', patient.screeningNumber, record);
        const id = Number(
          this.db
            .prepare('INSERT INTO emergency_unblindings (patient_id, user_id, unblinded_at, reason, adverse_event, signature_id) VALUES (?, ?, ?, ?, ?, ?)')
            .run(patient.id, signer.userId, at, input.reason, input.adverseEvent ? 1 : 0, signature.id).lastInsertRowid,
        );
        // Who, when, why, which patient: never which arm.
        this.audit.append(
          { userId: signer.userId, username: signer.username },
          { action: 'patient.emergency_unblinded', entityType: 'patient', entityId: patient.screeningNumber, after: { randomizationNumber: patient.randomizationNumber, adverseEvent: input.adverseEvent }, reason: input.reason, signatureId: signature.id },
        );
        return id;
      })();
      return { screeningNumber: patient.screeningNumber, randomizationNumber: patient.randomizationNumber, armCode, armName, unblindingId };
    } finally {
      key.fill(0);
    }
  }

  /** Unblinding records (without arms) for the patient flag and the reports. */
  records(): Array<{ id: number; patientId: number; screeningNumber: string; unblindedAt: string; by: string; reason: string; adverseEvent: boolean }> {
    return (
      this.db
        .prepare(
          `SELECT e.id, e.patient_id AS patientId, p.screening_number AS screeningNumber, e.unblinded_at AS unblindedAt, u.display_name AS by, e.reason, e.adverse_event AS adverseEvent
           FROM emergency_unblindings e JOIN patients p ON p.id = e.patient_id JOIN users u ON u.id = e.user_id ORDER BY e.id`,
        )
        .all() as Array<{ id: number; patientId: number; screeningNumber: string; unblindedAt: string; by: string; reason: string; adverseEvent: number }>
    ).map((r) => ({ ...r, adverseEvent: r.adverseEvent === 1 }));
  }
}
