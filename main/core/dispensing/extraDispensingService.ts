import { compareKitNumbers } from '../../../shared/allocation/kitOrder';
import { kitTypeCodes } from '../../../shared/study/kitContents';
import type { KitsOfType } from './dispensingService';
import { VeilError } from '../../../shared/errors';
import { localDate, visitWindows, type VisitWindow } from '../../../shared/schedule/visitSchedule';
import type { StudyConfig } from '../../../shared/study/studyConfig';
import type { AuditTrail } from '../audit/auditTrail';
import type { CallActor } from '../callers';
import { isoUtc, type Clock } from '../clock';
import type { Store } from '../db/store';
import type { KitRepository } from '../kits/kitRepository';
import type { KitStatusService } from '../kits/kitStatusService';
import type { PatientRepository, PatientRow } from '../patients/patientRepository';
import type { KitScanResolver } from '../scanning/kitScanResolver';
import { scanRefusal } from '../scanning/kitScanResolver';
import type { Signer, SignatureService } from '../signatures/signatureService';
import type { DispensingService, KitSource, KitVerdict } from './dispensingService';

/**
 * What the pharmacist asks for outside the visit plan: a replacement for a kit the patient lost or damaged (named by
 * its number or scan), or an unscheduled dispensing of `count` kits between visits.
 */
export type ExtraRequest = { patientId: number; kind: 'replacement'; replacedKit: string } | { patientId: number; kind: 'unscheduled'; count: number };

export interface ExtraPlan {
  patientId: number;
  screeningNumber: string;
  kind: ExtraRequest['kind'];
  /** The code this dispensing is recorded under: "W2/R1" (first replacement at W2), "U1" (first unscheduled). */
  visitCode: string;
  /** The scheduled visit a replacement belongs to; null for an unscheduled dispensing. */
  forVisit: string | null;
  replacedKit: string | null;
  kitsNeeded: number;
  suggestions: string[];
  shortage: boolean;
  /** The kits by type: one of the lost kit's type for a replacement, `count` of each type for an unscheduled dispensing. */
  kitsByType: KitsOfType[];
}

/** A replacement or unscheduled dispensing's code: the visit it serves and its rank ("W2/R1"), or "U1", "U2"... */
const UNSCHEDULED = /^U\d+$/;

/**
 * Dispensings outside the visit plan (issue 16, item 1): a replacement kit for one the patient lost or damaged, and an
 * unscheduled dispensing between visits, each with a reason and the pharmacist's e-signature. They are dispensings
 * like the scheduled ones (the same kit rules through DispensingService.judgeScan: the patient's arm, expiry with the
 * study's margin, the label's date, quarantine; the same rows, labels and accountability) recorded under their own
 * code, so the one-dispensing-per-visit rule still holds for the schedule. The answers name kits, never arms.
 *
 * A replacement kit must last as long as the visit it stands in for (the visit's window, or today if later); an
 * unscheduled dispensing's window is today. The kit it replaces must have been given to this patient and already
 * recorded lost or damaged by the patient (its accountability is settled first), and is replaced once.
 */
export class ExtraDispensingService {
  constructor(
    private readonly store: Store,
    private readonly dispensing: DispensingService,
    private readonly patients: PatientRepository,
    private readonly kits: KitRepository,
    private readonly kitStatus: KitStatusService,
    private readonly audit: AuditTrail,
    private readonly signatures: SignatureService,
    private readonly scans: KitScanResolver,
    private readonly clock: Clock,
    private readonly study: () => StudyConfig,
  ) {}

  async plan(key: Buffer, request: ExtraRequest): Promise<ExtraPlan> {
    const { patient, window, replacedKit, forVisit } = await this.context(request);
    const kitsByType = await this.dispensing.suggest(key, patient, window);
    return {
      patientId: patient.id,
      screeningNumber: patient.screeningNumber,
      kind: request.kind,
      visitCode: window.code,
      forVisit,
      replacedKit,
      kitsNeeded: window.kits,
      suggestions: kitsByType.flatMap((t) => t.suggestions),
      shortage: kitsByType.some((t) => t.shortage),
      kitsByType,
    };
  }

  async check(key: Buffer, request: ExtraRequest, code: string, alreadyScanned: readonly string[]): Promise<KitVerdict> {
    const { patient, window } = await this.context(request);
    return this.dispensing.judgeScan(key, patient, window, code, alreadyScanned);
  }

  async confirm(
    key: Buffer,
    signer: Signer,
    actor: CallActor,
    request: ExtraRequest & { kits: Array<{ kitNumber: string; source: KitSource }>; reason: string },
  ): Promise<{ dispensingId: number; visitCode: string; kits: string[]; signatureId: number }> {
    return this.store.transaction(async () => {
      // Judged again inside the transaction: another bench may have given the kit or replaced it meanwhile.
      const { patient, window, replacedKit } = await this.context(request);
      if (request.kits.length !== window.kits) {
        throw VeilError.says('validation', { key: 'dispensing.wrongCount', params: { visit: window.name, count: window.kits, scanned: request.kits.length } });
      }
      const kits = request.kits.map((k) => k.kitNumber);
      await this.dispensing.judgeAgain(key, patient, window, kits);
      const reason = request.reason.trim();
      const at = isoUtc(this.clock.now());
      const sorted = [...kits].sort(compareKitNumbers);
      const record = { action: `dispensing.${request.kind}`, patient: patient.screeningNumber, randomizationNumber: patient.randomizationNumber, visit: window.code, kits: sorted, replaces: replacedKit, reason, at };
      const signature = await this.signatures.record(signer, 'dispensing', `${patient.screeningNumber}/${window.code}`, record);
      const dispensingId = await this.patients.recordDispensing({ patientId: patient.id, visitCode: window.code, dispensedAt: at, userId: signer.userId, signatureId: signature.id, outOfWindowReason: null });
      await this.patients.recordExtra(dispensingId, { kind: request.kind, replacesKit: replacedKit, reason });
      for (const { kitNumber, source } of request.kits) {
        await this.patients.addDispensedKit(dispensingId, kitNumber, source);
        await this.kitStatus.change(actor, kitNumber, 'dispensed', null, { source, signatureId: signature.id, context: { patient: patient.screeningNumber, visit: window.code } });
      }
      // The same action as a scheduled dispensing (the trail's replay and every reader follow it), saying what it was.
      await this.audit.append(actor, {
        action: 'dispensing.confirmed',
        entityType: 'patient',
        entityId: patient.screeningNumber,
        after: { visit: window.code, kits: sorted, window: 'in_window', sources: request.kits.map((k) => k.source), extra: request.kind, ...(replacedKit ? { replaces: replacedKit } : {}) },
        reason,
        signatureId: signature.id,
      });
      return { dispensingId, visitCode: window.code, kits: sorted, signatureId: signature.id };
    });
  }

  /** The patient, the window the kits must last through, and the kit replaced: each rule checked, by key. */
  private async context(request: ExtraRequest): Promise<{ patient: PatientRow; window: VisitWindow; replacedKit: string | null; forVisit: string | null }> {
    const patient = await this.dispensing.dispensablePatient(request.patientId);
    const today = localDate(this.clock.now());
    const given = await this.patients.dispensings(patient.id);
    const todayOnly = (code: string, name: string, byType: VisitWindow['kitsByType']): VisitWindow => ({
      code,
      name,
      kits: byType.reduce((n, t) => n + t.count, 0),
      kitsByType: byType,
      due: today,
      opens: today,
      closes: today,
    });
    if (request.kind === 'unscheduled') {
      const rank = given.filter((d) => UNSCHEDULED.test(d.visitCode)).length + 1;
      // `count` kits of every type: a day of a double-dummy treatment takes a tablet from each bottle.
      const byType = kitTypeCodes(this.study()).map((type) => ({ type, count: request.count }));
      return { patient, window: todayOnly(`U${rank}`, `Unscheduled ${rank}`, byType), replacedKit: null, forVisit: null };
    }
    const resolved = await this.scans.resolve(request.replacedKit);
    if (!resolved.ok) throw scanRefusal(resolved);
    const kitNumber = resolved.kitNumber;
    const screening = patient.screeningNumber;
    const kit = await this.kits.get(kitNumber);
    if (!kit) throw VeilError.says('not_found', { key: 'kits.unknown', params: { kit: kitNumber } });
    const at = given.find((d) => d.kits.includes(kitNumber));
    if (!at) throw VeilError.says('conflict', { key: 'extraDispensing.notThisPatients', params: { kit: kitNumber, screening } });
    const status = kit.status;
    if (status === 'dispensed') throw VeilError.says('conflict', { key: 'extraDispensing.recordLossFirst', params: { kit: kitNumber } });
    if (status !== 'lost' && status !== 'damaged') throw VeilError.says('conflict', { key: 'extraDispensing.notReplaceable', params: { kit: kitNumber } });
    const replacedBy = await this.patients.replacementOf(kitNumber);
    if (replacedBy) throw VeilError.says('conflict', { key: 'extraDispensing.alreadyReplaced', params: { kit: kitNumber, visit: replacedBy.visitCode } });
    // The visit the lost kit served: a replacement of a replacement still serves the scheduled visit ("W2/R1" -> W2).
    const visitCode = at.visitCode.split('/')[0]!;
    const rank = given.filter((d) => d.visitCode.startsWith(`${visitCode}/R`)).length + 1;
    const code = `${visitCode}/R${rank}`;
    const scheduled = visitWindows(this.study(), patient.baselineDate!).find((w) => w.code === visitCode);
    // One kit of the lost kit's type (printed on it) stands in for it.
    const oneLikeIt = [{ type: kit.kitType, count: 1 }];
    const window = scheduled ? { ...scheduled, code, name: `${scheduled.name}, replacement ${rank}`, kits: 1, kitsByType: oneLikeIt } : todayOnly(code, `${visitCode}, replacement ${rank}`, oneLikeIt);
    return { patient, window, replacedKit: kitNumber, forVisit: scheduled ? visitCode : null };
  }
}
