import { compareKitNumbers } from '../../../shared/allocation/kitOrder';
import type { Store } from '../db/store';
import { eventsOf, type StudyScope } from '../study/studyScope';

/** A kit as the accountability log needs it: the blinded lot, and the sealed real lot and arm (opened only with the key). */
export interface KitLotRow {
  kitNumber: string;
  kitType: string | null;
  blindedLot: string;
  lotSealed: string;
  armSealed: string;
}

/** A kit as the inventory counts it: its status and its sealed arm. */
export interface KitStockRow {
  kitNumber: string;
  kitType: string | null;
  status: string;
  armSealed: string;
}

/** A kit on the shelf as the expiry report lists it: the label's use-before date and blinded lot, the sealed real ones. */
export interface KitExpiryRow {
  kitNumber: string;
  kitType: string | null;
  status: string;
  useBefore: string;
  blindedLot: string;
  expirySealed: string;
  lotSealed: string;
  armSealed: string;
}

/** One movement of a kit: when, and the display name (or username, for the trail) of who recorded it. */
export interface KitMovementRow {
  kitNumber: string;
  at: string;
  recordedBy: string;
}

/** A movement that concerns a patient: the patient's initials and randomization number too. */
export interface PatientKitMovementRow extends KitMovementRow {
  patientInitials: string;
  randomizationNumber: string;
}

export interface ReportPatientRow {
  id: number;
  screeningNumber: string;
  initials: string;
  randomizationNumber: string | null;
  status: string;
  /** 1 when the blind was broken for this patient in an emergency (never which arm). */
  emergencyUnblinded: number;
}

export interface PatientDispensingLine {
  visit: string;
  dispensedAt: string;
  kitNumber: string;
  outOfWindowReason: string | null;
  returnCondition: string | null;
  unitsReturned: number | null;
}

/** The statuses of the kits on the shelf that the expiry report lists. */
export type ShelfScope = 'available' | 'available_or_quarantined';

const SHELF_SCOPE: Readonly<Record<ShelfScope, readonly string[]>> = {
  available: ['available'],
  available_or_quarantined: ['available', 'quarantined'],
};

/** The `status` of an audit event's before or after JSON (null when there is none). */
function statusIn(json: string | null): unknown {
  if (json === null) return null;
  try {
    return (JSON.parse(json) as { status?: unknown }).status ?? null;
  } catch {
    return null;
  }
}

/**
 * The reports' read model (DESIGN.md section 6: a report's SQL lives in a named read model beside its service), on the
 * Store (issue 13). Reads only; the arms and real lots it returns are sealed, opened by the report service with the
 * allocation key. A report that reads several of these reads them in one unit of work, so its figures agree. Every
 * row read is the scope's study's (kit numbers are unique within a study only, migration 20); the audit trail is the
 * site's and is read whole.
 */
export class ReportReadModel {
  constructor(
    private readonly store: Store,
    private readonly study: StudyScope,
  ) {}

  async kitLots(): Promise<KitLotRow[]> {
    return this.store
      .q()
      .selectFrom('kits')
      .select(['kit_number as kitNumber', 'kit_type as kitType', 'blinded_lot as blindedLot', 'lot_sealed as lotSealed', 'arm_sealed as armSealed'])
      .where('study_id', '=', this.study.id())
      .execute();
  }

  /** The kits with their blinded lots only: what the blinded accountability log needs (no sealed value read). */
  async kitBlindedLots(): Promise<Array<Pick<KitLotRow, 'kitNumber' | 'kitType' | 'blindedLot'>>> {
    return this.store.q().selectFrom('kits').select(['kit_number as kitNumber', 'kit_type as kitType', 'blinded_lot as blindedLot']).where('study_id', '=', this.study.id()).execute();
  }

  async kitStock(): Promise<KitStockRow[]> {
    return this.store.q().selectFrom('kits').select(['kit_number as kitNumber', 'kit_type as kitType', 'status', 'arm_sealed as armSealed']).where('study_id', '=', this.study.id()).execute();
  }

  async kitsOnShelfForExpiry(scope: ShelfScope): Promise<KitExpiryRow[]> {
    return this.store
      .q()
      .selectFrom('kits')
      .select(['kit_number as kitNumber', 'kit_type as kitType', 'status', 'use_before as useBefore', 'blinded_lot as blindedLot', 'expiry_sealed as expirySealed', 'lot_sealed as lotSealed', 'arm_sealed as armSealed'])
      .where('study_id', '=', this.study.id())
      .where('status', 'in', [...SHELF_SCOPE[scope]])
      .execute();
  }

  /** Kits received into stock at the close of their shipment, by whom the shipment was closed. */
  async receipts(): Promise<KitMovementRow[]> {
    const rows = await this.store
      .q()
      .selectFrom('shipment_kits as sk')
      .innerJoin('shipments as s', 's.id', 'sk.shipment_id')
      .innerJoin('users as u', 'u.id', 's.closed_by')
      .select(['sk.kit_number as kitNumber', 's.closed_at as at', 'u.display_name as recordedBy'])
      .where('sk.study_id', '=', this.study.id())
      .where('sk.outcome', '=', 'received')
      .where('s.closed_at', 'is not', null)
      .execute();
    // Closed shipments only: `at` is there. (Narrowed by type, not by a copy of 50,000 rows: the accountability log
    // holds these while it is written.)
    return rows as KitMovementRow[];
  }

  async dispensedKits(): Promise<PatientKitMovementRow[]> {
    const rows = await this.store
      .q()
      .selectFrom('dispensing_kits as dk')
      .innerJoin('dispensings as d', 'd.id', 'dk.dispensing_id')
      .innerJoin('patients as p', 'p.id', 'd.patient_id')
      .innerJoin('users as u', 'u.id', 'd.user_id')
      .select(['dk.kit_number as kitNumber', 'd.dispensed_at as at', 'p.initials as patientInitials', 'p.randomization_number as randomizationNumber', 'u.display_name as recordedBy'])
      .where('dk.study_id', '=', this.study.id())
      .execute();
    // A patient is randomized before any dispensing: the number is there (narrowed by type, not by a copy of the rows).
    return rows as PatientKitMovementRow[];
  }

  async returnedKits(): Promise<Array<PatientKitMovementRow & { condition: string }>> {
    const rows = await this.store
      .q()
      .selectFrom('kit_returns as r')
      .innerJoin('patients as p', 'p.id', 'r.patient_id')
      .innerJoin('users as u', 'u.id', 'r.user_id')
      .select(['r.kit_number as kitNumber', 'r.returned_at as at', 'r.condition', 'p.initials as patientInitials', 'p.randomization_number as randomizationNumber', 'u.display_name as recordedBy'])
      .where('r.study_id', '=', this.study.id())
      .execute();
    // Only a dispensed kit comes back, from a randomized patient.
    return rows as Array<PatientKitMovementRow & { condition: string }>;
  }

  /** Every kit number ever dispensed. */
  async dispensedKitNumbers(): Promise<string[]> {
    return (await this.store.q().selectFrom('dispensing_kits').select('kit_number as k').where('study_id', '=', this.study.id()).execute()).map((r) => r.k);
  }

  /** Every kit number received into stock (not refused at receipt). */
  async receivedKitNumbers(): Promise<string[]> {
    return (await this.store.q().selectFrom('shipment_kits').select('kit_number as k').where('study_id', '=', this.study.id()).where('outcome', '=', 'received').execute()).map((r) => r.k);
  }

  async destroyedKits(): Promise<KitMovementRow[]> {
    return this.store
      .q()
      .selectFrom('destruction_kits as dk')
      .innerJoin('destructions as d', 'd.id', 'dk.destruction_id')
      .innerJoin('users as u', 'u.id', 'd.user_id')
      .select(['dk.kit_number as kitNumber', 'd.recorded_at as at', 'u.display_name as recordedBy'])
      .where('dk.study_id', '=', this.study.id())
      .execute();
  }

  /**
   * Kits lost from the shelf (available, then lost), from the audit trail; `recordedBy` is the username. The statuses
   * are read from the events' JSON in code (no JSON function spelled the same on both engines); the LIKEs only narrow.
   */
  async kitsLostFromShelf(): Promise<KitMovementRow[]> {
    const rows = await this.store
      .q()
      .selectFrom('audit_events')
      .select(['entity_id as kitNumber', 'at_utc as at', 'username as recordedBy', 'before_json', 'after_json'])
      .where(eventsOf(this.study))
      .where('action', '=', 'kit.status_changed')
      .where('after_json', 'like', '%lost%')
      .where('before_json', 'like', '%available%')
      .orderBy('seq')
      .execute();
    return rows.filter((r) => statusIn(r.after_json) === 'lost' && statusIn(r.before_json) === 'available').map(({ kitNumber, at, recordedBy }) => ({ kitNumber, at, recordedBy }));
  }

  /** Every patient (or the one asked for), by screening number (compared in code: the engines' text orders differ). */
  async patients(patientId?: number): Promise<ReportPatientRow[]> {
    let query = this.store
      .q()
      .selectFrom('patients')
      .select((eb) => [
        'id',
        'screening_number as screeningNumber',
        'initials',
        'randomization_number as randomizationNumber',
        'status',
        // 0 or 1 on both engines (EXISTS alone is a boolean on PostgreSQL).
        eb
          .case()
          .when(eb.exists(eb.selectFrom('emergency_unblindings as e').select('e.id').whereRef('e.patient_id', '=', 'patients.id')))
          .then(1)
          .else(0)
          .end()
          .as('emergencyUnblinded'),
      ])
      .where('study_id', '=', this.study.id());
    if (patientId) query = query.where('id', '=', patientId);
    const rows = await query.execute();
    return rows.sort((a, b) => (a.screeningNumber < b.screeningNumber ? -1 : a.screeningNumber > b.screeningNumber ? 1 : 0));
  }

  /** A patient's dispensed kits with their returns, in dispensing order (then kit-number order, within one dispensing). */
  async dispensingHistory(patientId: number): Promise<PatientDispensingLine[]> {
    const rows = await this.store
      .q()
      .selectFrom('dispensings as d')
      // Dispensings carry no study: the patient's says whose they are.
      .innerJoin('patients as p', 'p.id', 'd.patient_id')
      .innerJoin('dispensing_kits as dk', 'dk.dispensing_id', 'd.id')
      .leftJoin('kit_returns as r', (j) => j.onRef('r.study_id', '=', 'dk.study_id').onRef('r.kit_number', '=', 'dk.kit_number'))
      .select(['d.visit_code as visit', 'd.dispensed_at as dispensedAt', 'dk.kit_number as kitNumber', 'd.out_of_window_reason as outOfWindowReason', 'r.condition as returnCondition', 'r.units_returned as unitsReturned'])
      .where('p.study_id', '=', this.study.id())
      .where('d.patient_id', '=', patientId)
      .execute();
    return rows.sort((a, b) => (a.dispensedAt < b.dispensedAt ? -1 : a.dispensedAt > b.dispensedAt ? 1 : compareKitNumbers(a.kitNumber, b.kitNumber)));
  }
}
