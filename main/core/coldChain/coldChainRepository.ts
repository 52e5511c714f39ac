import { sql, type CompiledQuery, type Selectable } from 'kysely';
import type { Store } from '../db/store';
import type { ExcursionsTable } from '../db/tables';
import type { StudyScope } from '../study/studyScope';

export const LOCATION_KINDS = ['fridge', 'freezer', 'cabinet', 'quarantine_shelf'] as const;
export type LocationKind = (typeof LOCATION_KINDS)[number];

export interface LocationRow {
  id: number;
  name: string;
  kind: LocationKind;
  minCenti: number;
  maxCenti: number;
  calibrationDue: string | null;
  barcode: string;
  createdAt: string;
}

export interface StayRow {
  id: number;
  kitNumber: string;
  locationId: number;
  fromMs: number;
  toMs: number | null;
}

export interface ImportRow {
  id: number;
  locationId: number;
  fileName: string;
  sha256: string;
  format: string;
  readingCount: number;
  firstMs: number;
  lastMs: number;
  importedAt: string;
}

export interface ExcursionRow {
  id: number;
  locationId: number;
  importId: number | null;
  manualReadingId: number | null;
  startMs: number;
  endMs: number;
  ongoing: boolean;
  direction: 'above' | 'below';
  worstCenti: number;
  minCenti: number;
  maxCenti: number;
  createdAt: string;
}

export interface ExcursionKitRow {
  excursionId: number;
  kitNumber: string;
  exposureSeconds: number;
  statusThen: string;
  quarantined: boolean;
  disposition: 'release' | 'damaged' | null;
  dispositionReason: string | null;
  dispositionAt: string | null;
  dispositionBy: string | null;
  dispositionSignatureId: number | null;
}

/** What the cold chain reads of a kit: its status and the facts a release checks. Never an arm. */
export interface KitFacts {
  kitNumber: string;
  status: string;
  useBefore: string;
  expirySealed: string;
  expiryHeld: boolean;
}

/** Rows per INSERT of readings: 4 values each, well under SQLite's 32,766 and PostgreSQL's 65,535 parameters. */
const READINGS_PER_INSERT = 2000;

/**
 * Every SQL statement of the cold chain (issue 15): storage locations, where kits stay, logger imports, readings,
 * hand-entered min/max readings, excursions and the kits they reached. On the Store, both engines. The kits table is
 * read and its status written here through Kysely (not through KitRepository, which is moving onto the Store).
 *
 * Locations, temperatures and excursions are the site's; kits, their stays and their exposures are the scope's study's
 * (issue 14): kit 1001 of another study in the same fridge is never read or written here.
 */
export class ColdChainRepository {
  constructor(
    private readonly store: Store,
    private readonly study: StudyScope,
  ) {}

  private static location(r: { id: number; name: string; kind: string; min_centi: number; max_centi: number; calibration_due: string | null; barcode: string; created_at: string }): LocationRow {
    return { id: r.id, name: r.name, kind: r.kind as LocationKind, minCenti: r.min_centi, maxCenti: r.max_centi, calibrationDue: r.calibration_due, barcode: r.barcode, createdAt: r.created_at };
  }

  async locations(): Promise<LocationRow[]> {
    const rows = await this.store.q().selectFrom('storage_locations').selectAll().orderBy('id').execute();
    return rows.map(ColdChainRepository.location);
  }

  async location(id: number): Promise<LocationRow | undefined> {
    const row = await this.store.q().selectFrom('storage_locations').selectAll().where('id', '=', id).executeTakeFirst();
    return row ? ColdChainRepository.location(row) : undefined;
  }

  async locationByBarcode(barcode: string): Promise<LocationRow | undefined> {
    const row = await this.store.q().selectFrom('storage_locations').selectAll().where('barcode', '=', barcode).executeTakeFirst();
    return row ? ColdChainRepository.location(row) : undefined;
  }

  async locationByName(name: string): Promise<LocationRow | undefined> {
    const row = await this.store.q().selectFrom('storage_locations').selectAll().where('name', '=', name).executeTakeFirst();
    return row ? ColdChainRepository.location(row) : undefined;
  }

  async insertLocation(l: Omit<LocationRow, 'id'>): Promise<number> {
    const row = await this.store
      .q()
      .insertInto('storage_locations')
      .values({ name: l.name, kind: l.kind, min_centi: l.minCenti, max_centi: l.maxCenti, calibration_due: l.calibrationDue, barcode: l.barcode, created_at: l.createdAt })
      .returning('id')
      .executeTakeFirstOrThrow();
    return row.id;
  }

  async updateLocation(l: Omit<LocationRow, 'createdAt'>): Promise<void> {
    await this.store
      .q()
      .updateTable('storage_locations')
      .set({ name: l.name, kind: l.kind, min_centi: l.minCenti, max_centi: l.maxCenti, calibration_due: l.calibrationDue, barcode: l.barcode })
      .where('id', '=', l.id)
      .execute();
  }

  /** A kit's status and release facts, read from the kits table. */
  async kit(kitNumber: string): Promise<KitFacts | undefined> {
    const row = await this.store
      .q()
      .selectFrom('kits')
      .select(['kit_number', 'status', 'use_before', 'expiry_sealed', 'expiry_hold'])
      .where('study_id', '=', this.study.id())
      .where('kit_number', '=', kitNumber)
      .executeTakeFirst();
    return row ? { kitNumber: row.kit_number, status: row.status, useBefore: row.use_before, expirySealed: row.expiry_sealed, expiryHeld: row.expiry_hold === 1 } : undefined;
  }

  async kitStatuses(kitNumbers: readonly string[]): Promise<Map<string, string>> {
    if (kitNumbers.length === 0) return new Map();
    const rows = await this.store.q().selectFrom('kits').select(['kit_number', 'status']).where('study_id', '=', this.study.id()).where('kit_number', 'in', [...kitNumbers]).execute();
    return new Map(rows.map((r) => [r.kit_number, r.status]));
  }

  /** The kit's status written (the caller checks the lifecycle and appends the audit event in the same unit of work). */
  async setKitStatus(kitNumber: string, status: string): Promise<void> {
    await this.store.q().updateTable('kits').set({ status }).where('study_id', '=', this.study.id()).where('kit_number', '=', kitNumber).execute();
  }

  async currentStay(kitNumber: string): Promise<StayRow | undefined> {
    const row = await this.store
      .q()
      .selectFrom('kit_stays')
      .select(['id', 'kit_number', 'location_id', 'from_ms', 'to_ms'])
      .where('study_id', '=', this.study.id())
      .where('kit_number', '=', kitNumber)
      .where('to_ms', 'is', null)
      .executeTakeFirst();
    return row ? { id: row.id, kitNumber: row.kit_number, locationId: row.location_id, fromMs: row.from_ms, toMs: row.to_ms } : undefined;
  }

  async endStay(stayId: number, toMs: number): Promise<void> {
    await this.store.q().updateTable('kit_stays').set({ to_ms: toMs }).where('id', '=', stayId).where('study_id', '=', this.study.id()).execute();
  }

  async startStay(kitNumber: string, locationId: number, fromMs: number, userId: number): Promise<void> {
    await this.store.q().insertInto('kit_stays').values({ study_id: this.study.id(), kit_number: kitNumber, location_id: locationId, from_ms: fromMs, to_ms: null, user_id: userId }).execute();
  }

  /** Every stay of the study's kits in a location that had not ended by `fromMs` and had begun by `toMs`. */
  async staysDuring(locationId: number, fromMs: number, toMs: number): Promise<StayRow[]> {
    const rows = await this.store
      .q()
      .selectFrom('kit_stays')
      .select(['id', 'kit_number', 'location_id', 'from_ms', 'to_ms'])
      .where('study_id', '=', this.study.id())
      .where('location_id', '=', locationId)
      .where('from_ms', '<=', toMs)
      .where((eb) => eb.or([eb('to_ms', 'is', null), eb('to_ms', '>', fromMs)]))
      .orderBy('id')
      .execute();
    return rows.map((r) => ({ id: r.id, kitNumber: r.kit_number, locationId: r.location_id, fromMs: r.from_ms, toMs: r.to_ms }));
  }

  /** Where each of the study's kits is now (its open stay), with the location's name. */
  async currentStays(locationId?: number): Promise<Array<StayRow & { locationName: string }>> {
    let query = this.store
      .q()
      .selectFrom('kit_stays as s')
      .innerJoin('storage_locations as l', 'l.id', 's.location_id')
      .select(['s.id', 's.kit_number', 's.location_id', 's.from_ms', 's.to_ms', 'l.name'])
      .where('s.study_id', '=', this.study.id())
      .where('s.to_ms', 'is', null);
    if (locationId !== undefined) query = query.where('s.location_id', '=', locationId);
    const rows = await query.execute();
    return rows.map((r) => ({ id: r.id, kitNumber: r.kit_number, locationId: r.location_id, fromMs: r.from_ms, toMs: r.to_ms, locationName: r.name }));
  }

  /** How many of the study's kits each location holds now. */
  async kitCounts(): Promise<Map<number, number>> {
    const rows = await this.store
      .q()
      .selectFrom('kit_stays')
      .select(['location_id', (eb) => eb.fn.countAll<number>().as('n')])
      .where('study_id', '=', this.study.id())
      .where('to_ms', 'is', null)
      .groupBy('location_id')
      .execute();
    return new Map(rows.map((r) => [r.location_id, Number(r.n)]));
  }

  async importBySha(sha256: string): Promise<ImportRow | undefined> {
    const r = await this.store.q().selectFrom('temperature_imports').selectAll().where('sha256', '=', sha256).executeTakeFirst();
    return r
      ? { id: r.id, locationId: r.location_id, fileName: r.file_name, sha256: r.sha256, format: r.format, readingCount: r.reading_count, firstMs: r.first_ms, lastMs: r.last_ms, importedAt: r.imported_at }
      : undefined;
  }

  async importById(id: number): Promise<ImportRow | undefined> {
    const r = await this.store.q().selectFrom('temperature_imports').selectAll().where('id', '=', id).executeTakeFirst();
    return r
      ? { id: r.id, locationId: r.location_id, fileName: r.file_name, sha256: r.sha256, format: r.format, readingCount: r.reading_count, firstMs: r.first_ms, lastMs: r.last_ms, importedAt: r.imported_at }
      : undefined;
  }

  async insertImport(i: Omit<ImportRow, 'id'> & { userId: number }): Promise<number> {
    const row = await this.store
      .q()
      .insertInto('temperature_imports')
      .values({ location_id: i.locationId, file_name: i.fileName, sha256: i.sha256, format: i.format, reading_count: i.readingCount, first_ms: i.firstMs, last_ms: i.lastMs, imported_at: i.importedAt, user_id: i.userId })
      .returning('id')
      .executeTakeFirstOrThrow();
    return row.id;
  }

  async setImportCount(importId: number, readingCount: number): Promise<void> {
    await this.store.q().updateTable('temperature_imports').set({ reading_count: readingCount }).where('id', '=', importId).execute();
  }

  /** The instants already recorded for a location between two times (a logger file overlapping an earlier one). */
  async readingTimes(locationId: number, fromMs: number, toMs: number): Promise<Set<number>> {
    const rows = await this.store.q().selectFrom('temperature_readings').select('at_ms').where('location_id', '=', locationId).where('at_ms', '>=', fromMs).where('at_ms', '<=', toMs).execute();
    return new Set(rows.map((r) => r.at_ms));
  }

  /**
   * A year of readings at one a minute is 263 INSERTs of 2,000 rows: the full-size statement is built and compiled
   * once (its 8,000 parameters re-filled in order on each run, as store.prepare does for fixed-arity queries), the last
   * shorter one is built as usual.
   */
  async insertReadings(locationId: number, importId: number, atMs: readonly number[], centi: readonly number[]): Promise<void> {
    const rows = (start: number, end: number) => {
      const values = [];
      for (let i = start; i < end; i++) values.push({ location_id: locationId, at_ms: atMs[i]!, centi: centi[i]!, import_id: importId });
      return values;
    };
    let full: CompiledQuery | null = null;
    for (let start = 0; start < atMs.length; start += READINGS_PER_INSERT) {
      const end = Math.min(atMs.length, start + READINGS_PER_INSERT);
      if (end - start < READINGS_PER_INSERT) {
        await this.store.q().insertInto('temperature_readings').values(rows(start, end)).execute();
        continue;
      }
      full ??= this.store.q().insertInto('temperature_readings').values(rows(start, end)).compile();
      const parameters: unknown[] = new Array(READINGS_PER_INSERT * 4);
      for (let i = start, p = 0; i < end; i++) {
        parameters[p++] = locationId;
        parameters[p++] = atMs[i]!;
        parameters[p++] = centi[i]!;
        parameters[p++] = importId;
      }
      await this.store.q().executeQuery({ ...full, parameters });
    }
  }

  async readings(locationId: number, fromMs: number, toMs: number): Promise<Array<{ atMs: number; centi: number }>> {
    const rows = await this.store
      .q()
      .selectFrom('temperature_readings')
      .select(['at_ms', 'centi'])
      .where('location_id', '=', locationId)
      .where('at_ms', '>=', fromMs)
      .where('at_ms', '<=', toMs)
      .orderBy('at_ms')
      .execute();
    return rows.map((r) => ({ atMs: r.at_ms, centi: r.centi }));
  }

  async lastReading(locationId: number): Promise<{ atMs: number; centi: number } | undefined> {
    const r = await this.store.q().selectFrom('temperature_readings').select(['at_ms', 'centi']).where('location_id', '=', locationId).orderBy('at_ms', 'desc').limit(1).executeTakeFirst();
    return r ? { atMs: r.at_ms, centi: r.centi } : undefined;
  }

  async previousManualReading(locationId: number, beforeMs: number): Promise<number | null> {
    const r = await this.store.q().selectFrom('manual_readings').select('read_ms').where('location_id', '=', locationId).where('read_ms', '<', beforeMs).orderBy('read_ms', 'desc').limit(1).executeTakeFirst();
    return r ? r.read_ms : null;
  }

  async insertManualReading(m: { locationId: number; readMs: number; minCenti: number; maxCenti: number; userId: number; recordedAt: string }): Promise<number> {
    const row = await this.store
      .q()
      .insertInto('manual_readings')
      .values({ location_id: m.locationId, read_ms: m.readMs, min_centi: m.minCenti, max_centi: m.maxCenti, user_id: m.userId, recorded_at: m.recordedAt })
      .returning('id')
      .executeTakeFirstOrThrow();
    return row.id;
  }

  async insertExcursion(e: Omit<ExcursionRow, 'id'>): Promise<number> {
    const row = await this.store
      .q()
      .insertInto('excursions')
      .values({
        location_id: e.locationId,
        import_id: e.importId,
        manual_reading_id: e.manualReadingId,
        start_ms: e.startMs,
        end_ms: e.endMs,
        ongoing: e.ongoing ? 1 : 0,
        direction: e.direction,
        worst_centi: e.worstCenti,
        min_centi: e.minCenti,
        max_centi: e.maxCenti,
        created_at: e.createdAt,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    return row.id;
  }

  private static excursion(r: Selectable<ExcursionsTable>): ExcursionRow {
    return {
      id: r.id,
      locationId: r.location_id,
      importId: r.import_id,
      manualReadingId: r.manual_reading_id,
      startMs: r.start_ms,
      endMs: r.end_ms,
      ongoing: r.ongoing === 1,
      direction: r.direction as 'above' | 'below',
      worstCenti: r.worst_centi,
      minCenti: r.min_centi,
      maxCenti: r.max_centi,
      createdAt: r.created_at,
    };
  }

  async excursion(id: number): Promise<ExcursionRow | undefined> {
    const r = await this.store.q().selectFrom('excursions').selectAll().where('id', '=', id).executeTakeFirst();
    return r ? ColdChainRepository.excursion(r) : undefined;
  }

  async excursions(locationId?: number): Promise<ExcursionRow[]> {
    let query = this.store.q().selectFrom('excursions').selectAll();
    if (locationId !== undefined) query = query.where('location_id', '=', locationId);
    return (await query.orderBy('start_ms', 'desc').orderBy('id', 'desc').execute()).map(ColdChainRepository.excursion);
  }

  async insertExcursionKit(k: { excursionId: number; kitNumber: string; exposureSeconds: number; statusThen: string; quarantined: boolean }): Promise<void> {
    await this.store
      .q()
      .insertInto('excursion_kits')
      .values({ excursion_id: k.excursionId, study_id: this.study.id(), kit_number: k.kitNumber, exposure_seconds: k.exposureSeconds, status_then: k.statusThen, quarantined: k.quarantined ? 1 : 0 })
      .execute();
  }

  /** The study's kits an excursion reached (the excursion is the site's; the other studies' kits are theirs). */
  async excursionKits(excursionId?: number): Promise<ExcursionKitRow[]> {
    let query = this.store
      .q()
      .selectFrom('excursion_kits as k')
      .leftJoin('users as u', 'u.id', 'k.disposition_user_id')
      .select([
        'k.excursion_id',
        'k.kit_number',
        'k.exposure_seconds',
        'k.status_then',
        'k.quarantined',
        'k.disposition',
        'k.disposition_reason',
        'k.disposition_at',
        'u.display_name',
        'k.disposition_signature_id',
      ])
      .where('k.study_id', '=', this.study.id());
    if (excursionId !== undefined) query = query.where('k.excursion_id', '=', excursionId);
    const rows = await query.execute();
    return rows.map((r) => ({
      excursionId: r.excursion_id,
      kitNumber: r.kit_number,
      exposureSeconds: r.exposure_seconds,
      statusThen: r.status_then,
      quarantined: r.quarantined === 1,
      disposition: r.disposition as 'release' | 'damaged' | null,
      dispositionReason: r.disposition_reason,
      dispositionAt: r.disposition_at,
      dispositionBy: r.display_name,
      dispositionSignatureId: r.disposition_signature_id,
    }));
  }

  /** Other excursions still holding this kit in quarantine without a disposition. */
  async otherOpenHolds(kitNumber: string, excursionId: number): Promise<number> {
    const r = await this.store
      .q()
      .selectFrom('excursion_kits')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('study_id', '=', this.study.id())
      .where('kit_number', '=', kitNumber)
      .where('excursion_id', '<>', excursionId)
      .where('quarantined', '=', 1)
      .where('disposition', 'is', null)
      .executeTakeFirstOrThrow();
    return Number(r.n);
  }

  async recordDisposition(d: { excursionId: number; kitNumber: string; disposition: 'release' | 'damaged'; reason: string; at: string; userId: number; signatureId: number }): Promise<void> {
    await this.store
      .q()
      .updateTable('excursion_kits')
      .set({ disposition: d.disposition, disposition_reason: d.reason, disposition_at: d.at, disposition_user_id: d.userId, disposition_signature_id: d.signatureId })
      .where('excursion_id', '=', d.excursionId)
      .where('study_id', '=', this.study.id())
      .where('kit_number', '=', d.kitNumber)
      .execute();
  }

  /** When each of these kits left the pharmacy with a patient (a dispensed kit's stay ends there). */
  async dispensedAt(kitNumbers: readonly string[]): Promise<Map<string, string>> {
    if (kitNumbers.length === 0) return new Map();
    const rows = await this.store
      .q()
      .selectFrom('dispensing_kits as dk')
      .innerJoin('dispensings as d', 'd.id', 'dk.dispensing_id')
      .select(['dk.kit_number', 'd.dispensed_at'])
      .where('dk.study_id', '=', this.study.id())
      .where('dk.kit_number', 'in', [...kitNumbers])
      .execute();
    return new Map(rows.map((r) => [r.kit_number, r.dispensed_at]));
  }

  /** Each kit's cumulative time out of range: the sum of its exposures over every excursion it was in. */
  async cumulativeExposure(kitNumbers?: readonly string[]): Promise<Map<string, number>> {
    if (kitNumbers && kitNumbers.length === 0) return new Map();
    let query = this.store
      .q()
      .selectFrom('excursion_kits')
      .select(['kit_number', sql<number>`sum(exposure_seconds)`.as('seconds')])
      .where('study_id', '=', this.study.id())
      .groupBy('kit_number');
    if (kitNumbers) query = query.where('kit_number', 'in', [...kitNumbers]);
    const rows = await query.execute();
    return new Map(rows.map((r) => [r.kit_number, Number(r.seconds)]));
  }
}
