import { VeilError } from '../../../shared/errors';
import { compareKitNumbers } from '../../../shared/allocation/kitOrder';
import type { Role } from '../../../shared/roles';
import type { StudyConfig } from '../../../shared/study/studyConfig';
import type { AuditTrail } from '../audit/auditTrail';
import { isoUtc, type Clock } from '../clock';
import type { Db } from '../db/database';
import type { KitRepository } from '../kits/kitRepository';
import type { KitStatusService } from '../kits/kitStatusService';
import type { KitScanResolver } from '../scanning/kitScanResolver';

export const RETURN_CONDITIONS = ['used', 'unused', 'partly_used', 'damaged', 'missing'] as const;
export type ReturnCondition = (typeof RETURN_CONDITIONS)[number];
type Actor = { userId: number; username: string; role: Role };

export interface ReturnRow {
  kitNumber: string;
  patientId: number;
  screeningNumber: string;
  returnedAt: string;
  condition: ReturnCondition;
  unitsReturned: number;
  unitsMissing: number;
  note: string | null;
  source: string;
  verifiedBy: string | null;
  verifiedAt: string | null;
}

/**
 * Patient returns (DESIGN.md section 5): per kit, used / unused / partly used / damaged / missing and a unit count.
 * A returned kit becomes "returned", never available again; a kit not brought back becomes "lost". A monitor verifies
 * returns; any later edit removes the verification and the audit trail says so.
 */
export class ReturnsService {
  constructor(
    private readonly db: Db,
    private readonly kits: KitRepository,
    private readonly kitStatus: KitStatusService,
    private readonly audit: AuditTrail,
    private readonly scans: KitScanResolver,
    private readonly clock: Clock,
    private readonly study: () => StudyConfig,
  ) {}

  private checkUnits(condition: ReturnCondition, unitsReturned: number): number {
    const perKit = this.study().product.unitsPerKit;
    if (unitsReturned > perKit) throw new VeilError('validation', `A kit holds ${perKit} ${perKit === 1 ? 'unit' : 'units'}; ${unitsReturned} cannot come back.`, [{ path: ['unitsReturned'], message: `At most ${perKit}` }]);
    if (condition === 'missing' && unitsReturned !== 0) throw new VeilError('validation', 'A missing kit brings back no unit.', [{ path: ['unitsReturned'], message: 'Must be 0 for a missing kit' }]);
    if (condition !== 'missing' && unitsReturned === 0) throw new VeilError('validation', 'Record at least one unit, or mark the kit missing.', [{ path: ['unitsReturned'], message: 'At least 1' }]);
    return perKit - unitsReturned;
  }

  /** Who the kit was dispensed to: returns are only for dispensed kits. */
  private dispensedTo(kitNumber: string): { patientId: number; screeningNumber: string } {
    const row = this.db
      .prepare(
        `SELECT p.id AS patientId, p.screening_number AS screeningNumber FROM dispensing_kits dk
         JOIN dispensings d ON d.id = dk.dispensing_id JOIN patients p ON p.id = d.patient_id WHERE dk.kit_number = ?`,
      )
      .get(kitNumber) as { patientId: number; screeningNumber: string } | undefined;
    if (!row) throw new VeilError('conflict', `Kit ${kitNumber} was never dispensed, so it cannot be a patient return.`);
    return row;
  }

  record(actor: Actor, input: { code: string; condition: ReturnCondition; unitsReturned: number; note?: string | undefined; source: string; patientId?: number | undefined }): ReturnRow {
    const resolved = this.scans.resolve(input.code);
    if (!resolved.ok) throw new VeilError('validation', resolved.message, [{ path: ['code'], message: resolved.message }]);
    const kitNumber = resolved.kitNumber;
    if (!this.kits.get(kitNumber)) throw new VeilError('not_found', `Kit ${kitNumber} is not in the kit list.`);
    const owner = this.dispensedTo(kitNumber);
    if (input.patientId !== undefined && input.patientId !== owner.patientId) {
      throw new VeilError('conflict', `Kit ${kitNumber} was dispensed to patient ${owner.screeningNumber}, not to this patient. Check the bag.`);
    }
    const unitsMissing = this.checkUnits(input.condition, input.unitsReturned);
    const note = input.note?.trim() || null;
    if (input.condition === 'missing' && !note) throw new VeilError('validation', 'Say what the patient said about the missing kit.', [{ path: ['note'], message: 'Needed for a missing kit' }]);
    this.db.transaction(() => {
      if (this.db.prepare('SELECT 1 FROM kit_returns WHERE kit_number = ?').get(kitNumber)) throw new VeilError('conflict', `The return of kit ${kitNumber} is already recorded; edit it instead.`);
      const at = isoUtc(this.clock.now());
      this.db
        .prepare(
          `INSERT INTO kit_returns (kit_number, patient_id, returned_at, user_id, condition, units_returned, units_missing, note, source)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        )
        .run(kitNumber, owner.patientId, at, actor.userId, input.condition, input.unitsReturned, unitsMissing, note, input.source);
      // Patient returns are never added back to dispensable stock.
      this.kitStatus.change(actor, kitNumber, input.condition === 'missing' ? 'lost' : 'returned', input.condition === 'missing' ? note : null, {
        source: input.source,
        context: { patient: owner.screeningNumber, condition: input.condition },
      });
      this.audit.append(actor, {
        action: 'return.recorded',
        entityType: 'kit',
        entityId: kitNumber,
        after: { patient: owner.screeningNumber, condition: input.condition, unitsReturned: input.unitsReturned, unitsMissing },
        reason: note,
        source: input.source,
      });
    })();
    return this.get(kitNumber)!;
  }

  edit(actor: Actor, input: { kitNumber: string; condition: ReturnCondition; unitsReturned: number; note?: string | undefined; reason: string }): ReturnRow {
    const before = this.get(input.kitNumber);
    if (!before) throw new VeilError('not_found', `No return is recorded for kit ${input.kitNumber}.`);
    const unitsMissing = this.checkUnits(input.condition, input.unitsReturned);
    if ((before.condition === 'missing') !== (input.condition === 'missing')) {
      throw new VeilError('conflict', 'A missing kit and a returned kit have different statuses: record the change as a new finding with the sponsor (the kit status cannot be reversed here).');
    }
    this.db.transaction(() => {
      this.db
        .prepare('UPDATE kit_returns SET condition = ?, units_returned = ?, units_missing = ?, note = ?, verified_by = NULL, verified_at = NULL WHERE kit_number = ?')
        .run(input.condition, input.unitsReturned, unitsMissing, input.note?.trim() || before.note, input.kitNumber);
      this.audit.append(actor, {
        action: 'return.edited',
        entityType: 'kit',
        entityId: input.kitNumber,
        before: { condition: before.condition, unitsReturned: before.unitsReturned, verified: before.verifiedAt !== null },
        after: { condition: input.condition, unitsReturned: input.unitsReturned, verified: false, verificationRemoved: before.verifiedAt !== null },
        reason: input.reason,
      });
    })();
    return this.get(input.kitNumber)!;
  }

  verify(actor: Actor, kitNumbers: string[]): ReturnRow[] {
    this.db.transaction(() => {
      for (const kitNumber of kitNumbers) {
        const row = this.get(kitNumber);
        if (!row) throw new VeilError('not_found', `No return is recorded for kit ${kitNumber}.`);
        if (row.verifiedAt) continue;
        const at = isoUtc(this.clock.now());
        this.db.prepare('UPDATE kit_returns SET verified_by = ?, verified_at = ? WHERE kit_number = ?').run(actor.userId, at, kitNumber);
        this.audit.append(actor, { action: 'return.verified', entityType: 'kit', entityId: kitNumber, after: { condition: row.condition, unitsReturned: row.unitsReturned } });
      }
    })();
    return kitNumbers.map((k) => this.get(k)!);
  }

  get(kitNumber: string): ReturnRow | undefined {
    return this.rows('WHERE r.kit_number = ?', kitNumber)[0];
  }

  list(): ReturnRow[] {
    return this.rows('');
  }

  /** One query for one return or all of them (a single kit is looked up by key, not by reading every return). */
  private rows(where: string, ...params: string[]): ReturnRow[] {
    const rows = this.db
      .prepare(
        `SELECT r.kit_number AS kitNumber, r.patient_id AS patientId, p.screening_number AS screeningNumber, r.returned_at AS returnedAt,
           r.condition, r.units_returned AS unitsReturned, r.units_missing AS unitsMissing, r.note, r.source,
           u.display_name AS verifiedBy, r.verified_at AS verifiedAt
         FROM kit_returns r JOIN patients p ON p.id = r.patient_id LEFT JOIN users u ON u.id = r.verified_by ${where}`,
      )
      .all(...params) as ReturnRow[];
    return rows.sort((a, b) => compareKitNumbers(a.kitNumber, b.kitNumber));
  }
}
