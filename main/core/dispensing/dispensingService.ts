import { issue, VeilError } from '../../../shared/errors';
import { englishOf, type Message } from '../../../shared/messages/catalogue';
import { compareKitNumbers } from '../../../shared/allocation/kitOrder';
import { daysBetween, latestRefusedExpiry, localDate, visitWindows, windowPosition, type VisitWindow, type WindowPosition } from '../../../shared/schedule/visitSchedule';
import type { StudyRoles } from '../delegations/studyRole';
import type { StudyConfig } from '../../../shared/study/studyConfig';
import { roleHasPermission, type Role } from '../../../shared/roles';
import type { CredentialCheck } from '../auth/credentialCheck';
import type { AuditTrail } from '../audit/auditTrail';
import { isoUtc, type Clock } from '../clock';
import { open, sealedField } from '../crypto/allocationCipher';
import type { Store } from '../db/store';
import type { KitRepository } from '../kits/kitRepository';
import type { KitStatusService } from '../kits/kitStatusService';
import type { PatientRepository, PatientRow } from '../patients/patientRepository';
import type { Signer, SignatureService } from '../signatures/signatureService';
import type { AllocationRepository } from '../allocation/allocationRepository';
import type { KitScanResolver, PackCheck } from '../scanning/kitScanResolver';
import { cryptoRandomBelow, drawByExpiry, type RandomBelow } from './kitSuggestion';
import type { UnsealedStock } from './unsealedStock';
import { STOCK_STATUSES } from '../../../shared/kits/kitLifecycle';
import { contentNeeded, kitTypeName, type KitTypeCode } from '../../../shared/study/kitContents';

/** How many other valid kits a refusal offers. */
const ALTERNATIVES = 3;

export type KitSource = 'scanner' | 'keyboard_wedge' | 'manual';

/**
 * Why a scanned kit cannot be given at this visit. The words never name an arm: "not valid for this patient",
 * never "this kit is placebo" (DESIGN.md section 3.4), so an onlooker learns nothing the screen did not already say.
 */
export type KitRefusal = 'unknown_kit' | 'already_scanned' | 'quarantined' | 'not_available' | 'expiring' | 'not_for_patient' | 'visit_complete' | 'type_complete' | 'pack_mismatch';

/** A verdict says its words by key (shared/messages, group dispensing); `message` is their English. */
type SaidVerdict = { message: string; key?: Message['key']; params?: Record<string, string | number> };

export type KitVerdict =
  | ({ ok: true; kitNumber: string; pack: PackCheck | null } & SaidVerdict)
  | ({ ok: false; kitNumber: string; reason: KitRefusal; pack: PackCheck | null } & Alternatives & SaidVerdict);

/** The valid kits offered beside a refusal, and the name of their kit type (printed on them; null: a study without types). */
interface Alternatives {
  alternatives: string[];
  alternativesKitType: string | null;
}

/** A verdict's words: the key and parameters, and their English. */
const said = (message: Message): SaidVerdict => ({ message: englishOf(message), key: message.key, ...(message.params ? { params: message.params as Record<string, string | number> } : {}) });

/** A kit that is neither available nor in quarantine: one text per status, so no English status word travels. */
const NOT_AVAILABLE = {
  expected: 'dispensing.notAvailableExpected',
  dispensed: 'dispensing.notAvailableDispensed',
  returned: 'dispensing.notAvailableReturned',
  pending_destruction: 'dispensing.notAvailablePendingDestruction',
  destroyed: 'dispensing.notAvailableDestroyed',
  damaged: 'dispensing.notAvailableDamaged',
  lost: 'dispensing.notAvailableLost',
  expired: 'dispensing.notAvailableExpired',
} as const;

export interface VisitPlan {
  patientId: number;
  screeningNumber: string;
  randomizationNumber: string;
  visit: VisitWindow;
  today: string;
  window: WindowPosition;
  kitsNeeded: number;
  /** Earliest real expiry first, then drawn at random among kits of the same expiry; kit numbers only (every type's, in the study's type order). */
  suggestions: string[];
  /** Fewer valid kits on the shelf than the visit needs (of any type). */
  shortage: boolean;
  /** The visit's kits by type (one entry, type null, in a study without kit types): how many, and the suggestions of each. */
  kitsByType: KitsOfType[];
  /** The patient's last dispensing (any visit), shown on the visit so a second dose the same day cannot pass unseen. */
  previousDispensing: PreviousDispensing | null;
  /** The study's minimum interval between dispensings, and whether dispensing today would fall short of it. */
  interval: { minimumDays: number; short: boolean; policy: 'second_signature' | 'refuse' };
}

/** The kits of one type a visit needs: printed on the kits, so no arm in it. */
export interface KitsOfType {
  type: KitTypeCode;
  /** The type's name as its kits and labels print it ("Bottle A"); null for the implicit type. */
  typeName: string | null;
  count: number;
  suggestions: string[];
  shortage: boolean;
}

export interface PreviousDispensing {
  visitCode: string;
  visitName: string;
  dispensedOn: string;
  daysAgo: number;
}

/** The meaning of the second person's signature below a dispensing that comes sooner than the study's minimum interval. */
export const SHORT_INTERVAL_MEANING = 'I confirm this dispensing sooner than the minimum interval between doses';

/** A second person's credentials, given below the dispenser's signature when the interval is short. */
export interface SecondSignatureInput {
  username: string;
  password: string;
}

/**
 * Dispensing by scan (unblinded pharmacist; DESIGN.md section 5). The system does the match: it opens the patient's
 * and the kit's sealed arms with the session's key and answers only "matches this patient's allocation" or a
 * refusal; the arm itself never leaves this class.
 */
export class DispensingService {
  constructor(
    private readonly store: Store,
    private readonly patients: PatientRepository,
    private readonly kits: KitRepository,
    private readonly allocation: AllocationRepository,
    private readonly kitStatus: KitStatusService,
    private readonly audit: AuditTrail,
    private readonly signatures: SignatureService,
    private readonly clock: Clock,
    private readonly study: () => StudyConfig,
    private readonly scans: KitScanResolver,
    private readonly credentials: CredentialCheck,
    private readonly unsealed: UnsealedStock,
    private readonly studyRoles: StudyRoles,
    private readonly randomBelow: RandomBelow = cryptoRandomBelow,
  ) {}

  async plan(key: Buffer, patientId: number, visitCode: string): Promise<VisitPlan> {
    const { patient, visit } = await this.dispensableVisit(patientId, visitCode);
    const today = localDate(this.clock.now());
    const kitsByType = await this.kitsOfEachType(key, patient, visit, today);
    const suggestions = kitsByType.flatMap((t) => t.suggestions);
    return {
      patientId: patient.id,
      screeningNumber: patient.screeningNumber,
      randomizationNumber: patient.randomizationNumber!,
      visit,
      today,
      window: windowPosition(visit, today),
      kitsNeeded: visit.kits,
      suggestions,
      shortage: kitsByType.some((t) => t.shortage),
      kitsByType,
      ...(await this.intervalOf(patient, today)),
    };
  }

  /**
   * The patient's last dispensing and how today compares with the study's minimum interval. Dates and visit codes
   * only: the answer is the same whatever the patient's arm.
   */
  private async intervalOf(patient: PatientRow, today: string): Promise<Pick<VisitPlan, 'previousDispensing' | 'interval'>> {
    const { minimumIntervalDays, shortInterval } = this.study().dosing;
    const last = (await this.patients.dispensings(patient.id)).at(-1);
    const previousDispensing = last
      ? (() => {
          const dispensedOn = localDate(new Date(last.dispensedAt));
          const visitName = this.study().visits.find((v) => v.code === last.visitCode)?.name ?? last.visitCode;
          return { visitCode: last.visitCode, visitName, dispensedOn, daysAgo: daysBetween(dispensedOn, today) };
        })()
      : null;
    return {
      previousDispensing,
      interval: { minimumDays: minimumIntervalDays, short: previousDispensing !== null && previousDispensing.daysAgo < minimumIntervalDays, policy: shortInterval },
    };
  }

  /**
   * The second person below a short interval: another active user, whose password is checked (and counted) like a
   * destruction witness's, and who may dispense or prescribe (a pharmacist, the investigator or a study nurse). A
   * monitor or an administrator cannot. Checked before the transaction; the interval itself is judged inside it.
   */
  private async secondSigner(signer: Signer, given: SecondSignatureInput | undefined): Promise<Signer | null> {
    if (!given) return null;
    const wrong = () =>
      VeilError.says('validation', { key: 'dispensing.secondWrong' }, [issue(['secondSignature', 'password'], { key: 'dispensing.secondWrongIssue' })]);
    const user = await this.credentials.namedAccount(given.username, given.password, 'witness', { userId: signer.userId, username: signer.username }, wrong);
    if (!user.active) throw wrong();
    if (user.id === signer.userId) {
      throw VeilError.says('validation', { key: 'dispensing.secondSamePerson' }, [issue(['secondSignature', 'username'], { key: 'dispensing.secondSamePersonIssue' })]);
    }
    // Their role in this study today (their delegation), not the account's: a witness works in the study too.
    const { role } = await this.studyRoles.of(user);
    if (!role || (!roleHasPermission(role, 'dispensing.perform') && !roleHasPermission(role, 'patients.manage'))) {
      throw VeilError.says('validation', { key: 'dispensing.secondNotAllowed', params: { name: user.displayName } }, [
        issue(['secondSignature', 'username'], { key: 'dispensing.secondNotAllowedIssue' }),
      ]);
    }
    return { userId: user.id, username: user.username, printedName: user.displayName, meaning: SHORT_INTERVAL_MEANING };
  }

  /**
   * The verdict on one scan. A GS1 pack code names its kit by serial; a pack whose lot or expiry disagrees with the
   * kit list is refused here (the kit's identity is in doubt), where receiving only flags it.
   */
  async check(key: Buffer, patientId: number, visitCode: string, code: string, alreadyScanned: string[]): Promise<KitVerdict> {
    const { patient, visit } = await this.dispensableVisit(patientId, visitCode);
    return this.judgeScan(key, patient, visit, code, alreadyScanned);
  }

  /**
   * The verdict on one scan for this patient at this visit (a scheduled one, or the window of a replacement or an
   * unscheduled dispensing: extraDispensingService.ts).
   */
  async judgeScan(key: Buffer, patient: PatientRow, visit: VisitWindow, code: string, alreadyScanned: readonly string[]): Promise<KitVerdict> {
    const today = localDate(this.clock.now());
    const resolved = await this.scans.resolve(code);
    if (!resolved.ok) {
      return { ok: false, kitNumber: code.trim().slice(0, 64), reason: 'unknown_kit', message: resolved.message, ...(await this.alternatives(key, patient, visit, today, alreadyScanned)), pack: null };
    }
    const verdict = await this.verdict(key, patient, visit, today, resolved.kitNumber, alreadyScanned);
    const kit = await this.kits.get(resolved.kitNumber);
    const pack = kit ? await this.scans.checkPack(key, resolved.kitNumber, resolved.pack) : null;
    if (verdict.ok && pack?.check === 'mismatch') {
      return { ok: false, kitNumber: resolved.kitNumber, reason: 'pack_mismatch', message: pack.detail, ...(await this.alternatives(key, patient, visit, today, alreadyScanned, kit?.kitType)), pack };
    }
    return { ...verdict, pack };
  }

  /** Each kit judged again inside the caller's transaction, in order: what was true at scan time must still be true. */
  async judgeAgain(key: Buffer, patient: PatientRow, visit: VisitWindow, kitNumbers: readonly string[]): Promise<void> {
    const today = localDate(this.clock.now());
    const scanned: string[] = [];
    for (const kitNumber of kitNumbers) {
      const verdict = await this.verdict(key, patient, visit, today, kitNumber, scanned);
      if (!verdict.ok) throw new VeilError('conflict', verdict.message, undefined, { key: verdict.key, params: verdict.params });
      scanned.push(kitNumber);
    }
  }

  /** The kits of each type this visit needs, with as many valid ones of each as it needs (see validKits). */
  async suggest(key: Buffer, patient: PatientRow, visit: VisitWindow): Promise<KitsOfType[]> {
    return this.kitsOfEachType(key, patient, visit, localDate(this.clock.now()));
  }

  private async kitsOfEachType(key: Buffer, patient: PatientRow, visit: VisitWindow, today: string): Promise<KitsOfType[]> {
    const kitsOfType: KitsOfType[] = [];
    for (const { type, count } of visit.kitsByType) {
      const suggestions = await this.validKits(key, patient, visit, today, [], count, type);
      kitsOfType.push({ type, typeName: kitTypeName(this.study(), type), count, suggestions, shortage: suggestions.length < count });
    }
    return kitsOfType;
  }

  /**
   * The kit types still missing from the kits scanned so far, in the visit's order: what a refusal's alternatives are
   * drawn from. Kit types are printed on the kits: reading them tells nothing of an arm.
   */
  private async typesStillNeeded(visit: VisitWindow, alreadyScanned: readonly string[]): Promise<KitTypeCode[]> {
    const scanned = await this.scannedByType(visit, alreadyScanned);
    return visit.kitsByType.filter(({ type, count }) => (scanned.get(type) ?? 0) < count).map((t) => t.type);
  }

  /**
   * How many of the kits scanned so far are of each type. A visit of one type (every visit of a study without kit
   * types) needs no read: each kit scanned was judged of that type. Otherwise each scanned kit's type is read once.
   */
  private async scannedByType(visit: VisitWindow, alreadyScanned: readonly string[]): Promise<Map<KitTypeCode, number>> {
    if (visit.kitsByType.length === 1) return new Map([[visit.kitsByType[0]!.type, alreadyScanned.length]]);
    const counts = new Map<KitTypeCode, number>();
    for (const kitNumber of alreadyScanned) {
      const type = (await this.kits.get(kitNumber))?.kitType ?? null;
      counts.set(type, (counts.get(type) ?? 0) + 1);
    }
    return counts;
  }

  /**
   * Up to `count` valid kits to offer beside a refusal: of the scanned kit's type if the visit still needs it, else of
   * the first type still missing; with their type's name, so the screen says which bottle to take.
   */
  private async alternatives(key: Buffer, patient: PatientRow, visit: VisitWindow, today: string, alreadyScanned: readonly string[], scannedType?: KitTypeCode): Promise<Alternatives> {
    const needed = await this.typesStillNeeded(visit, alreadyScanned);
    const type = scannedType !== undefined && needed.includes(scannedType) ? scannedType : needed[0];
    if (type === undefined) return { alternatives: [], alternativesKitType: null };
    return { alternatives: await this.validKits(key, patient, visit, today, alreadyScanned, ALTERNATIVES, type), alternativesKitType: kitTypeName(this.study(), type) };
  }

  async confirm(
    key: Buffer,
    signer: Signer,
    actorRole: Role,
    input: {
      patientId: number;
      visitCode: string;
      kits: Array<{ kitNumber: string; source: KitSource }>;
      outOfWindowReason?: string | undefined;
      secondSignature?: SecondSignatureInput | undefined;
    },
  ): Promise<{ dispensingId: number; signatureId: number }> {
    const second = await this.secondSigner(signer, input.secondSignature);
    return this.store.transaction(async () => {
      // Every rule is checked again inside the transaction: what was true at scan time must still be true now.
      const { patient, visit } = await this.dispensableVisit(input.patientId, input.visitCode);
      const today = localDate(this.clock.now());
      if (input.kits.length !== visit.kits) {
        throw VeilError.says('validation', { key: 'dispensing.wrongCount', params: { visit: visit.name, count: visit.kits, scanned: input.kits.length } });
      }
      const scanned = input.kits.map((k) => k.kitNumber);
      // Each kit judged again, its type counted: as many as the visit has kits, none of a type beyond its count, so
      // exactly the count of each type.
      await this.judgeAgain(key, patient, visit, scanned);
      const position = windowPosition(visit, today);
      const reason = input.outOfWindowReason?.trim() || null;
      if (position.position !== 'in_window' && !(reason && reason.length >= 3)) {
        throw VeilError.says('validation', { key: position.position === 'early' ? 'dispensing.earlyNeedsReason' : 'dispensing.lateNeedsReason', params: { visit: visit.name, count: position.days } }, [
          issue(['outOfWindowReason'], { key: 'dispensing.reasonNeeded' }),
        ]);
      }
      const { previousDispensing: previous, interval } = await this.intervalOf(patient, today);
      if (interval.short && previous) {
        const since = { visit: visit.name, count: previous.daysAgo, previous: previous.visitName, on: previous.dispensedOn, minimum: interval.minimumDays };
        if (interval.policy === 'refuse') {
          throw VeilError.says('conflict', { key: 'dispensing.intervalRefused', params: since });
        }
        if (!second) {
          throw VeilError.says('validation', { key: 'dispensing.intervalSecondNeeded', params: since }, [issue(['secondSignature'], { key: 'dispensing.secondNeededIssue' })]);
        }
      }
      const shortInterval = interval.short && previous ? { previousVisit: previous.visitCode, previousOn: previous.dispensedOn, days: previous.daysAgo, minimumDays: interval.minimumDays } : null;
      const cosigner = shortInterval ? second : null;
      const at = isoUtc(this.clock.now());
      const record = { action: 'dispensing', patient: patient.screeningNumber, randomizationNumber: patient.randomizationNumber, visit: visit.code, kits: [...scanned].sort(compareKitNumbers), at };
      const signature = await this.signatures.record(signer, 'dispensing', `${patient.screeningNumber}/${visit.code}`, record);
      const secondSignature = cosigner ? await this.signatures.record(cosigner, 'dispensing', `${patient.screeningNumber}/${visit.code}`, { ...record, shortInterval }) : null;
      const dispensingId = await this.patients.recordDispensing({
        patientId: patient.id,
        visitCode: visit.code,
        dispensedAt: at,
        userId: signer.userId,
        signatureId: signature.id,
        outOfWindowReason: position.position === 'in_window' ? null : reason,
      });
      const actor = { userId: signer.userId, username: signer.username, role: actorRole };
      for (const { kitNumber, source } of input.kits) {
        await this.patients.addDispensedKit(dispensingId, kitNumber, source);
        await this.kitStatus.change(actor, kitNumber, 'dispensed', null, { source, signatureId: signature.id, context: { patient: patient.screeningNumber, visit: visit.code } });
      }
      await this.audit.append(actor, {
        action: 'dispensing.confirmed',
        entityType: 'patient',
        entityId: patient.screeningNumber,
        after: {
          visit: visit.code,
          kits: record.kits,
          window: position.position,
          sources: input.kits.map((k) => k.source),
          ...(shortInterval && cosigner ? { interval: shortInterval, secondSigner: cosigner.username, secondSignatureId: secondSignature!.id } : {}),
        },
        reason: position.position === 'in_window' ? null : reason,
        signatureId: signature.id,
      });
      return { dispensingId, signatureId: signature.id };
    });
  }

  /** A patient who may receive kits: randomized and not withdrawn. */
  async dispensablePatient(patientId: number): Promise<PatientRow & { randomizationNumber: string; baselineDate: string }> {
    const patient = await this.patients.get(patientId);
    if (!patient) throw VeilError.says('not_found', { key: 'patients.noSuchPatient', params: { id: patientId } });
    if (patient.status === 'withdrawn') throw VeilError.says('conflict', { key: 'dispensing.withdrawn', params: { screening: patient.screeningNumber } });
    if (patient.status !== 'randomized' || !patient.randomizationNumber || !patient.baselineDate) {
      throw VeilError.says('conflict', { key: 'dispensing.notRandomized', params: { screening: patient.screeningNumber } });
    }
    return { ...patient, randomizationNumber: patient.randomizationNumber, baselineDate: patient.baselineDate };
  }

  private async dispensableVisit(patientId: number, visitCode: string): Promise<{ patient: PatientRow; visit: VisitWindow }> {
    const patient = await this.dispensablePatient(patientId);
    const windows = visitWindows(this.study(), patient.baselineDate);
    const visit = windows.find((w) => w.code === visitCode);
    if (!visit) throw VeilError.says('not_found', { key: 'dispensing.noSuchVisit', params: { visit: visitCode } });
    const served = await this.patients.dispensedVisitCodes(patient.id);
    if (served.has(visit.code)) throw VeilError.says('conflict', { key: 'dispensing.alreadyDispensed', params: { visit: visit.name, screening: patient.screeningNumber } });
    const earlier = windows.slice(0, windows.indexOf(visit)).find((w) => !served.has(w.code));
    if (earlier) throw VeilError.says('conflict', { key: 'dispensing.inOrder', params: { visit: earlier.name } });
    return { patient, visit };
  }

  private async patientArm(key: Buffer, patient: PatientRow): Promise<string> {
    const slot = await this.allocation.slot(patient.randomizationNumber!);
    if (!slot) throw new VeilError('internal', `Randomization number ${patient.randomizationNumber} is missing from the list.`);
    return open(key, slot.armSealed, sealedField.slotArm(slot.randomizationNumber));
  }

  /**
   * Up to `count` kits that pass every rule for this patient and visit: earliest real expiry first, then a random draw
   * among kits of the same expiry, never by kit number (see drawByExpiry). The arm's kits come from the session's
   * index of opened arms and dates; only the kits the draw reaches are asked whether they are still on the shelf, so
   * a refusal costs a few indexed reads however large the stock.
   */
  private async validKits(key: Buffer, patient: PatientRow, visit: VisitWindow, today: string, exclude: readonly string[], count: number, type: KitTypeCode): Promise<string[]> {
    const stock = await this.unsealed.ofContent(key, type, contentNeeded(this.study(), await this.patientArm(key, patient), type));
    const refusedUpTo = latestRefusedExpiry(visit, today, this.study().doNotDispenseMarginDays);
    const firstDispensable = stock.expiries.findIndex((expiry) => expiry > refusedUpTo);
    if (firstDispensable < 0) return [];
    // A kit that has left the stock (dispensed, returned, lost, destroyed...) leaves the session's index as the draw
    // meets it. One that comes back (found again, dispensed in error, then released from quarantine) is not offered
    // until the index is rebuilt (next login or unlock, or a list import), but a scan of it is judged from the
    // database, never from the index, so the pharmacist holding it can still give it.
    return drawByExpiry(
      stock.groups.slice(firstDispensable),
      count,
      async (drawn) => {
        const shelves = await this.kits.shelfStatesOf(drawn);
        return drawn.map((kitNumber) => {
          const shelf = shelves.get(kitNumber);
          if (shelf === undefined || !STOCK_STATUSES.has(shelf.status)) return 'never';
          // The label's use-before date must outlast the visit too (issue 11.1): it can move, so it is read live.
          return shelf.status === 'available' && shelf.useBefore > refusedUpTo && !exclude.includes(kitNumber) ? 'usable' : 'not_now';
        });
      },
      this.randomBelow,
    );
  }

  private async verdict(key: Buffer, patient: PatientRow, visit: VisitWindow, today: string, kitNumber: string, alreadyScanned: readonly string[]): Promise<KitVerdict> {
    const kit = await this.kits.get(kitNumber);
    const refuse = async (reason: KitRefusal, message: Message): Promise<KitVerdict> => ({
      ok: false,
      kitNumber,
      reason,
      ...said(message),
      ...(await this.alternatives(key, patient, visit, today, alreadyScanned, kit?.kitType)),
      pack: null,
    });
    if (!kit) return refuse('unknown_kit', { key: 'dispensing.unknownKit', params: { kit: kitNumber } });
    if (alreadyScanned.includes(kitNumber)) return refuse('already_scanned', { key: 'dispensing.alreadyScanned', params: { kit: kitNumber } });
    if (alreadyScanned.length >= visit.kits) return refuse('visit_complete', { key: 'dispensing.visitComplete', params: { visit: visit.name, count: visit.kits } });
    // A kit of a type the visit has all it needs of (or needs none of): its type is printed on it, so the words may say it.
    const ofType = visit.kitsByType.find((t) => t.type === kit.kitType)?.count ?? 0;
    if (((await this.scannedByType(visit, alreadyScanned)).get(kit.kitType) ?? 0) >= ofType) {
      const type = kitTypeName(this.study(), kit.kitType) ?? '';
      return refuse('type_complete', ofType === 0 ? { key: 'dispensing.typeNotNeeded', params: { visit: visit.name, type } } : { key: 'dispensing.typeComplete', params: { visit: visit.name, count: ofType, type } });
    }
    if (kit.status === 'quarantined') return refuse('quarantined', { key: 'dispensing.quarantined', params: { kit: kitNumber } });
    if (kit.status !== 'available') return refuse('not_available', { key: NOT_AVAILABLE[kit.status], params: { kit: kitNumber } });
    const sealed = (await this.kits.sealed(kitNumber))!;
    const expiry = open(key, sealed.expirySealed, sealedField.kitExpiry(kitNumber));
    const refusedUpTo = latestRefusedExpiry(visit, today, this.study().doNotDispenseMarginDays);
    if (expiry < today) return refuse('expiring', { key: 'dispensing.expired', params: { kit: kitNumber } });
    if (expiry <= refusedUpTo) return refuse('expiring', { key: 'dispensing.expiring', params: { kit: kitNumber } });
    // The label carries the blinded date, which may be earlier than the real one (the common date): a label must not
    // tell the patient to use the kit before the visit's window ends. The pharmacist confirms the moved date first.
    if (kit.useBefore <= refusedUpTo) {
      return refuse('expiring', { key: 'dispensing.labelDateShort', params: { kit: kitNumber, date: kit.useBefore } });
    }
    // The kit's content against the one the patient's arm needs in kits of its type (the arm itself without kit types).
    if (open(key, sealed.armSealed, sealedField.kitArm(kitNumber)) !== contentNeeded(this.study(), await this.patientArm(key, patient), kit.kitType)) {
      return refuse('not_for_patient', { key: 'dispensing.notForPatient', params: { kit: kitNumber } });
    }
    return { ok: true, kitNumber, ...said({ key: 'dispensing.matches', params: { kit: kitNumber } }), pack: null };
  }
}
