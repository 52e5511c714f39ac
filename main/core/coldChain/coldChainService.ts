import { createHash } from 'node:crypto';
import { compareKitNumbers } from '../../../shared/allocation/kitOrder';
import { issue, VeilError } from '../../../shared/errors';
import { isShortDated } from '../../../shared/kits/expiryHold';
import { KIT_TRANSITIONS, label, type KitStatus } from '../../../shared/kits/kitLifecycle';
import type { Role } from '../../../shared/roles';
import { localDate } from '../../../shared/schedule/visitSchedule';
import type { StudyConfig } from '../../../shared/study/studyConfig';
import type { AuditTrail } from '../audit/auditTrail';
import { isoUtc, type Clock } from '../clock';
import { open, sealedField } from '../crypto/allocationCipher';
import type { Store } from '../db/store';
import type { Signer, SignatureService } from '../signatures/signatureService';
import type { ColdChainRepository, ExcursionRow, LocationKind, LocationRow } from './coldChainRepository';
import { detectExcursions, exposureSeconds, minMaxExcursion, type Excursion } from './excursions';
import { parseLoggerFile } from './loggerFile';
import { inStudy } from '../study/callStudy';

export type Actor = { userId: number; username: string; role: Role };

/** Statuses of a kit the pharmacy holds: those may be put away and moved. */
const HELD: ReadonlySet<string> = new Set(['available', 'quarantined', 'damaged', 'expired', 'returned', 'pending_destruction']);

export const EXCURSION_DISPOSITION_RECORD = 'excursion_disposition';
const EXCURSION_REASON = 'Temperature excursion: pending assessment';

export interface LocationInput {
  id?: number | undefined;
  name: string;
  kind: LocationKind;
  minCelsius: number;
  maxCelsius: number;
  calibrationDue: string | null;
  barcode: string;
}

const centiOf = (celsius: number) => Math.round(celsius * 100);
const celsiusOf = (centi: number) => centi / 100;
const iso = (ms: number) => new Date(ms).toISOString();

/**
 * The cold chain (issue 15, items 1-3; DESIGN.md section 5): storage locations, where each kit is, temperature records
 * (logger files, hand-entered min/max) and excursion cases. An excursion quarantines, in the unit of work that brought
 * its readings in, every kit that was in the location during it; the sponsor's disposition per kit is e-signed.
 * Everything here names kits by number only: no arm, real lot or real expiry leaves it (the release check opens the
 * real expiry with the session's key and answers yes or no).
 */
export class ColdChainService {
  constructor(
    private readonly store: Store,
    private readonly repo: ColdChainRepository,
    private readonly audit: AuditTrail,
    private readonly signatures: SignatureService,
    private readonly clock: Clock,
    private readonly study: () => StudyConfig,
    /** The ids of the site's studies: an excursion reaches the kits of each. */
    private readonly studies: () => readonly number[],
  ) {}

  private async requireLocation(id: number): Promise<LocationRow> {
    const location = await this.repo.location(id);
    if (!location) throw VeilError.says('not_found', { key: 'coldChain.noSuchLocation', params: { id } });
    return location;
  }

  private static view(l: LocationRow) {
    return { id: l.id, name: l.name, kind: l.kind, minCelsius: celsiusOf(l.minCenti), maxCelsius: celsiusOf(l.maxCenti), calibrationDue: l.calibrationDue, barcode: l.barcode };
  }

  /** Each location with its kits now, its last reading and whether that reading is in range, its open cases. */
  async locations() {
    const counts = await this.repo.kitCounts();
    const openCases = new Map<number, number>();
    for (const c of await this.cases()) if (c.open) openCases.set(c.locationId, (openCases.get(c.locationId) ?? 0) + 1);
    const views = [];
    for (const l of await this.repo.locations()) {
      const last = await this.repo.lastReading(l.id);
      views.push({
        ...ColdChainService.view(l),
        kitCount: counts.get(l.id) ?? 0,
        lastReading: last ? { at: iso(last.atMs), celsius: celsiusOf(last.centi), inRange: last.centi >= l.minCenti && last.centi <= l.maxCenti } : null,
        openExcursions: openCases.get(l.id) ?? 0,
      });
    }
    return views;
  }

  /** Creates a location, or changes one (`id`): name and barcode unique, the range's minimum below its maximum. */
  async saveLocation(actor: Actor, input: LocationInput) {
    const minCenti = centiOf(input.minCelsius);
    const maxCenti = centiOf(input.maxCelsius);
    if (minCenti >= maxCenti) throw VeilError.says('validation', { key: 'coldChain.rangeInverted' }, [issue(['minCelsius'], { key: 'coldChain.rangeInvertedShort' })]);
    return this.store.transaction(async () => {
      const before = input.id !== undefined ? await this.requireLocation(input.id) : undefined;
      const sameName = await this.repo.locationByName(input.name);
      if (sameName && sameName.id !== input.id) throw VeilError.says('conflict', { key: 'coldChain.nameTaken', params: { name: input.name } });
      const sameCode = await this.repo.locationByBarcode(input.barcode);
      if (sameCode && sameCode.id !== input.id) throw VeilError.says('conflict', { key: 'coldChain.barcodeTaken', params: { code: input.barcode, name: sameCode.name } });
      const values = { name: input.name, kind: input.kind, minCenti, maxCenti, calibrationDue: input.calibrationDue, barcode: input.barcode };
      let id: number;
      if (before) {
        id = before.id;
        await this.repo.updateLocation({ id, ...values });
      } else {
        id = await this.repo.insertLocation({ ...values, createdAt: isoUtc(this.clock.now()) });
      }
      const after = (await this.repo.location(id))!;
      await this.audit.append(actor, {
        action: before ? 'storage_location.changed' : 'storage_location.created',
        entityType: 'storage_location',
        entityId: String(id),
        ...(before ? { before: ColdChainService.view(before) } : {}),
        after: ColdChainService.view(after),
      });
      return ColdChainService.view(after);
    });
  }

  /**
   * Puts kits away into a location, named by its barcode (scanned) or id, or moves them there from another: each kit
   * one audited move, all of them one unit of work (a refused kit leaves every kit where it was).
   */
  async putAway(actor: Actor, input: { location: { barcode: string } | { id: number }; kitNumbers: string[]; source: string }) {
    return this.store.transaction(async () => {
      const location =
        'barcode' in input.location ? await this.repo.locationByBarcode(input.location.barcode) : await this.requireLocation(input.location.id);
      if (!location) throw VeilError.says('not_found', { key: 'coldChain.unknownLocationCode', params: { code: 'barcode' in input.location ? input.location.barcode : '' } });
      const nowMs = this.clock.now().getTime();
      const kits = [...new Set(input.kitNumbers)].sort(compareKitNumbers);
      for (const kitNumber of kits) {
        const kit = await this.repo.kit(kitNumber);
        if (!kit) throw VeilError.says('not_found', { key: 'coldChain.unknownKit', params: { kit: kitNumber } });
        if (!HELD.has(kit.status)) throw VeilError.says('conflict', { key: 'coldChain.notStorable', params: { kit: kitNumber, status: label(kit.status as KitStatus) } });
        const stay = await this.repo.currentStay(kitNumber);
        if (stay?.locationId === location.id) throw VeilError.says('conflict', { key: 'coldChain.alreadyThere', params: { kit: kitNumber, location: location.name } });
        const from = stay ? await this.repo.location(stay.locationId) : undefined;
        if (stay) await this.repo.endStay(stay.id, nowMs);
        await this.repo.startStay(kitNumber, location.id, nowMs, actor.userId);
        await this.audit.append(actor, {
          action: stay ? 'kit.moved' : 'kit.put_away',
          entityType: 'kit',
          entityId: kitNumber,
          ...(from ? { before: { location: from.name } } : {}),
          after: { location: location.name },
          source: input.source,
        });
      }
      return { location: ColdChainService.view(location), kitNumbers: kits };
    });
  }

  /** Where kits are now, in kit-number order, with each kit's cumulative time out of range. */
  async kitLocations(locationId?: number) {
    const stays = await this.repo.currentStays(locationId);
    const statuses = await this.repo.kitStatuses(stays.map((s) => s.kitNumber));
    const held = stays.filter((s) => HELD.has(statuses.get(s.kitNumber) ?? ''));
    const exposure = await this.repo.cumulativeExposure(held.map((s) => s.kitNumber));
    return held
      .map((s) => ({ kitNumber: s.kitNumber, locationId: s.locationId, location: s.locationName, since: iso(s.fromMs), secondsOutOfRange: exposure.get(s.kitNumber) ?? 0 }))
      .sort((a, b) => compareKitNumbers(a.kitNumber, b.kitNumber));
  }

  /**
   * Each excursion found becomes a case: every kit in the location during it is listed with its exposure; kits
   * available then are quarantined pending assessment (the lifecycle's available -> quarantined step). This is the
   * rule's consequence, not a person's judgement: it happens whoever brought the readings in (the technician who
   * downloaded the logger), as the alarm answer at receipt quarantines a shipment.
   *
   * A fridge holds kits of several studies (issue 14): the case (location, times, temperatures) is the site's, and
   * each study's kits are quarantined and listed in that study, by an `excursion.kits_reached` event naming it, so a
   * reader of one study does not learn which kits of another were in the fridge.
   */
  private async openCases(actor: Actor, location: LocationRow, found: Excursion[], origin: { importId: number } | { manualReadingId: number }) {
    const ids: number[] = [];
    const createdAt = isoUtc(this.clock.now());
    for (const e of found) {
      const id = await this.repo.insertExcursion({
        locationId: location.id,
        importId: 'importId' in origin ? origin.importId : null,
        manualReadingId: 'manualReadingId' in origin ? origin.manualReadingId : null,
        startMs: e.startMs,
        endMs: e.endMs,
        ongoing: e.ongoing,
        direction: e.direction,
        worstCenti: e.worstCenti,
        minCenti: location.minCenti,
        maxCenti: location.maxCenti,
        createdAt,
      });
      ids.push(id);
      for (const studyId of this.studies()) await inStudy(studyId, () => this.reachKitsOfStudy(actor, id, location, e));
      await this.audit.append(actor, {
        action: 'excursion.opened',
        entityType: 'excursion',
        entityId: String(id),
        after: {
          location: location.name,
          start: iso(e.startMs),
          end: iso(e.endMs),
          ongoing: e.ongoing,
          durationSeconds: e.durationSeconds,
          direction: e.direction,
          worstCelsius: celsiusOf(e.worstCenti),
          range: [celsiusOf(location.minCenti), celsiusOf(location.maxCenti)],
        },
      });
    }
    return ids;
  }

  /** The kits of the call's study that the excursion reached: listed with their exposure, those available quarantined. */
  private async reachKitsOfStudy(actor: Actor, excursionId: number, location: LocationRow, e: Excursion): Promise<void> {
    const stays = await this.repo.staysDuring(location.id, e.startMs, e.endMs);
    const kitNumbers = [...new Set(stays.map((s) => s.kitNumber))].sort(compareKitNumbers);
    const statuses = await this.repo.kitStatuses(kitNumbers);
    const dispensedAt = await this.repo.dispensedAt(kitNumbers);
    const reached: Array<{ kitNumber: string; seconds: number; status: string; quarantined: boolean }> = [];
    for (const kitNumber of kitNumbers) {
      // A dispensed kit's stay ends when it left with the patient.
      const left = dispensedAt.get(kitNumber);
      let seconds: number | null = null;
      for (const s of stays.filter((x) => x.kitNumber === kitNumber)) {
        const toMs = s.toMs ?? (left ? Date.parse(left) : null);
        const part = exposureSeconds({ fromMs: s.fromMs, toMs }, e);
        if (part !== null) seconds = (seconds ?? 0) + part;
      }
      if (seconds === null) continue;
      const status = statuses.get(kitNumber)!;
      const quarantine = status === 'available' || status === 'quarantined';
      await this.repo.insertExcursionKit({ excursionId, kitNumber, exposureSeconds: seconds, statusThen: status, quarantined: quarantine });
      if (status === 'available') await this.changeStatus(actor, kitNumber, 'available', 'quarantined', EXCURSION_REASON, { excursion: excursionId, location: location.name });
      reached.push({ kitNumber, seconds, status, quarantined: quarantine });
    }
    if (reached.length === 0) return;
    await this.audit.append(actor, {
      action: 'excursion.kits_reached',
      entityType: 'excursion',
      entityId: String(excursionId),
      after: { location: location.name, kits: reached.map((r) => ({ kit: r.kitNumber, seconds: r.seconds, status: r.status, quarantined: r.quarantined })) },
    });
  }

  /** A status change on the lifecycle table's path, written with its audit event as KitStatusService writes it. */
  private async changeStatus(actor: Actor, kitNumber: string, from: KitStatus, to: KitStatus, reason: string, context: Record<string, unknown>, signatureId: number | null = null) {
    const step = KIT_TRANSITIONS.find((t) => t.from === from && t.to === to);
    if (!step) throw VeilError.says('conflict', { key: 'coldChain.kitNotHeld', params: { kit: kitNumber, status: label(from) } });
    await this.repo.setKitStatus(kitNumber, to);
    await this.audit.append(actor, {
      action: 'kit.status_changed',
      entityType: 'kit',
      entityId: kitNumber,
      before: { status: from },
      after: { status: to, step: step.step, ...context },
      reason,
      signatureId,
    });
  }

  /**
   * Imports a logger file for a location: parsed whole first (a refused file changes nothing), then the readings, the
   * excursions and the quarantine of every kit they reached in ONE unit of work. The same file twice (by SHA-256 of
   * its bytes) adds nothing and says when it came in; readings already recorded (a file overlapping an earlier
   * download) are not counted twice.
   */
  async importLog(actor: Actor, input: { locationId: number; fileName: string; content: string }) {
    const sha256 = createHash('sha256').update(input.content, 'utf8').digest('hex');
    const location = await this.requireLocation(input.locationId);
    const parsed = parseLoggerFile(input.content, { minCenti: location.minCenti, maxCenti: location.maxCenti });
    return this.store.transaction(async () => {
      const earlier = await this.repo.importBySha(sha256);
      if (earlier) {
        return { importId: earlier.id, duplicateOf: { importedAt: earlier.importedAt, fileName: earlier.fileName }, readings: 0, excursionIds: [] as number[] };
      }
      const current = await this.requireLocation(input.locationId);
      const firstMs = parsed.atMs[0]!;
      const lastMs = parsed.atMs[parsed.atMs.length - 1]!;
      const known = await this.repo.readingTimes(current.id, firstMs, lastMs);
      let atMs = parsed.atMs;
      let centi = parsed.centi;
      if (known.size > 0) {
        const keep = parsed.atMs.map((t) => !known.has(t));
        atMs = parsed.atMs.filter((_, i) => keep[i]);
        centi = parsed.centi.filter((_, i) => keep[i]);
      }
      const importId = await this.repo.insertImport({ locationId: current.id, fileName: input.fileName, sha256, format: parsed.format, readingCount: atMs.length, firstMs, lastMs, importedAt: isoUtc(this.clock.now()), userId: actor.userId });
      await this.repo.insertReadings(current.id, importId, atMs, centi);
      const found = detectExcursions(atMs, centi, current);
      const excursionIds = await this.openCases(actor, current, found, { importId });
      await this.audit.append(actor, {
        action: 'temperature_log.imported',
        entityType: 'storage_location',
        entityId: String(current.id),
        after: { location: current.name, file: input.fileName, sha256, format: parsed.format, unit: parsed.unit, readings: atMs.length, alreadyRecorded: parsed.atMs.length - atMs.length, from: iso(firstMs), to: iso(lastMs), excursions: excursionIds },
      });
      return { importId, duplicateOf: null, readings: atMs.length, excursionIds };
    });
  }

  /** A hand-entered min/max reading (twice a day): out of range, it opens a case from the previous check to this one. */
  async recordMinMax(actor: Actor, input: { locationId: number; readAt: string; minCelsius: number; maxCelsius: number }) {
    const minCenti = centiOf(input.minCelsius);
    const maxCenti = centiOf(input.maxCelsius);
    if (minCenti > maxCenti) throw VeilError.says('validation', { key: 'coldChain.minAboveMax' }, [issue(['minCelsius'], { key: 'coldChain.minAboveMaxShort' })]);
    const readMs = Date.parse(input.readAt);
    if (readMs > this.clock.now().getTime() + 60_000) throw VeilError.says('validation', { key: 'coldChain.readingInFuture' }, [issue(['readAt'], { key: 'coldChain.readingInFuture' })]);
    return this.store.transaction(async () => {
      const location = await this.requireLocation(input.locationId);
      const previous = await this.repo.previousManualReading(location.id, readMs);
      const id = await this.repo.insertManualReading({ locationId: location.id, readMs, minCenti, maxCenti, userId: actor.userId, recordedAt: isoUtc(this.clock.now()) });
      const excursion = minMaxExcursion(previous, readMs, minCenti, maxCenti, location);
      const excursionIds = excursion ? await this.openCases(actor, location, [excursion], { manualReadingId: id }) : [];
      await this.audit.append(actor, {
        action: 'temperature_minmax.recorded',
        entityType: 'storage_location',
        entityId: String(location.id),
        after: { location: location.name, readAt: iso(readMs), minCelsius: celsiusOf(minCenti), maxCelsius: celsiusOf(maxCenti), excursions: excursionIds },
      });
      return { readingId: id, excursionIds };
    });
  }

  private async caseView(e: ExcursionRow, location: LocationRow | undefined, withKits: boolean) {
    const kits = await this.repo.excursionKits(e.id);
    const statuses = await this.repo.kitStatuses(kits.map((k) => k.kitNumber));
    const cumulative = await this.repo.cumulativeExposure(kits.map((k) => k.kitNumber));
    const pending = kits.filter((k) => k.quarantined && k.disposition === null).length;
    return {
      id: e.id,
      locationId: e.locationId,
      location: location?.name ?? '',
      source: e.importId !== null ? ('logger' as const) : ('min_max' as const),
      start: iso(e.startMs),
      end: iso(e.endMs),
      ongoing: e.ongoing,
      durationSeconds: Math.round((e.endMs - e.startMs) / 1000),
      direction: e.direction,
      worstCelsius: celsiusOf(e.worstCenti),
      range: { minCelsius: celsiusOf(e.minCenti), maxCelsius: celsiusOf(e.maxCenti) },
      openedAt: e.createdAt,
      kitCount: kits.length,
      pendingAssessment: pending,
      open: pending > 0,
      ...(withKits
        ? {
            kits: kits
              .map((k) => ({
                kitNumber: k.kitNumber,
                statusThen: k.statusThen as KitStatus,
                status: (statuses.get(k.kitNumber) ?? k.statusThen) as KitStatus,
                quarantined: k.quarantined,
                secondsInExcursion: k.exposureSeconds,
                cumulativeSecondsOutOfRange: cumulative.get(k.kitNumber) ?? k.exposureSeconds,
                disposition: k.disposition,
                dispositionReason: k.dispositionReason,
                dispositionAt: k.dispositionAt,
                dispositionBy: k.dispositionBy,
              }))
              .sort((a, b) => compareKitNumbers(a.kitNumber, b.kitNumber)),
          }
        : {}),
    };
  }

  /** Excursion cases, newest first, with their counts (no kit list). */
  /** A location's logger readings over the last `days` up to its last one, thinned to at most 2,000 points for a chart. */
  async readings(locationId: number, days = 7) {
    const location = await this.requireLocation(locationId);
    const range = { minCelsius: celsiusOf(location.minCenti), maxCelsius: celsiusOf(location.maxCenti) };
    const last = await this.repo.lastReading(location.id);
    if (!last) return { range, readings: [] };
    const all = await this.repo.readings(location.id, last.atMs - days * 86_400_000, last.atMs);
    const step = Math.max(1, Math.ceil(all.length / 2000));
    // Thinning keeps the last reading (the chart ends where the location is now) and every reading out of range, so an
    // excursion never disappears from the chart.
    const kept = all.filter((r, i) => i % step === 0 || i === all.length - 1 || r.centi < location.minCenti || r.centi > location.maxCenti);
    return { range, readings: kept.map((r) => ({ at: iso(r.atMs), celsius: celsiusOf(r.centi) })) };
  }

  async cases(locationId?: number) {
    const locations = new Map((await this.repo.locations()).map((l) => [l.id, l]));
    const views = [];
    for (const e of await this.repo.excursions(locationId)) views.push(await this.caseView(e, locations.get(e.locationId), false));
    return views;
  }

  /** One excursion case: its data, its kits by number with their exposure, the readings around it for the chart. */
  async excursionCase(id: number) {
    const e = await this.repo.excursion(id);
    if (!e) throw VeilError.says('not_found', { key: 'coldChain.noSuchExcursion', params: { id } });
    const location = await this.repo.location(e.locationId);
    const view = await this.caseView(e, location, true);
    const margin = Math.max(3_600_000, e.endMs - e.startMs);
    const readings = await this.repo.readings(e.locationId, e.startMs - margin, e.endMs + margin);
    // At most 2,000 points for the chart: every n-th reading, the excursion's own readings kept whole when they fit.
    const step = Math.max(1, Math.ceil(readings.length / 2000));
    const chart = readings.filter((r, i) => i % step === 0 || (step > 1 && r.atMs >= e.startMs && r.atMs <= e.endMs && readings.length <= 4000));
    return { ...view, kits: view.kits!, readings: chart.map((r) => ({ at: iso(r.atMs), celsius: celsiusOf(r.centi) })) };
  }

  /**
   * The sponsor's disposition per kit, e-signed (21 CFR 11.50), in one unit of work: release to stock (the kit's real
   * expiry checked with the session's key, as any release from quarantine; a kit another open case still holds stays in
   * quarantine) or damaged (set aside for destruction).
   */
  async dispose(actor: Actor, signer: Signer, input: { excursionId: number; kitNumbers: string[]; decision: 'release' | 'damaged'; reason: string }, key: Buffer | null) {
    return this.store.transaction(async () => {
      const e = await this.repo.excursion(input.excursionId);
      if (!e) throw VeilError.says('not_found', { key: 'coldChain.noSuchExcursion', params: { id: input.excursionId } });
      const inCase = new Map((await this.repo.excursionKits(e.id)).map((k) => [k.kitNumber, k]));
      const kits = [...new Set(input.kitNumbers)].sort(compareKitNumbers);
      const today = localDate(this.clock.now());
      const margin = this.study().doNotDispenseMarginDays;
      for (const kitNumber of kits) {
        const row = inCase.get(kitNumber);
        if (!row) throw VeilError.says('not_found', { key: 'coldChain.kitNotInCase', params: { kit: kitNumber, id: e.id } });
        if (row.disposition) throw VeilError.says('conflict', { key: 'coldChain.alreadyDecided', params: { kit: kitNumber, decision: row.disposition } });
        const kit = (await this.repo.kit(kitNumber))!;
        if (!row.quarantined || kit.status !== 'quarantined') throw VeilError.says('conflict', { key: 'coldChain.kitNotHeld', params: { kit: kitNumber, status: label(kit.status as KitStatus) } });
        if (input.decision === 'release') {
          if (!key) throw VeilError.says('forbidden', { key: 'coldChain.releaseNeedsKey' });
          if (kit.expiryHeld || isShortDated(open(key, kit.expirySealed, sealedField.kitExpiry(kitNumber)), today, margin) || isShortDated(kit.useBefore, today, margin)) {
            throw VeilError.says('conflict', { key: 'coldChain.kitExpiredNoRelease', params: { kit: kitNumber } });
          }
        }
      }
      const record = { action: `excursion.${input.decision}`, excursion: e.id, kits, reason: input.reason };
      const signature = await this.signatures.record(signer, EXCURSION_DISPOSITION_RECORD, `${e.id}:${kits.join(',')}`, record);
      const at = isoUtc(this.clock.now());
      for (const kitNumber of kits) {
        await this.repo.recordDisposition({ excursionId: e.id, kitNumber, disposition: input.decision, reason: input.reason, at, userId: actor.userId, signatureId: signature.id });
        await this.audit.append(actor, {
          action: 'excursion.disposition',
          entityType: 'kit',
          entityId: kitNumber,
          after: { excursion: e.id, decision: input.decision, secondsInExcursion: inCase.get(kitNumber)!.exposureSeconds },
          reason: input.reason,
          signatureId: signature.id,
        });
        if (input.decision === 'damaged') await this.changeStatus(actor, kitNumber, 'quarantined', 'damaged', input.reason, { excursion: e.id, decision: 'damaged' }, signature.id);
        else if ((await this.repo.otherOpenHolds(kitNumber, e.id)) === 0) await this.changeStatus(actor, kitNumber, 'quarantined', 'available', input.reason, { excursion: e.id, decision: 'release' }, signature.id);
      }
      return { signatureId: signature.id, case: await this.excursionCase(e.id) };
    });
  }
}
