import { compareKitNumbers } from '../../../shared/allocation/kitOrder';
import { VeilError } from '../../../shared/errors';
import type { KitStatus } from '../../../shared/kits/kitLifecycle';
import { localDate } from '../../../shared/schedule/visitSchedule';
import type { AuditTrail } from '../audit/auditTrail';
import type { CallActor } from '../callers';
import type { Clock } from '../clock';
import type { Store } from '../db/store';
import type { KitScanResolver } from '../scanning/kitScanResolver';
import { scanRefusal } from '../scanning/kitScanResolver';
import type { Signer, SignatureService } from '../signatures/signatureService';
import type { KitExceptionRepository } from './kitExceptionRepository';
import type { KitRepository } from './kitRepository';
import type { KitStatusService } from './kitStatusService';
import type { PatientRepository } from '../patients/patientRepository';

/** The reason the expiry sweep records on every kit it expires: the same words for every kit, and no date. */
export const EXPIRED_REASON = 'Use-before date passed';

export interface KitExceptionResult {
  kitNumber: string;
  status: KitStatus;
  patient: { screeningNumber: string; visitCode: string } | null;
  signatureId: number | null;
}

type Exception = 'damagedAtSite' | 'lostAtSite' | 'found' | 'lostByPatient' | 'damagedByPatient';

/** For each exception: the status the kit must be in, the one it goes to, and the refusal when it is not there. */
const EXCEPTIONS: Record<Exception, { from: KitStatus; to: KitStatus; notThere: 'kitExceptions.notOnShelf' | 'kitExceptions.notLost' | 'kitExceptions.notWithPatient' }> = {
  damagedAtSite: { from: 'available', to: 'damaged', notThere: 'kitExceptions.notOnShelf' },
  lostAtSite: { from: 'available', to: 'lost', notThere: 'kitExceptions.notOnShelf' },
  found: { from: 'lost', to: 'quarantined', notThere: 'kitExceptions.notLost' },
  lostByPatient: { from: 'dispensed', to: 'lost', notThere: 'kitExceptions.notWithPatient' },
  damagedByPatient: { from: 'dispensed', to: 'damaged', notThere: 'kitExceptions.notWithPatient' },
};

/**
 * Kit exceptions (issue 16, item 1) and the expiry sweep. Every status change goes through KitStatusService (the
 * lifecycle table: roles, reasons) inside one unit of work with its signature, when the exception is signed.
 *
 * The expiry sweep needs no allocation key, so it runs at start-up and daily with nobody logged in: it expires kits on
 * the shelf or in quarantine whose use-before date has passed. That date is the one on the kit's label and never later
 * than the real expiry of a dispensable kit (shared/kits/expiryHold.ts), so every kit whose real expiry has passed on
 * the shelf is expired by then. And it is the date blinded users already see: when the common blinded date is in force
 * every kit carrying it expires the same day whatever its arm, so the sweep tells them nothing they could not read on
 * the labels. (A kit held in quarantine for expiry review whose real expiry comes first stays in quarantine, refused at
 * dispensing, until the pharmacist rejects it: expiring it on its real date would show blinded users when each held
 * lot expires.) Dispensing checks the real expiry itself, so a missed sweep never lets an expired kit out.
 */
export class KitExceptionService {
  constructor(
    private readonly store: Store,
    private readonly exceptions: KitExceptionRepository,
    private readonly kits: KitRepository,
    private readonly kitStatus: KitStatusService,
    private readonly signatures: SignatureService,
    private readonly scans: KitScanResolver,
    private readonly clock: Clock,
    private readonly patients: PatientRepository,
    private readonly audit: AuditTrail,
  ) {}

  /** Expires every kit on the shelf or in quarantine whose use-before date is before today; the kits, in number order. */
  async sweepExpired(): Promise<string[]> {
    const today = localDate(this.clock.now());
    return this.store.transaction(async () => {
      const due = (await this.exceptions.pastUseBefore(today)).sort((a, b) => compareKitNumbers(a.kitNumber, b.kitNumber));
      for (const kit of due) await this.kitStatus.changeBySystem(kit.kitNumber, 'expired', EXPIRED_REASON, { useBefore: kit.useBefore, sweptOn: today });
      return due.map((k) => k.kitNumber);
    });
  }

  /** One exception on one kit (scanned or typed): checked, changed, signed when `signer` is given, audited. */
  async record(actor: CallActor, exception: Exception, input: { code: string; reason: string }, signer: Signer | null): Promise<KitExceptionResult> {
    const resolved = await this.scans.resolve(input.code);
    if (!resolved.ok) throw scanRefusal(resolved);
    const kitNumber = resolved.kitNumber;
    const rule = EXCEPTIONS[exception];
    return this.store.transaction(async () => {
      const kit = await this.kits.get(kitNumber);
      if (!kit) throw VeilError.says('not_found', { key: 'kits.unknown', params: { kit: kitNumber } });
      if (kit.status !== rule.from) throw VeilError.says('conflict', { key: rule.notThere, params: { kit: kitNumber } });
      const given = rule.from === 'dispensed' ? await this.exceptions.dispensingOf(kitNumber) : undefined;
      const patient = given ? { screeningNumber: given.screeningNumber, visitCode: given.visitCode } : null;
      const reason = input.reason.trim();
      const signature = signer
        ? await this.signatures.record(signer, `kit.${exception}`, kitNumber, { action: `kit.${exception}`, kit: kitNumber, reason, ...(patient ? { patient: patient.screeningNumber, visit: patient.visitCode } : {}) })
        : null;
      await this.kitStatus.change(actor, kitNumber, rule.to, reason, {
        signatureId: signature?.id ?? null,
        context: { exception, ...(given ? { patient: given.screeningNumber, visit: given.visitCode, dispensing: given.dispensingId } : {}) },
      });
      return { kitNumber, status: rule.to, patient, signatureId: signature?.id ?? null };
    });
  }

  /**
   * Dispensed in error (issue 16, item 1): the latest dispensing of a patient undone on its own day, before the patient
   * leaves, by the unblinded pharmacist with a reason and an e-signature. Its kits go to quarantine (the pharmacist
   * decides later whether they may go back to stock), the dispensing is removed so the visit is open again for a valid
   * kit, and one event says what was undone and why.
   */
  async undoDispensing(actor: CallActor, signer: Signer, input: { patientId: number; visitCode: string; reason: string }): Promise<{ screeningNumber: string; visitCode: string; kits: string[]; signatureId: number }> {
    return this.store.transaction(async () => {
      const patient = await this.patients.get(input.patientId);
      if (!patient) throw VeilError.says('not_found', { key: 'patients.noSuchPatient', params: { id: input.patientId } });
      const screening = patient.screeningNumber;
      // In the order they were made: the one to undo must be the last.
      const all = await this.patients.dispensings(patient.id);
      const dispensing = all.find((d) => d.visitCode === input.visitCode);
      if (!dispensing) throw VeilError.says('not_found', { key: 'kitExceptions.noDispensing', params: { screening, visit: input.visitCode } });
      if (all.at(-1)!.id !== dispensing.id) throw VeilError.says('conflict', { key: 'kitExceptions.undoNotLatest', params: { screening, visit: input.visitCode } });
      const day = localDate(new Date(dispensing.dispensedAt));
      if (day !== localDate(this.clock.now())) throw VeilError.says('conflict', { key: 'kitExceptions.undoSameDayOnly', params: { visit: input.visitCode, date: day } });
      const kits = [...dispensing.kits].sort(compareKitNumbers);
      for (const kitNumber of kits) {
        if ((await this.kits.get(kitNumber))?.status !== 'dispensed') throw VeilError.says('conflict', { key: 'kitExceptions.undoKitMoved', params: { kit: kitNumber } });
      }
      const reason = input.reason.trim();
      const record = { action: 'dispensing.undone', patient: screening, visit: input.visitCode, kits, reason };
      const signature = await this.signatures.record(signer, 'dispensing_undo', `${screening}:${input.visitCode}`, record);
      for (const kitNumber of kits) {
        await this.kitStatus.change(actor, kitNumber, 'quarantined', reason, {
          signatureId: signature.id,
          context: { exception: 'dispensedInError', patient: screening, visit: input.visitCode, dispensing: dispensing.id },
        });
      }
      await this.exceptions.deleteDispensing(dispensing.id);
      await this.audit.append(actor, {
        action: 'dispensing.undone',
        entityType: 'patient',
        entityId: screening,
        before: { visit: input.visitCode, kits, dispensedAt: dispensing.dispensedAt },
        after: { visit: input.visitCode, kits },
        reason,
        signatureId: signature.id,
      });
      return { screeningNumber: screening, visitCode: input.visitCode, kits, signatureId: signature.id };
    });
  }
}
