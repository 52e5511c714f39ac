import type { Selectable } from 'kysely';
import type { Role } from '../../../shared/roles';
import type { PreparedQuery, Store } from '../db/store';
import type { DelegationsTable } from '../db/tables';

/** One row of the delegation log: a user's role in one study, from a day, to a day if one is set. */
export interface DelegationRow {
  id: number;
  userId: number;
  studyId: number;
  role: Role;
  /** The first day of the delegation (YYYY-MM-DD, the site's local date). */
  startsOn: string;
  /** The last day, inclusive; null while open-ended. */
  endsOn: string | null;
  grantedAt: string;
  /** Null for a delegation carried over from the user's role when the database was upgraded (nobody signed it). */
  grantedBy: number | null;
  signatureId: number | null;
  reason: string | null;
  endedAt: string | null;
  endedBy: number | null;
  endSignatureId: number | null;
  endReason: string | null;
}

function toDelegation(raw: Selectable<DelegationsTable>): DelegationRow {
  return {
    id: raw.id,
    userId: raw.user_id,
    studyId: raw.study_id,
    role: raw.role as Role,
    startsOn: raw.starts_on,
    endsOn: raw.ends_on,
    grantedAt: raw.granted_at,
    grantedBy: raw.granted_by,
    signatureId: raw.signature_id,
    reason: raw.reason,
    endedAt: raw.ended_at,
    endedBy: raw.ended_by,
    endSignatureId: raw.end_signature_id,
    endReason: raw.end_reason,
  };
}

/** A delegation as granted: everything but its id and its end. */
export type NewDelegation = Omit<DelegationRow, 'id' | 'endedAt' | 'endedBy' | 'endSignatureId' | 'endReason'>;

/**
 * All SQL about delegations (migration 21). The table is the site's: it names the study on each row, and every read
 * asks for one study (a user's delegations to the study of the call, or a study's log).
 */
export class DelegationRepository {
  // Read on every call through the router, after the caller's account: prepared once.
  private readonly ofUserQuery: PreparedQuery<[number, number], Selectable<DelegationsTable>>;
  // The study switcher and Today read a user's roles in every study at once: one read, whatever the studies, of the
  // two columns they need (a whole row costs some 3 µs to read: 20 studies made a switch 2.3 times slower than one).
  private readonly rolesOnQuery: PreparedQuery<[number, string], { study_id: number; role: string }>;

  constructor(private readonly store: Store) {
    this.ofUserQuery = store.prepare((q, userId: number, studyId: number) =>
      q.selectFrom('delegations').selectAll().where('user_id', '=', userId).where('study_id', '=', studyId).orderBy('starts_on').orderBy('id'),
    );
    // Valid on the day (studyRole.ts, validOn): started, not past its last day, not ended early.
    this.rolesOnQuery = store.prepare((q, userId: number, day: string) =>
      q
        .selectFrom('delegations')
        .select(['study_id', 'role'])
        .where('user_id', '=', userId)
        .where('ended_at', 'is', null)
        .where('starts_on', '<=', day)
        .where((eb) => eb.or([eb('ends_on', 'is', null), eb('ends_on', '>=', day)]))
        .orderBy('study_id')
        .orderBy('starts_on')
        .orderBy('id'),
    );
  }

  /**
   * The user's role in each study on the day, by study id: the role of the latest delegation valid that day (as
   * delegatedRoleOn decides it), studies with none left out.
   */
  async rolesOn(userId: number, day: string): Promise<Map<number, Role>> {
    const roles = new Map<number, Role>();
    // In start order within a study: the last one read is the latest.
    for (const row of await this.rolesOnQuery.run(userId, day)) roles.set(row.study_id, row.role as Role);
    return roles;
  }

  /** A user's delegations to one study, oldest first. */
  async ofUser(userId: number, studyId: number): Promise<DelegationRow[]> {
    return (await this.ofUserQuery.run(userId, studyId)).map(toDelegation);
  }

  /** A study's delegation log, in the order the delegations start. */
  async ofStudy(studyId: number): Promise<DelegationRow[]> {
    const rows = await this.store.q().selectFrom('delegations').selectAll().where('study_id', '=', studyId).orderBy('starts_on').orderBy('id').execute();
    return rows.map(toDelegation);
  }

  async byId(id: number): Promise<DelegationRow | undefined> {
    const raw = await this.store.q().selectFrom('delegations').selectAll().where('id', '=', id).executeTakeFirst();
    return raw && toDelegation(raw);
  }

  async insert(d: NewDelegation): Promise<number> {
    const row = await this.store
      .q()
      .insertInto('delegations')
      .values({
        user_id: d.userId,
        study_id: d.studyId,
        role: d.role,
        starts_on: d.startsOn,
        ends_on: d.endsOn,
        granted_at: d.grantedAt,
        granted_by: d.grantedBy,
        signature_id: d.signatureId,
        reason: d.reason,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    return row.id;
  }

  /**
   * Ends a delegation: `endsOn` is its last day, as the log prints it; `endedAt` set means it ended at that moment
   * (no longer valid even on its last day), null that it stays valid until the end of `endsOn`.
   */
  async end(id: number, e: { endsOn: string; endedAt: string | null; endedBy: number; signatureId: number | null; reason: string }): Promise<void> {
    await this.store
      .q()
      .updateTable('delegations')
      .set({ ends_on: e.endsOn, ended_at: e.endedAt, ended_by: e.endedBy, end_signature_id: e.signatureId, end_reason: e.reason })
      .where('id', '=', id)
      .execute();
  }
}
