import { createHash } from 'node:crypto';
import { canonicalJson } from '../../../shared/canonicalJson';
import { compareKitNumbers, sortByKitNumber } from '../../../shared/allocation/kitOrder';
import { addDays, localDate } from '../../../shared/schedule/visitSchedule';
import type { StudyConfig } from '../../../shared/study/studyConfig';
import type { AuditTrail } from '../audit/auditTrail';
import { isoUtc, type Clock } from '../clock';
import { open, sealedField } from '../crypto/allocationCipher';
import { VeilError } from '../../../shared/errors';
import type { Role } from '../../../shared/roles';
import type { Store } from '../db/store';
import type { Signer, SignatureService } from '../signatures/signatureService';
import type { DiscrepancyComment, KitFacts, ReconciliationRepository } from './reconciliationRepository';

/** What counts as a discrepancy, per kit (REGULATORY.md: inspectors check no blanks, balance equals shelf stock). */
export const DISCREPANCIES = [
  'missing_at_receipt',
  'damaged_at_receipt',
  'lost_on_site',
  'return_missing',
  'return_overdue',
  'partial_dose',
  'dose_not_taken',
  'status_without_receipt',
  // Impossible sequences (issue 11, item 11): a step dated before the step it depends on. Either date is wrong
  // (a workstation clock set back) or a record was altered; either way the monitor must see it.
  'dispensed_before_receipt',
  'dispensed_before_randomization',
  'returned_before_dispensing',
  'destroyed_before_return',
  'return_verified_after_destruction',
] as const;
export type Discrepancy = (typeof DISCREPANCIES)[number];

/** Where a kit is now; every kit is in exactly one place, so the lot balances add up by construction and by check. */
export type Whereabouts = 'not_received' | 'on_hand' | 'with_patient' | 'destroyed' | 'lost';

/** Audit actions that change accountability: one after a sign-off voids it. */
const ACCOUNTABILITY_ACTIONS = ['kit.status_changed', 'return.recorded', 'return.edited', 'dispensing.confirmed', 'shipment.kit_received', 'destruction.recorded'];

/** What a monitor looks at "since the last sign-off": every event that changed a kit's accountability or its check. */
const KIT_CHANGES = ['kit.status_changed', 'return.recorded', 'return.edited', 'return.verified', 'shipment.kit_received'];

type Actor = { userId: number; username: string; role: Role };

/** The impossible sequences in one kit's dates: each step must come after the one it depends on. */
function impossibleSequences(f: KitFacts): Discrepancy[] {
  const found: Discrepancy[] = [];
  const day = (iso: string) => localDate(new Date(iso));
  if (f.dispensed_at && f.scanned_at && (f.outcome === 'received' || f.outcome === 'damaged') && f.dispensed_at < f.scanned_at) found.push('dispensed_before_receipt');
  if (f.dispensed_at && f.baseline_date && day(f.dispensed_at) < f.baseline_date) found.push('dispensed_before_randomization');
  if (f.returned_at && f.dispensed_at && f.returned_at < f.dispensed_at) found.push('returned_before_dispensing');
  if (f.returned_at && ((f.destroyed_on && f.destroyed_on < day(f.returned_at)) || (f.destruction_recorded_at && f.destruction_recorded_at < f.returned_at))) {
    found.push('destroyed_before_return');
  }
  if (f.verified_at && ((f.destruction_recorded_at && f.verified_at > f.destruction_recorded_at) || (f.destroyed_on && day(f.verified_at) > f.destroyed_on))) {
    found.push('return_verified_after_destruction');
  }
  return found;
}

/**
 * The day a kit given at `visitCode` is due back: kits come back at the next visit (by the close of its window); after
 * the last visit, within a further 14 days of its window. One date sum per kit, as the patient's whole visit plan
 * (every window of every visit) made the date sums most of the reconciliation's time at 50,000 kits.
 * Dispensings outside the plan (issue 16): a replacement ("W2/R1") stands in for its visit's kit and comes back when that
 * kit would have; an unscheduled kit ("U1") comes back at the first visit whose window closes after the day it was given
 * (`dispensedOn`), or 14 days after that day when no visit is left. Read as a visit of the plan, either code was once
 * due back at the first visit's close, and so flagged overdue the day it was given.
 */
export function returnDueOf(study: StudyConfig, baselineDate: string, visitCode: string, dispensedOn?: string): string {
  const closes = (v: StudyConfig['visits'][number]) => addDays(baselineDate, v.dayOffset + v.windowAfterDays);
  const index = study.visits.findIndex((v) => v.code === visitCode.split('/')[0]);
  if (index < 0) {
    const from = dispensedOn ?? baselineDate;
    const next = study.visits.find((v) => closes(v) > from);
    return next ? closes(next) : addDays(from, 14);
  }
  const next = study.visits[index + 1];
  return next ? closes(next) : addDays(closes(study.visits[index]!), 14);
}

/**
 * One kit's line of the reconciliation from its facts: where it is, its return's due day and every discrepancy it shows
 * on `today`. With the allocation key the lot is the real one; without it, the blinded lot.
 */
function kitLine(f: KitFacts, key: Buffer | null, study: StudyConfig, today: string) {
  const discrepancies: Discrepancy[] = [];
  const received = f.outcome === 'received' || f.outcome === 'damaged';
  if (f.outcome === 'missing') discrepancies.push('missing_at_receipt');
  if (f.outcome === 'damaged') discrepancies.push('damaged_at_receipt');
  if (f.condition === 'missing') discrepancies.push('return_missing');
  if (f.condition === 'partly_used') discrepancies.push('partial_dose');
  if (f.condition === 'unused') discrepancies.push('dose_not_taken');
  if (f.status === 'lost' && f.outcome !== 'missing' && f.condition !== 'missing') discrepancies.push('lost_on_site');
  if (f.status !== 'expected' && f.status !== 'lost' && !received) discrepancies.push('status_without_receipt');
  discrepancies.push(...impossibleSequences(f));
  let returnDue: string | null = null;
  if (f.dispensed_at && f.baseline_date && f.visit_code) {
    returnDue = returnDueOf(study, f.baseline_date, f.visit_code, localDate(new Date(f.dispensed_at)));
    if (!f.condition && f.status === 'dispensed' && today > returnDue) discrepancies.push('return_overdue');
  }
  const whereabouts: Whereabouts =
    f.status === 'expected' ? 'not_received' : f.status === 'dispensed' ? 'with_patient' : f.status === 'destroyed' ? 'destroyed' : f.status === 'lost' ? 'lost' : 'on_hand';
  return {
    kitNumber: f.kit_number,
    lot: key ? open(key, f.lot_sealed!, sealedField.kitLot(f.kit_number)) : f.blinded_lot,
    status: f.status,
    shipment: f.shipment,
    receivedAt: received ? f.scanned_at : null,
    patient: f.screening_number,
    visit: f.visit_code,
    dispensedAt: f.dispensed_at,
    returnDue,
    returnCondition: f.condition,
    unitsReturned: f.units_returned,
    returnVerified: f.verified_at !== null,
    destroyedOn: f.destroyed_on,
    whereabouts,
    discrepancies,
  };
}

/** A kit line of the reconciliation. */
export type KitLine = ReturnType<typeof kitLine>;

export class ReconciliationService {
  constructor(
    private readonly store: Store,
    private readonly repository: ReconciliationRepository,
    private readonly audit: AuditTrail,
    private readonly signatures: SignatureService,
    private readonly clock: Clock,
    private readonly study: () => StudyConfig,
  ) {}

  /**
   * The reconciliation with every kit's line (what the monitor's sign-off hashes). With the allocation key (unblinded
   * view) lots are the real ones; without it, blinded lots.
   */
  async compute(key: Buffer | null) {
    const kits: KitLine[] = [];
    const { asOf, lots, patients, discrepancies, unverifiedReturns } = await this.summary(key, (line) => kits.push(line));
    return { asOf, kits, lots, patients, discrepancies, unverifiedReturns };
  }

  /**
   * The reconciliation as its screen reads it: per lot, per patient, every discrepancy and the returns to verify, the
   * kits counted (their lines come a page at a time, kitPage). Each kit's line is built, counted and let go in one pass
   * (`eachLine` may keep them): at 50,000 kits, lines kept to the end were tens of megabytes more for the collector.
   */
  async summary(key: Buffer | null, eachLine?: (line: KitLine) => void) {
    type LotLine = { lot: string; received: number; dispensed: number; returned: number; destroyed: number; onHand: number; withPatient: number; lost: number; lostAfterReceipt: number; notReceived: number };
    type PatientLine = { screeningNumber: string; dispensed: number; returnsRecorded: number; used: number; partlyUsed: number; unused: number; damaged: number; missing: number; overdue: number };
    const byLot = new Map<string, LotLine>();
    const patients = new Map<string, PatientLine>();
    const discrepancies: Array<{ kitNumber: string; lot: string; patient: string | null; discrepancies: Discrepancy[] }> = [];
    let unverifiedReturns = 0;
    const kitCount = await this.eachKitLine(key, (k) => {
      eachLine?.(k);
      const lot = byLot.get(k.lot) ?? { lot: k.lot, received: 0, dispensed: 0, returned: 0, destroyed: 0, onHand: 0, withPatient: 0, lost: 0, lostAfterReceipt: 0, notReceived: 0 };
      if (k.receivedAt) lot.received++;
      if (k.dispensedAt) lot.dispensed++;
      if (k.returnCondition && k.returnCondition !== 'missing') lot.returned++;
      if (k.whereabouts === 'destroyed') lot.destroyed++;
      if (k.whereabouts === 'on_hand') lot.onHand++;
      if (k.whereabouts === 'with_patient') lot.withPatient++;
      if (k.whereabouts === 'lost') lot.lost++;
      if (k.whereabouts === 'lost' && k.receivedAt) lot.lostAfterReceipt++;
      if (k.whereabouts === 'not_received') lot.notReceived++;
      byLot.set(k.lot, lot);
      if (k.patient) {
        const p = patients.get(k.patient) ?? { screeningNumber: k.patient, dispensed: 0, returnsRecorded: 0, used: 0, partlyUsed: 0, unused: 0, damaged: 0, missing: 0, overdue: 0 };
        p.dispensed++;
        if (k.returnCondition) p.returnsRecorded++;
        if (k.returnCondition === 'used') p.used++;
        if (k.returnCondition === 'partly_used') p.partlyUsed++;
        if (k.returnCondition === 'unused') p.unused++;
        if (k.returnCondition === 'damaged') p.damaged++;
        if (k.returnCondition === 'missing') p.missing++;
        if (k.discrepancies.includes('return_overdue')) p.overdue++;
        patients.set(k.patient, p);
      }
      if (k.discrepancies.length > 0) discrepancies.push({ kitNumber: k.kitNumber, lot: k.lot, patient: k.patient, discrepancies: k.discrepancies });
      // A kit recorded as missing cannot be verified (nothing to check): its discrepancy is commented instead.
      if (k.returnCondition && k.returnCondition !== 'missing' && !k.returnVerified) unverifiedReturns++;
    });
    const lots = [...byLot.values()]
      .sort((a, b) => (a.lot < b.lot ? -1 : 1))
      // Every kit received is on the shelf, with a patient, destroyed or lost since: anything else is a discrepancy.
      .map((l) => ({ ...l, balanced: l.received === l.onHand + l.withPatient + l.destroyed + l.lostAfterReceipt }));
    const perPatient = [...patients.values()]
      .sort((a, b) => (a.screeningNumber < b.screeningNumber ? -1 : 1))
      .map((p) => ({ ...p, compliancePercent: p.returnsRecorded ? Math.round((100 * p.used) / p.returnsRecorded) : null }));
    return { asOf: isoUtc(this.clock.now()), kitCount, lots, patients: perPatient, discrepancies, unverifiedReturns };
  }

  /** Builds every kit's line in kit-number order and hands each to `visit`; answers how many kits there are. */
  private async eachKitLine(key: Buffer | null, visit: (line: KitLine) => void): Promise<number> {
    const study = this.study();
    const today = localDate(this.clock.now());
    const facts = sortByKitNumber(await this.repository.kitFacts(undefined, { sealed: key !== null }), (f) => f.kit_number);
    for (const f of facts) visit(kitLine(f, key, study, today));
    return facts.length;
  }

  /**
   * One page of kit lines in kit-number order (issue 12: at 50,000 kits the whole list was 18 MB and most of a second to
   * build). Every kit, or those changed since the last sign-off, is paged on the kit numbers alone and only the page's
   * facts are read; a search or the discrepancy filter needs every kit's line and builds them all, then sends one page.
   * A search matches the lot as this view shows it: the blinded lot without the key, so no real lot can be probed.
   */
  async kitPage(key: Buffer | null, input: KitPageRequest): Promise<KitPage> {
    const study = this.study();
    const asOf = isoUtc(this.clock.now());
    const today = localDate(this.clock.now());
    const numbers = await this.repository.kitNumbersInOrder();
    const total = numbers.length;
    const needle = input.search.trim().toLowerCase();
    const from = (input.page - 1) * input.pageSize;
    const page = (matching: number, kits: KitLine[]) => ({ asOf, kits, matching, total, page: input.page, pageSize: input.pageSize });
    const changed = input.only === 'sinceSignOff' ? new Set((await this.sinceLastSignOff())?.kits ?? []) : null;
    if (needle === '' && input.only !== 'discrepancies') {
      const chosen = changed ? numbers.filter((n) => changed.has(n)) : numbers;
      const facts = await this.repository.kitFacts(chosen.slice(from, from + input.pageSize), { sealed: key !== null });
      return page(chosen.length, sortByKitNumber(facts, (f) => f.kit_number).map((f) => kitLine(f, key, study, today)));
    }
    const matching: KitLine[] = [];
    await this.eachKitLine(key, (k) => {
      const kept =
        (input.only !== 'discrepancies' || k.discrepancies.length > 0) &&
        (!changed || changed.has(k.kitNumber)) &&
        (!needle || k.kitNumber.toLowerCase().includes(needle) || (k.patient ?? '').toLowerCase().includes(needle) || k.lot.toLowerCase().includes(needle));
      if (kept) matching.push(k);
    });
    return page(matching.length, matching.slice(from, from + input.pageSize));
  }

  /**
   * The monitor's comments and which discrepancies still wait for one: a kit's discrepancy is open until a comment
   * written while the kit showed it explains it (a new kind of discrepancy on the same kit opens it again).
   */
  async notes(given?: Pick<ReconciliationSnapshot, 'discrepancies'>): Promise<{ comments: DiscrepancyComment[]; openDiscrepancies: string[] }> {
    const snapshot = given ?? (await this.summary(null));
    const all = await this.repository.comments();
    const explained = new Map<string, Set<string>>();
    for (const c of all) for (const d of c.discrepancies) explained.set(c.kitNumber, (explained.get(c.kitNumber) ?? new Set()).add(d));
    const latest = new Map<string, DiscrepancyComment>();
    for (const c of all) latest.set(c.kitNumber, c);
    const open = snapshot.discrepancies.filter((d) => d.discrepancies.some((kind) => !explained.get(d.kitNumber)?.has(kind))).map((d) => d.kitNumber);
    const current = new Set(snapshot.discrepancies.map((d) => d.kitNumber));
    return { comments: [...latest.values()].filter((c) => current.has(c.kitNumber)).sort((a, b) => compareKitNumbers(a.kitNumber, b.kitNumber)), openDiscrepancies: open };
  }

  /** The monitor explains a kit's discrepancies (what was checked, what the site said); audited, never edited. */
  async comment(actor: Actor, input: { kitNumber: string; comment: string }): Promise<DiscrepancyComment> {
    return this.store.transaction(async () => {
      const kit = (await this.summary(null)).discrepancies.find((d) => d.kitNumber === input.kitNumber);
      if (!kit) throw VeilError.says('conflict', { key: 'reconciliation.nothingToComment', params: { kit: input.kitNumber } });
      const at = isoUtc(this.clock.now());
      await this.repository.insertComment({ kitNumber: kit.kitNumber, discrepancies: kit.discrepancies, comment: input.comment, userId: actor.userId, at });
      await this.audit.append(actor, {
        action: 'reconciliation.discrepancy_commented',
        entityType: 'kit',
        entityId: kit.kitNumber,
        after: { discrepancies: kit.discrepancies, comment: input.comment },
      });
      return (await this.repository.comments()).filter((c) => c.kitNumber === kit.kitNumber).at(-1)!;
    });
  }

  /**
   * The monitor signs the (blinded) reconciliation as it stands; the signature binds its hash and the comments on its
   * discrepancies. Refused while a discrepancy has no comment (issue 11, item 8): a sign-off never passes over one.
   */
  async signOff(signer: Signer): Promise<{ signatureId: number }> {
    return this.store.transaction(async () => {
      const snapshot = await this.compute(null);
      const { comments, openDiscrepancies } = await this.notes(snapshot);
      if (openDiscrepancies.length > 0) {
        const n = openDiscrepancies.length;
        const shown = openDiscrepancies.slice(0, 5).join(', ') + (n > 5 ? ', …' : '');
        throw VeilError.says('conflict', { key: 'reconciliation.uncommented', params: { count: n, kits: shown } });
      }
      const { asOf: _asOf, ...content } = snapshot;
      const hash = createHash('sha256').update(canonicalJson(content)).digest('hex');
      const signature = await this.signatures.record(signer, 'reconciliation', hash, {
        action: 'reconciliation.signed',
        snapshotHash: hash,
        discrepancies: snapshot.discrepancies.length,
        comments: comments.map((c) => ({ kit: c.kitNumber, discrepancies: c.discrepancies, comment: c.comment })),
      });
      const event = await this.audit.append(
        { userId: signer.userId, username: signer.username },
        { action: 'reconciliation.signed', entityType: 'reconciliation', entityId: hash.slice(0, 16), after: { snapshotHash: hash, discrepancies: snapshot.discrepancies.length, unverifiedReturns: snapshot.unverifiedReturns }, signatureId: signature.id },
      );
      await this.repository.insertSignOff({ signedAt: event.atUtc, userId: signer.userId, signatureId: signature.id, auditSeq: event.seq, snapshotHash: hash, discrepancies: snapshot.discrepancies.length });
      return { signatureId: signature.id };
    });
  }

  /**
   * The latest sign-off and whether it still holds: any accountability change after it (a return edited, a kit
   * dispensed, destroyed...) voids it, and the answer names the event that did.
   */
  async signOffStatus() {
    const latest = await this.repository.latestSignOff();
    if (!latest) return null;
    const voiding = await this.repository.firstEventAfter(latest.auditSeq, ACCOUNTABILITY_ACTIONS);
    return { ...latest, signature: (await this.signatures.byId(latest.signatureId))!, voidedBy: voiding ?? null };
  }

  /** What changed since the last sign-off: the kits whose accountability or verification changed after it. */
  async sinceLastSignOff(): Promise<{ signedAt: string; kits: string[] } | null> {
    const latest = await this.repository.latestSignOff();
    if (!latest) return null;
    return { signedAt: latest.signedAt, kits: (await this.repository.kitsTouchedAfter(latest.auditSeq, KIT_CHANGES)).sort(compareKitNumbers) };
  }

  /**
   * The blinded reconciliation screen: the snapshot, its sign-off, the notes on it and what moved since the last
   * sign-off, read in one unit of work so that they describe the same moment.
   */
  async overview() {
    return this.store.transaction(async () => {
      const summary = await this.summary(null);
      return { reconciliation: summary, signOff: await this.signOffStatus(), ...(await this.notes(summary)), sinceLastSignOff: await this.sinceLastSignOff() };
    });
  }
}

/** The reconciliation as compute() gives it. */
export type ReconciliationSnapshot = Awaited<ReturnType<ReconciliationService['compute']>>;

/** Which kit lines, a page at a time (the contract's ReconciliationKitsInput, defaults applied). */
export interface KitPageRequest {
  page: number;
  pageSize: number;
  search: string;
  only: 'all' | 'discrepancies' | 'sinceSignOff';
}

export interface KitPage {
  asOf: string;
  kits: KitLine[];
  matching: number;
  total: number;
  page: number;
  pageSize: number;
}
