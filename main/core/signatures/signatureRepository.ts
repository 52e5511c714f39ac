import type { Db } from '../db/database';
import { statements, type Statements } from '../db/statements';
import type { SignatureRecord } from './signatureService';

const SIGNATURE_COLUMNS = `id, printed_name AS printedName, meaning, signed_at_utc AS signedAtUtc, record_type AS recordType,
  record_id AS recordId, record_hash AS recordHash, chain_seq AS chainSeq, chain_hash AS chainHash`;

/** A signature as it is written: who signed, with what meaning, when, bound to which record and which chain head. */
export type NewSignature = Omit<SignatureRecord, 'id' | 'chainSeq' | 'chainHash'> & { userId: number; chainSeq: number; chainHash: string };

/** All SQL about electronic signatures (the signatures table). */
export class SignatureRepository {
  private readonly sql: Statements;

  constructor(db: Db) {
    this.sql = statements(db);
  }

  /** Stores a signature; returns its id. */
  insert(s: NewSignature): number {
    const info = this.sql(
      `INSERT INTO signatures (user_id, printed_name, meaning, signed_at_utc, record_type, record_id, record_hash, chain_seq, chain_hash)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    ).run(s.userId, s.printedName, s.meaning, s.signedAtUtc, s.recordType, s.recordId, s.recordHash, s.chainSeq, s.chainHash);
    return Number(info.lastInsertRowid);
  }

  /** The signatures below one record, in the order made. */
  forRecord(recordType: string, recordId: string): SignatureRecord[] {
    return this.sql(`SELECT ${SIGNATURE_COLUMNS} FROM signatures WHERE record_type = ? AND record_id = ? ORDER BY id`).all(recordType, recordId) as SignatureRecord[];
  }

  byId(id: number): SignatureRecord | undefined {
    return this.sql(`SELECT ${SIGNATURE_COLUMNS} FROM signatures WHERE id = ?`).get(id) as SignatureRecord | undefined;
  }
}
