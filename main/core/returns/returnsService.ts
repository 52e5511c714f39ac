import { issue, VeilError } from '../../../shared/errors';
import { unitsPerKit } from '../../../shared/study/kitContents';
import { compareKitNumbers } from '../../../shared/allocation/kitOrder';
import type { Role } from '../../../shared/roles';
import type { StudyConfig } from '../../../shared/study/studyConfig';
import type { AuditTrail } from '../audit/auditTrail';
import { isoUtc, type Clock } from '../clock';
import type { Store } from '../db/store';
import type { KitRepository } from '../kits/kitRepository';
import type { KitStatusService } from '../kits/kitStatusService';
import { scanRefusal, type KitScanResolver } from '../scanning/kitScanResolver';
import type { Signer, SignatureService } from '../signatures/signatureService';
import type { ReturnCondition, ReturnRow, ReturnsRepository } from './returnsRepository';

export { RETURN_CONDITIONS, type ReturnCondition, type ReturnRow } from './returnsRepository';
type Actor = { userId: number; username: string; role: Role };

/** What the return screen learns from a scan, before any form opens: blinded facts only (no arm, no lot). */
export type ReturnLookup =
  | { kitNumber: string; verdict: 'not_dispensed' }
  | { kitNumber: string; verdict: 'returnable' | 'already_recorded'; patientId: number; screeningNumber: string; visitCode: string; dispensedAt: string; condition: ReturnCondition | null };

export const RETURN_VERIFICATION_RECORD = 'return_verification';

/**
 * Patient returns (DESIGN.md section 5): per kit, used / unused / partly used / damaged / missing and a unit count.
 * A returned kit becomes "returned", never available again; a kit not brought back becomes "lost". A monitor verifies
 * returns; any later edit removes the verification and the audit trail says so.
 */
export class ReturnsService {
  constructor(
    private readonly store: Store,
    private readonly returns: ReturnsRepository,
    private readonly kits: KitRepository,
    private readonly kitStatus: KitStatusService,
    private readonly audit: AuditTrail,
    private readonly scans: KitScanResolver,
    private readonly clock: Clock,
    private readonly study: () => StudyConfig,
    private readonly signatures: SignatureService,
  ) {}

  /** The units missing from a kit of this type (tablets a bottle A holds, say), after the checks on what was counted. */
  private async checkUnits(kitNumber: string, condition: ReturnCondition, unitsReturned: number): Promise<number> {
    const perKit = unitsPerKit(this.study(), (await this.kits.get(kitNumber))?.kitType ?? null);
    if (unitsReturned > perKit) throw VeilError.says('validation', { key: 'returns.tooManyUnits', params: { count: perKit, units: unitsReturned } }, [issue(['unitsReturned'], { key: 'returns.atMost', params: { count: perKit } })]);
    if (condition === 'missing' && unitsReturned !== 0) throw VeilError.says('validation', { key: 'returns.missingNoUnit' }, [issue(['unitsReturned'], { key: 'returns.zeroForMissing' })]);
    if (condition !== 'missing' && unitsReturned === 0) throw VeilError.says('validation', { key: 'returns.atLeastOne' }, [issue(['unitsReturned'], { key: 'returns.atLeastOneShort' })]);
    return perKit - unitsReturned;
  }

  /** Who the kit was dispensed to: returns are only for dispensed kits. */
  private async dispensedTo(kitNumber: string) {
    const row = await this.returns.dispensedTo(kitNumber);
    if (!row) throw VeilError.says('conflict', { key: 'returns.neverDispensed', params: { kit: kitNumber } });
    return row;
  }

  /** The kit a scanned or typed code names, refused in words when it names none. */
  private async kitOf(code: string): Promise<string> {
    const resolved = await this.scans.resolve(code);
    if (!resolved.ok) throw scanRefusal(resolved);
    if (!(await this.kits.get(resolved.kitNumber))) throw VeilError.says('not_found', { key: 'returns.unknownKit', params: { kit: resolved.kitNumber } });
    return resolved.kitNumber;
  }

  /**
   * The answer to a scan on the return screen, before the form opens (issue 11, item 7): a kit never dispensed has
   * nothing to return; a dispensed one names its patient and visit; a return already recorded says so. Reads only.
   */
  async lookup(code: string): Promise<ReturnLookup> {
    const kitNumber = await this.kitOf(code);
    const owner = await this.returns.dispensedTo(kitNumber);
    if (!owner) return { kitNumber, verdict: 'not_dispensed' };
    const recorded = await this.returns.get(kitNumber);
    return { kitNumber, verdict: recorded ? 'already_recorded' : 'returnable', ...owner, condition: recorded?.condition ?? null };
  }

  /** One unit of work: the checks that decide it (dispensed to whom, not recorded yet) and its writes (issue 13). */
  async record(actor: Actor, input: { code: string; condition: ReturnCondition; unitsReturned: number; note?: string | undefined; source: string; patientId?: number | undefined }): Promise<ReturnRow> {
    return this.store.transaction(async () => {
      const kitNumber = await this.kitOf(input.code);
      const owner = await this.dispensedTo(kitNumber);
      if (input.patientId !== undefined && input.patientId !== owner.patientId) {
        throw VeilError.says('conflict', { key: 'returns.otherPatient', params: { kit: kitNumber, patient: owner.screeningNumber } });
      }
      const unitsMissing = await this.checkUnits(kitNumber, input.condition, input.unitsReturned);
      const note = input.note?.trim() || null;
      if (input.condition === 'missing' && !note) throw VeilError.says('validation', { key: 'returns.noteForMissing' }, [issue(['note'], { key: 'returns.noteNeeded' })]);
      if (await this.returns.exists(kitNumber)) throw VeilError.says('conflict', { key: 'returns.alreadyRecorded', params: { kit: kitNumber } });
      const at = isoUtc(this.clock.now());
      await this.returns.insert({ kitNumber, patientId: owner.patientId, returnedAt: at, userId: actor.userId, condition: input.condition, unitsReturned: input.unitsReturned, unitsMissing, note, source: input.source });
      // Patient returns are never added back to dispensable stock.
      await this.kitStatus.change(actor, kitNumber, input.condition === 'missing' ? 'lost' : 'returned', input.condition === 'missing' ? note : null, {
        source: input.source,
        context: { patient: owner.screeningNumber, condition: input.condition },
      });
      await this.audit.append(actor, {
        action: 'return.recorded',
        entityType: 'kit',
        entityId: kitNumber,
        after: { patient: owner.screeningNumber, condition: input.condition, unitsReturned: input.unitsReturned, unitsMissing },
        reason: note,
        source: input.source,
      });
      return (await this.returns.get(kitNumber))!;
    });
  }

  async edit(actor: Actor, input: { kitNumber: string; condition: ReturnCondition; unitsReturned: number; note?: string | undefined; reason: string }): Promise<ReturnRow> {
    return this.store.transaction(async () => {
      const before = await this.returns.get(input.kitNumber);
      if (!before) throw VeilError.says('not_found', { key: 'returns.noReturn', params: { kit: input.kitNumber } });
      const unitsMissing = await this.checkUnits(input.kitNumber, input.condition, input.unitsReturned);
      if ((before.condition === 'missing') !== (input.condition === 'missing')) {
        throw VeilError.says('conflict', { key: 'returns.missingSwitch' });
      }
      await this.returns.correct(input.kitNumber, { condition: input.condition, unitsReturned: input.unitsReturned, unitsMissing, note: input.note?.trim() || before.note });
      await this.audit.append(actor, {
        action: 'return.edited',
        entityType: 'kit',
        entityId: input.kitNumber,
        before: { condition: before.condition, unitsReturned: before.unitsReturned, verified: before.verifiedAt !== null },
        after: { condition: input.condition, unitsReturned: input.unitsReturned, verified: false, verificationRemoved: before.verifiedAt !== null },
        reason: input.reason,
      });
      return (await this.returns.get(input.kitNumber))!;
    });
  }

  /** A return the monitor can check against a physical kit: recorded, and not recorded as missing. */
  private async verifiable(kitNumber: string): Promise<ReturnRow> {
    const row = await this.returns.get(kitNumber);
    if (!row) throw VeilError.says('not_found', { key: 'returns.noReturn', params: { kit: kitNumber } });
    if (row.condition === 'missing') {
      throw VeilError.says('conflict', { key: 'returns.missingNotVerifiable', params: { kit: kitNumber } });
    }
    return row;
  }

  private async markVerified(actor: Actor, row: ReturnRow, extra: { source?: string; signatureId?: number; method: 'scan' | 'signed_list' }): Promise<void> {
    await this.returns.markVerified(row.kitNumber, actor.userId, isoUtc(this.clock.now()));
    await this.audit.append(actor, {
      action: 'return.verified',
      entityType: 'kit',
      entityId: row.kitNumber,
      after: { condition: row.condition, unitsReturned: row.unitsReturned, method: extra.method },
      ...(extra.source ? { source: extra.source } : {}),
      ...(extra.signatureId ? { signatureId: extra.signatureId } : {}),
    });
  }

  /**
   * The monitor verifies a list of returns at once, under an e-signature (issue 11, item 8). A kit recorded as missing
   * cannot be checked against anything and refuses the whole list; returns already verified are left as they are.
   */
  async verify(actor: Actor, signer: Signer, kitNumbers: string[]): Promise<ReturnRow[]> {
    const kits = [...new Set(kitNumbers)].sort(compareKitNumbers);
    return this.store.transaction(async () => {
      const rows: ReturnRow[] = [];
      for (const k of kits) rows.push(await this.verifiable(k));
      const toVerify = rows.filter((r) => !r.verifiedAt);
      if (toVerify.length > 0) {
        const record = { action: 'return.verified', kits: toVerify.map((r) => ({ kit: r.kitNumber, condition: r.condition, unitsReturned: r.unitsReturned })) };
        const signature = await this.signatures.record(signer, RETURN_VERIFICATION_RECORD, toVerify.map((r) => r.kitNumber).join(','), record);
        for (const row of toVerify) await this.markVerified(actor, row, { signatureId: signature.id, method: 'signed_list' });
      }
      const verified: ReturnRow[] = [];
      for (const k of kitNumbers) verified.push((await this.returns.get(k))!);
      return verified;
    });
  }

  /** The monitor verifies one return by scanning the physical kit: the scan itself is the check (no signature). */
  async verifyScan(actor: Actor, input: { code: string; source: string }): Promise<ReturnRow> {
    const kitNumber = await this.kitOf(input.code);
    return this.store.transaction(async () => {
      const row = await this.verifiable(kitNumber);
      if (!row.verifiedAt) await this.markVerified(actor, row, { source: input.source, method: 'scan' });
      return (await this.returns.get(kitNumber))!;
    });
  }

  get(kitNumber: string): Promise<ReturnRow | undefined> {
    return this.returns.get(kitNumber);
  }

  list(): Promise<ReturnRow[]> {
    return this.returns.list();
  }
}
