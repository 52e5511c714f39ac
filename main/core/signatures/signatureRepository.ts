import type { PreparedQuery, Store } from '../db/store';
import type { SignatureRecord } from './signatureService';

/** A signature as it is written: who signed, with what meaning, when, bound to which record and which chain head. */
export type NewSignature = Omit<SignatureRecord, 'id' | 'chainSeq' | 'chainHash'> & { userId: number; chainSeq: number; chainHash: string };

/** All SQL about electronic signatures (the signatures table), on the Store (issue 13). */
export class SignatureRepository {
  // Every signed dispensing writes one: prepared once.
  private readonly insertQuery: PreparedQuery<[number, string, string, string, string, string, string, number, string], { id: number }>;

  constructor(private readonly store: Store) {
    this.insertQuery = store.prepare(
      (q, user_id: number, printed_name: string, meaning: string, signed_at_utc: string, record_type: string, record_id: string, record_hash: string, chain_seq: number, chain_hash: string) =>
        q.insertInto('signatures').values({ user_id, printed_name, meaning, signed_at_utc, record_type, record_id, record_hash, chain_seq, chain_hash }).returning('id'),
    );
  }

  private columns() {
    return this.store
      .q()
      .selectFrom('signatures')
      .select(['id', 'printed_name as printedName', 'meaning', 'signed_at_utc as signedAtUtc', 'record_type as recordType', 'record_id as recordId', 'record_hash as recordHash', 'chain_seq as chainSeq', 'chain_hash as chainHash']);
  }

  /** Stores a signature; returns its id. */
  async insert(s: NewSignature): Promise<number> {
    const [row] = await this.insertQuery.run(s.userId, s.printedName, s.meaning, s.signedAtUtc, s.recordType, s.recordId, s.recordHash, s.chainSeq, s.chainHash);
    return Number(row!.id);
  }

  /** The signatures below one record, in the order made. */
  async forRecord(recordType: string, recordId: string): Promise<SignatureRecord[]> {
    return this.columns().where('record_type', '=', recordType).where('record_id', '=', recordId).orderBy('id').execute();
  }

  async byId(id: number): Promise<SignatureRecord | undefined> {
    return this.columns().where('id', '=', id).executeTakeFirst();
  }
}
