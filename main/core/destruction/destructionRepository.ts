import type { Store } from '../db/store';
import type { StudyScope } from '../study/studyScope';

/** A destruction as recorded: when, how, where, and the pharmacist's and the witness's signatures. */
export interface DestructionRow {
  id: number;
  destroyedOn: string;
  method: string;
  place: string;
  recordedAt: string;
  signatureId: number;
  witnessSignatureId: number;
}

/**
 * All SQL about destructions (destructions, destruction_kits), on the Store (issue 13). Every row is the scope's
 * study's: another study's destructions are not seen, and its kit 1001 is not this study's (migration 20).
 */
export class DestructionRepository {
  constructor(
    private readonly store: Store,
    private readonly study: StudyScope,
  ) {}

  /** Records a destruction (its kits follow with `addKit`); returns its id. */
  async insert(d: { destroyedOn: string; method: string; place: string; recordedAt: string; userId: number; signatureId: number; witnessId: number; witnessSignatureId: number }): Promise<number> {
    const { id } = await this.store
      .q()
      .insertInto('destructions')
      .values({
        destroyed_on: d.destroyedOn,
        method: d.method,
        place: d.place,
        recorded_at: d.recordedAt,
        user_id: d.userId,
        signature_id: d.signatureId,
        witness_id: d.witnessId,
        witness_signature_id: d.witnessSignatureId,
        study_id: this.study.id(),
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    return Number(id);
  }

  async addKit(destructionId: number, kitNumber: string): Promise<void> {
    await this.store.q().insertInto('destruction_kits').values({ destruction_id: destructionId, kit_number: kitNumber, study_id: this.study.id() }).execute();
  }

  async byId(destructionId: number): Promise<DestructionRow | undefined> {
    return this.store
      .q()
      .selectFrom('destructions')
      .select(['id', 'destroyed_on as destroyedOn', 'method', 'place', 'recorded_at as recordedAt', 'signature_id as signatureId', 'witness_signature_id as witnessSignatureId'])
      .where('study_id', '=', this.study.id())
      .where('id', '=', destructionId)
      .executeTakeFirst();
  }

  /** The kit numbers destroyed in one destruction, in no particular order. */
  async kitsOf(destructionId: number): Promise<string[]> {
    const rows = await this.store.q().selectFrom('destruction_kits').select('kit_number').where('study_id', '=', this.study.id()).where('destruction_id', '=', destructionId).execute();
    return rows.map((r) => r.kit_number);
  }

  /** Every destruction's id, newest first. */
  async ids(): Promise<number[]> {
    const rows = await this.store.q().selectFrom('destructions').select('id').where('study_id', '=', this.study.id()).orderBy('id', 'desc').execute();
    return rows.map((r) => r.id);
  }
}
