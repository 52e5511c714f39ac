import Papa from 'papaparse';
import { issue, VeilError, type ValidationIssue } from '../../../shared/errors';
import { compareKitNumbers } from '../../../shared/allocation/kitOrder';
import type { KitStatus } from '../../../shared/kits/kitLifecycle';
import { englishOf, type Message, type MessageKey } from '../../../shared/messages/catalogue';
import { EXPIRY_HOLD_REASON, isShortDated } from '../../../shared/kits/expiryHold';
import type { Role } from '../../../shared/roles';
import { localDate } from '../../../shared/schedule/visitSchedule';
import type { StudyConfig } from '../../../shared/study/studyConfig';
import type { AuditTrail } from '../audit/auditTrail';
import { isoUtc, type Clock } from '../clock';
import { open, sealedField } from '../crypto/allocationCipher';
import type { Store } from '../db/store';
import type { KitRepository } from '../kits/kitRepository';
import type { KitStatusService } from '../kits/kitStatusService';
import type { Signer, SignatureService } from '../signatures/signatureService';
import type { ShipmentOutcome, ShipmentRepository } from './shipmentRepository';
import type { KitScanResolver, PackCheck } from '../scanning/kitScanResolver';

export type Actor = { userId: number; username: string; role: Role };
export type ScanSource = 'scanner' | 'keyboard_wedge' | 'manual';
export type Temperature = 'alarm' | 'no_alarm' | 'no_monitor';

/** A verdict's words: by key (shared/messages) with their English, or the barcode reader's English only. */
type VerdictWords = { message: string; key?: string; params?: Record<string, string | number> };

export type ReceiptVerdict =
  | ({ verdict: 'received'; kitNumber: string; pack: PackCheck | null } & VerdictWords)
  | ({ verdict: 'refused'; reason: 'unknown_kit' | 'not_in_shipment' | 'already_scanned' | 'shipment_closed'; kitNumber: string | null } & VerdictWords);

function saying(said: Message): VerdictWords {
  return { message: englishOf(said), key: said.key, ...(said.params ? { params: said.params as Record<string, string | number> } : {}) };
}

/** A shipment line already recorded, by its outcome. */
const ALREADY_RECORDED = { received: 'scans.alreadyReceived', damaged: 'scans.alreadyDamaged', missing: 'scans.alreadyMissing' } as const;

/** A kit that cannot join a shipment, by its status (one key each: the status is translated, never a parameter). */
const KIT_ALREADY = {
  available: 'scans.kitAlreadyAvailable',
  quarantined: 'scans.kitAlreadyQuarantined',
  dispensed: 'scans.kitAlreadyDispensed',
  returned: 'scans.kitAlreadyReturned',
  pending_destruction: 'scans.kitAlreadyPendingDestruction',
  destroyed: 'scans.kitAlreadyDestroyed',
  damaged: 'scans.kitAlreadyDamaged',
  lost: 'scans.kitAlreadyLost',
  expired: 'scans.kitAlreadyExpired',
} as const satisfies Record<Exclude<KitStatus, 'expected'>, MessageKey>;

/**
 * Receiving shipments (DESIGN.md section 5, REGULATORY.md: receipt confirmed kit by kit by scanning). A technician can
 * do it all; nothing here knows or shows an arm. Closing the shipment answers the temperature-monitor question: an
 * alarm sends every received kit to quarantine, to be released or rejected by the unblinded pharmacist (e-signed).
 */
export class ReceivingService {
  constructor(
    private readonly store: Store,
    private readonly shipments: ShipmentRepository,
    private readonly kits: KitRepository,
    private readonly kitStatus: KitStatusService,
    private readonly audit: AuditTrail,
    private readonly signatures: SignatureService,
    private readonly clock: Clock,
    private readonly scans: KitScanResolver,
    private readonly study: () => StudyConfig,
  ) {}

  /** Kit numbers from a manifest CSV (a `kit_number` column, any case; other columns ignored). */
  static manifestKitNumbers(csv: string): string[] {
    const parsed = Papa.parse<Record<string, string>>(csv.replace(/^\uFEFF/, '').trim(), {
      header: true,
      skipEmptyLines: true,
      delimitersToGuess: [',', ';', '\t'],
      transformHeader: (h) => h.trim().toLowerCase().replace(/[\s-]+/g, '_'),
    });
    if (!parsed.meta.fields?.includes('kit_number')) throw VeilError.says('validation', { key: 'receiving.noKitColumn' });
    return parsed.data.map((row) => (row.kit_number ?? '').trim()).filter((n) => n.length > 0);
  }

  // Each step that writes is one unit of work of the Store (issue 13, item 2), its checks inside it. It awaits nothing
  // but the Store (the kits are on it too); the audit and signature collaborators it calls are synchronous and run inside the unit.
  async create(actor: Actor, input: { reference: string; kitNumbers: string[] }): Promise<number> {
    const unique = [...new Set(input.kitNumbers)];
    if (unique.length === 0) throw VeilError.says('validation', { key: 'receiving.needsKits' });
    return this.store.transaction(async () => {
      const problems: ValidationIssue[] = [];
      for (const n of unique) {
        const kit = await this.kits.get(n);
        if (!kit) problems.push(issue(['kitNumbers'], { key: 'receiving.kitNotInList', params: { kit: n } }));
        else if ((await this.shipments.shipmentOfKit(n)) !== undefined) problems.push(issue(['kitNumbers'], { key: 'receiving.kitInOtherShipment', params: { kit: n } }));
        // One key per status: the status is a word the catalogue translates, never an English parameter.
        else if (kit.status !== 'expected') problems.push(issue(['kitNumbers'], { key: KIT_ALREADY[kit.status], params: { kit: n } }));
      }
      if (problems.length) {
        throw VeilError.says('validation', { key: 'receiving.kitsRefused', params: { count: problems.length } }, problems);
      }
      if (await this.shipments.byReference(input.reference)) throw VeilError.says('conflict', { key: 'receiving.referenceTaken', params: { reference: input.reference } });
      const id = await this.shipments.insert(input.reference, isoUtc(this.clock.now()), actor.userId);
      for (const n of [...unique].sort(compareKitNumbers)) await this.shipments.addKit(id, n);
      await this.audit.append(actor, { action: 'shipment.created', entityType: 'shipment', entityId: input.reference, after: { kits: unique.length } });
      return id;
    });
  }

  /** Every kit still expected and not yet in a shipment: "the whole kit list" for a first delivery. */
  async unshippedKitNumbers(): Promise<string[]> {
    const shipped = await this.shipments.shippedKitNumbers();
    return (await this.kits.all())
      .filter((k) => k.status === 'expected' && !shipped.has(k.kitNumber))
      .map((k) => k.kitNumber)
      .sort(compareKitNumbers);
  }

  /** `code` is what was scanned: a kit number or a GS1 pack code; `key` is the session's allocation key, if any. */
  async scan(actor: Actor, shipmentId: number, code: string, source: ScanSource, key: Buffer | null): Promise<ReceiptVerdict> {
    return this.store.transaction(async (): Promise<ReceiptVerdict> => {
      const shipment = await this.requireOpen(shipmentId);
      const resolved = await this.scans.resolve(code);
      if (!resolved.ok) return { verdict: 'refused', reason: 'unknown_kit', kitNumber: null, ...(resolved.said ? saying(resolved.said) : { message: resolved.message }) };
      const kitNumber = resolved.kitNumber;
      const line = await this.shipments.kit(shipmentId, kitNumber);
      if (!line) {
        if (!(await this.kits.get(kitNumber))) return { verdict: 'refused', reason: 'unknown_kit', kitNumber, ...saying({ key: 'scans.notInKitList', params: { kit: kitNumber } }) };
        return { verdict: 'refused', reason: 'not_in_shipment', kitNumber, ...saying({ key: 'scans.notInShipment', params: { kit: kitNumber, shipment: shipment.reference } }) };
      }
      if (line.outcome !== 'expected') {
        return { verdict: 'refused', reason: 'already_scanned', kitNumber, ...saying({ key: ALREADY_RECORDED[line.outcome], params: { kit: kitNumber } }) };
      }
      const pack = await this.scans.checkPack(key, kitNumber, resolved.pack);
      await this.shipments.setOutcome(shipmentId, kitNumber, 'received', isoUtc(this.clock.now()), source);
      await this.audit.append(actor, { action: 'shipment.kit_received', entityType: 'kit', entityId: kitNumber, after: { shipment: shipment.reference, packCheck: pack?.check ?? null }, source });
      return { verdict: 'received', kitNumber, ...saying({ key: 'scans.received', params: { kit: kitNumber } }), pack };
    });
  }

  async mark(actor: Actor, shipmentId: number, kitNumber: string, outcome: Extract<ShipmentOutcome, 'damaged' | 'missing'>, reason: string): Promise<void> {
    await this.store.transaction(async () => {
      const shipment = await this.requireOpen(shipmentId);
      const line = await this.shipments.kit(shipmentId, kitNumber);
      if (!line) throw VeilError.says('not_found', { key: 'receiving.kitNotInShipment', params: { kit: kitNumber, shipment: shipment.reference } });
      await this.shipments.setOutcome(shipmentId, kitNumber, outcome, isoUtc(this.clock.now()), 'manual');
      await this.audit.append(actor, { action: `shipment.kit_${outcome}`, entityType: 'kit', entityId: kitNumber, before: { outcome: line.outcome }, after: { outcome, shipment: shipment.reference }, reason });
    });
  }

  /**
   * Closes the receipt: every kit must be accounted for (received, damaged or missing). Received kits become
   * available, or quarantined under a temperature alarm or when held for the pharmacist's expiry review (expired or
   * short-dated: shared/kits/expiryHold.ts, decided without the key); damaged and missing kits take those statuses.
   */
  async close(actor: Actor, shipmentId: number, temperature: Temperature, reason: string | null): Promise<{ quarantined: number; available: number }> {
    return this.store.transaction(async () => {
      const shipment = await this.requireOpen(shipmentId);
      const lines = await this.shipments.kits(shipmentId);
      const open = lines.filter((l) => l.outcome === 'expected');
      if (open.length) {
        throw VeilError.says('conflict', { key: 'receiving.notAllAccounted', params: { count: open.length, shipment: shipment.reference } });
      }
      if (temperature === 'alarm' && !(reason && reason.trim().length >= 3)) {
        throw VeilError.says('validation', { key: 'receiving.describeAlarm' }, [issue(['reason'], { key: 'receiving.describeAlarmShort' })]);
      }
      // Counted afresh on each run of the unit (on PostgreSQL it may run again after a conflict).
      const result = { quarantined: 0, available: 0 };
      const today = localDate(this.clock.now());
      for (const line of lines) {
        if (line.outcome === 'received') {
          if (temperature === 'alarm') {
            await this.kitStatus.change(actor, line.kitNumber, 'quarantined', reason, { context: { shipment: shipment.reference, temperature } });
            result.quarantined++;
          } else if (await this.heldForExpiryReview(line.kitNumber, today)) {
            // One reason and one context for every held kit, whichever rule held it: nothing here tells a blinded
            // reader of the audit trail more than that the kit is held.
            await this.kitStatus.change(actor, line.kitNumber, 'quarantined', EXPIRY_HOLD_REASON, { context: { shipment: shipment.reference, temperature, hold: 'expiry_review' } });
            result.quarantined++;
          } else {
            await this.kitStatus.change(actor, line.kitNumber, 'available', null, { context: { shipment: shipment.reference, temperature } });
            result.available++;
          }
        } else if (line.outcome === 'damaged') {
          await this.kitStatus.change(actor, line.kitNumber, 'damaged', 'Received damaged', { context: { shipment: shipment.reference } });
        } else {
          await this.kitStatus.change(actor, line.kitNumber, 'lost', 'Missing from the shipment', { context: { shipment: shipment.reference } });
        }
      }
      await this.shipments.close(shipmentId, temperature, isoUtc(this.clock.now()), actor.userId);
      await this.audit.append(actor, { action: 'shipment.closed', entityType: 'shipment', entityId: shipment.reference, after: { temperature, ...result }, reason });
      return result;
    });
  }

  /** Held at receipt: marked by the unblinded import, or its blinded use-before date is short-dated today. */
  private async heldForExpiryReview(kitNumber: string, today: string): Promise<boolean> {
    const kit = await this.kits.get(kitNumber);
    return (await this.kits.expiryHeld(kitNumber)) || (kit !== undefined && isShortDated(kit.useBefore, today, this.study().doNotDispenseMarginDays));
  }

  /** Release or reject quarantined kits (unblinded pharmacist, reason, e-signature), in one transaction. */
  async decideQuarantine(actor: Actor, signer: Signer, input: { kitNumbers: string[]; decision: 'release' | 'reject'; reason: string }, key: Buffer | null = null): Promise<{ signatureId: number }> {
    return this.store.transaction(async () => {
      const record = { action: `quarantine.${input.decision}`, kits: [...input.kitNumbers].sort(compareKitNumbers), reason: input.reason };
      const signature = await this.signatures.record(signer, 'quarantine_decision', record.kits.join(','), record);
      for (const kitNumber of record.kits) {
        const kit = await this.kits.get(kitNumber);
        if (!kit || kit.status !== 'quarantined') throw VeilError.says('conflict', { key: 'receiving.notInQuarantine', params: { kit: kitNumber } });
        if (input.decision === 'release') {
          // An expired or short-dated kit never goes back to dispensable stock; a kit held because its blinded date
          // is short-dated comes back once the pharmacist has confirmed the moved date (UseBeforeService).
          const today = localDate(this.clock.now());
          const margin = this.study().doNotDispenseMarginDays;
          const sealed = await this.kits.sealed(kitNumber);
          if (!key || !sealed) throw VeilError.says('forbidden', { key: 'receiving.releaseNeedsKey' });
          if ((await this.kits.expiryHeld(kitNumber)) || isShortDated(open(key, sealed.expirySealed, sealedField.kitExpiry(kitNumber)), today, margin)) {
            throw VeilError.says('conflict', { key: 'receiving.kitExpiredNoRelease', params: { kit: kitNumber } });
          }
          if (isShortDated(kit.useBefore, today, margin)) {
            throw VeilError.says('conflict', { key: 'receiving.kitLabelShortDated', params: { kit: kitNumber, date: kit.useBefore } });
          }
        }
        await this.kitStatus.change(actor, kitNumber, input.decision === 'release' ? 'available' : 'damaged', input.reason, { signatureId: signature.id, context: { decision: input.decision } });
      }
      return { signatureId: signature.id };
    });
  }

  /** The running count the receiving screen shows after each scan. */
  async counts(shipmentId: number) {
    const kits = await this.shipments.kits(shipmentId);
    const count = (o: ShipmentOutcome) => kits.filter((k) => k.outcome === o).length;
    return { total: kits.length, received: count('received'), damaged: count('damaged'), missing: count('missing'), expected: count('expected') };
  }

  async view(shipmentId: number) {
    const shipment = await this.shipments.get(shipmentId);
    if (!shipment) throw VeilError.says('not_found', { key: 'receiving.noSuchShipment', params: { id: shipmentId } });
    const status = new Map((await this.kits.all()).map((k) => [k.kitNumber, k.status]));
    const kits = (await this.shipments.kits(shipmentId)).sort((a, b) => compareKitNumbers(a.kitNumber, b.kitNumber));
    return { ...shipment, counts: await this.counts(shipmentId), kits: kits.map((k) => ({ ...k, status: status.get(k.kitNumber)! })) };
  }

  async list() {
    const views = [];
    for (const s of await this.shipments.list()) views.push(await this.view(s.id));
    return views;
  }

  private async requireOpen(shipmentId: number) {
    const shipment = await this.shipments.get(shipmentId);
    if (!shipment) throw VeilError.says('not_found', { key: 'receiving.noSuchShipment', params: { id: shipmentId } });
    if (shipment.closedAt) throw VeilError.says('conflict', { key: 'receiving.alreadyClosed', params: { shipment: shipment.reference } });
    return shipment;
  }

  /** A shipment from a manifest CSV, the listed kits or every kit not yet shipped; returns its id. */
  async createFrom(actor: Actor, reference: string, from: { kind: 'manifest'; content: string } | { kind: 'kits'; kitNumbers: string[] } | { kind: 'all_unshipped' }): Promise<number> {
    const kitNumbers = from.kind === 'manifest' ? ReceivingService.manifestKitNumbers(from.content) : from.kind === 'kits' ? from.kitNumbers : await this.unshippedKitNumbers();
    return this.create(actor, { reference, kitNumbers });
  }
}
