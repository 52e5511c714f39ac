import type { Db } from '../db/database';
import { statements, type Statements } from '../db/statements';

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

/** All SQL about destructions (destructions, destruction_kits). */
export class DestructionRepository {
  private readonly sql: Statements;

  constructor(db: Db) {
    this.sql = statements(db);
  }

  /** Records a destruction (its kits follow with `addKit`); returns its id. */
  insert(d: { destroyedOn: string; method: string; place: string; recordedAt: string; userId: number; signatureId: number; witnessId: number; witnessSignatureId: number }): number {
    return Number(
      this.sql('INSERT INTO destructions (destroyed_on, method, place, recorded_at, user_id, signature_id, witness_id, witness_signature_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?)').run(
        d.destroyedOn,
        d.method,
        d.place,
        d.recordedAt,
        d.userId,
        d.signatureId,
        d.witnessId,
        d.witnessSignatureId,
      ).lastInsertRowid,
    );
  }

  addKit(destructionId: number, kitNumber: string): void {
    this.sql('INSERT INTO destruction_kits (destruction_id, kit_number) VALUES (?, ?)').run(destructionId, kitNumber);
  }

  byId(destructionId: number): DestructionRow | undefined {
    return this.sql(
      `SELECT id, destroyed_on AS destroyedOn, method, place, recorded_at AS recordedAt, signature_id AS signatureId, witness_signature_id AS witnessSignatureId
       FROM destructions WHERE id = ?`,
    ).get(destructionId) as DestructionRow | undefined;
  }

  /** The kit numbers destroyed in one destruction, in no particular order. */
  kitsOf(destructionId: number): string[] {
    return (this.sql('SELECT kit_number AS k FROM destruction_kits WHERE destruction_id = ?').all(destructionId) as Array<{ k: string }>).map((r) => r.k);
  }

  /** Every destruction's id, newest first. */
  ids(): number[] {
    return (this.sql('SELECT id FROM destructions ORDER BY id DESC').all() as Array<{ id: number }>).map((r) => r.id);
  }
}
