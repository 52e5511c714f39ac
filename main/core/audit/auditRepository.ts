import type { Db } from '../db/database';
import type { AuditEventsTable } from '../db/tables';
import { statements, type Statements } from '../db/statements';

/** An audit event as stored (audit_events' columns, as the migrations build them): what the hash covers, and the hash. */
export type StoredAuditEvent = AuditEventsTable;

/** The chain head: the last event's sequence number and hash. */
export interface ChainHead {
  seq: number;
  hash: string;
}

/** What the audit screen and the exports filter on (each condition optional; all given ones must hold). */
export interface AuditEventFilter {
  fromUtc?: string | undefined;
  toUtc?: string | undefined;
  username?: string | undefined;
  action?: string | undefined;
  entityType?: string | undefined;
  entityId?: string | undefined;
}

/** Each filter condition and its SQL; only these fixed fragments ever enter a statement's text. */
const CONDITIONS: ReadonlyArray<[keyof AuditEventFilter, string]> = [
  ['fromUtc', 'at_utc >= @fromUtc'],
  ['toUtc', 'at_utc <= @toUtc'],
  ['username', 'username = @username'],
  ['action', 'action = @action'],
  ['entityType', 'entity_type = @entityType'],
  ['entityId', 'entity_id = @entityId'],
];

/** The columns the screen's filters offer the distinct values of. */
export type AuditFacetColumn = 'username' | 'action' | 'entity_type';

/**
 * All SQL about the audit trail (audit_events). The table is append-only (its triggers refuse UPDATE and DELETE), so
 * there is an insert and reads, nothing else. The hash chain is AuditTrail's; this only stores and reads rows.
 */
export class AuditRepository {
  private readonly sql: Statements;

  constructor(private readonly db: Db) {
    this.sql = statements(db);
  }

  /** The last event's sequence number and hash; undefined for an empty trail. Read at every append: prepared once. */
  head(): ChainHead | undefined {
    return this.sql('SELECT seq, hash FROM audit_events ORDER BY seq DESC LIMIT 1').get() as ChainHead | undefined;
  }

  /** Appends one event as given (its seq, links and hash already computed). */
  insert(event: StoredAuditEvent): void {
    this.sql(
      `INSERT INTO audit_events (seq, at_utc, at_offset, user_id, username, action, entity_type, entity_id, before_json,
         after_json, reason, source, signature_id, prev_hash, hash)
       VALUES (@seq, @at_utc, @at_offset, @user_id, @username, @action, @entity_type, @entity_id, @before_json,
         @after_json, @reason, @source, @signature_id, @prev_hash, @hash)`,
    ).run(event);
  }

  /** The hash of event 1, if any. */
  firstEventHash(): string | undefined {
    return (this.sql('SELECT hash FROM audit_events WHERE seq = 1').get() as { hash: string } | undefined)?.hash;
  }

  /** The WHERE clause and parameters of a filter. */
  private where(filter: AuditEventFilter): { clause: string; params: Record<string, unknown> } {
    const where: string[] = [];
    const params: Record<string, unknown> = {};
    for (const [name, sqlCondition] of CONDITIONS) {
      if (filter[name] === undefined) continue;
      where.push(sqlCondition);
      params[name] = filter[name];
    }
    return { clause: where.length ? `WHERE ${where.join(' AND ')}` : '', params };
  }

  /** The events the filter matches in the order written; with `lastOnly`, only that many of the newest, newest first. */
  matching(filter: AuditEventFilter, lastOnly?: number): StoredAuditEvent[] {
    const { clause, params } = this.where(filter);
    const sql = `SELECT * FROM audit_events ${clause} ORDER BY seq ${lastOnly ? 'DESC LIMIT @limit' : ''}`;
    if (lastOnly) params.limit = lastOnly;
    return this.sql(sql).all(params) as StoredAuditEvent[];
  }

  /**
   * How many events the filter matches. Unfiltered, the count is the last sequence number: the chain numbers events
   * 1, 2, 3... with no gap (triggers refuse deletes, and `veil verify` proves there is none), and max(seq) is one
   * lookup where count(*) reads the whole trail.
   */
  count(filter: AuditEventFilter): number {
    const { clause, params } = this.where(filter);
    return clause
      ? (this.sql(`SELECT COUNT(*) AS n FROM audit_events ${clause}`).get(params) as { n: number }).n
      : (this.sql('SELECT coalesce(max(seq), 0) AS n FROM audit_events').get() as { n: number }).n;
  }

  /** One page of the filtered events (seq is the primary key, so the order needs no sort). */
  page(filter: AuditEventFilter, page: { order: 'oldest' | 'newest'; offset: number; limit: number }): StoredAuditEvent[] {
    const { clause, params } = this.where(filter);
    return this.sql(`SELECT * FROM audit_events ${clause} ORDER BY seq ${page.order === 'newest' ? 'DESC' : 'ASC'} LIMIT @limit OFFSET @offset`).all({
      ...params,
      limit: page.limit,
      offset: page.offset,
    }) as StoredAuditEvent[];
  }

  /**
   * The distinct values of one column, read by hopping along the column's index from one value to the next (one
   * lookup per distinct value), so it costs the same for 500 events as for 500,000.
   */
  distinct(column: AuditFacetColumn): string[] {
    return this.db
      .prepare(
        `WITH RECURSIVE hop(v) AS (
           SELECT min(${column}) FROM audit_events
           UNION ALL
           SELECT (SELECT min(${column}) FROM audit_events WHERE ${column} > hop.v) FROM hop WHERE hop.v IS NOT NULL
         )
         SELECT v FROM hop WHERE v IS NOT NULL`,
      )
      .pluck()
      .all() as string[];
  }
}

/** Every stored event in the order written, streamed (the trail may hold hundreds of thousands; `veil verify`). */
export function storedEvents(db: Db): IterableIterator<StoredAuditEvent> {
  return db.prepare('SELECT * FROM audit_events ORDER BY rowid').iterate() as IterableIterator<StoredAuditEvent>;
}

/** The stored hash of one event, or undefined when the chain has no such event. */
export function storedHashAt(db: Db): (seq: number) => string | undefined {
  const statement = db.prepare('SELECT hash FROM audit_events WHERE seq = ?');
  return (seq) => (statement.get(seq) as { hash: string } | undefined)?.hash;
}
