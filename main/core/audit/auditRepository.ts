import { sql, type ExpressionBuilder, type InsertResult, type Selectable } from 'kysely';
import type { Db } from '../db/database';
import type { PreparedQuery, Store } from '../db/store';
import type { AuditEventsTable, VeilTables } from '../db/tables';

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
  /** The study the events name. */
  study?: string | undefined;
  /** Only the events a reader of this study may read (several studies in one database): see ReadableIn. */
  readableIn?: ReadableIn | undefined;
}

/**
 * The events a reader working in one study may read: those naming it, the site's (naming none, of a site action),
 * and, for the site's first study, the events written before events named their study (migration 18), all its own.
 * Another study's events are not theirs to read, even though nothing in them is an arm: which kits moved, who was
 * randomized when, belong to the people delegated to that study (issue 14, step 3).
 */
export interface ReadableIn {
  code: string;
  ownsUnnamed: boolean;
  siteActions: readonly string[];
}

/** The columns the screen's filters offer the distinct values of. */
export type AuditFacetColumn = 'username' | 'action' | 'entity_type' | 'study_code';

/** Binary order of the text, as SQLite sorts it, whatever the PostgreSQL server's collation. */
const byText = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** How many events `eventsFrom` reads per query when the whole trail is followed (`veil verify`, the chain check). */
const EVENTS_PER_READ = 2000;

/** The conditions of a filter, on fixed columns only (values are parameters). */
function where(filter: AuditEventFilter) {
  return (eb: ExpressionBuilder<VeilTables, 'audit_events'>) => {
    const all = [];
    if (filter.fromUtc !== undefined) all.push(eb('at_utc', '>=', filter.fromUtc));
    if (filter.toUtc !== undefined) all.push(eb('at_utc', '<=', filter.toUtc));
    if (filter.username !== undefined) all.push(eb('username', '=', filter.username));
    if (filter.action !== undefined) all.push(eb('action', '=', filter.action));
    if (filter.entityType !== undefined) all.push(eb('entity_type', '=', filter.entityType));
    if (filter.entityId !== undefined) all.push(eb('entity_id', '=', filter.entityId));
    if (filter.study !== undefined) all.push(eb('study_code', '=', filter.study));
    const readable = filter.readableIn;
    if (readable !== undefined) {
      const unnamed = readable.ownsUnnamed ? eb('study_code', 'is', null) : eb.and([eb('study_code', 'is', null), eb('action', 'in', readable.siteActions)]);
      all.push(eb.or([eb('study_code', '=', readable.code), unnamed]));
    }
    return eb.and(all);
  };
}

const filtered = (filter: AuditEventFilter) => Object.values(filter).some((v) => v !== undefined);

/**
 * All SQL about the audit trail (audit_events), on the Store (issue 13). The table is append-only (its triggers refuse
 * UPDATE and DELETE), so there is an insert and reads, nothing else. The hash chain is AuditTrail's; this only stores
 * and reads rows. The head read and the insert run on every workflow step: prepared once.
 */
export class AuditRepository {
  private readonly headQuery: PreparedQuery<[], ChainHead>;
  private readonly insertQuery: PreparedQuery<
    [number, string, string, number | null, string, string, string, string, string | null, string | null, string | null, string | null, number | null, string | null, string, string],
    InsertResult
  >;

  constructor(private readonly store: Store) {
    this.headQuery = store.prepare((q) => q.selectFrom('audit_events').select(['seq', 'hash']).orderBy('seq', 'desc').limit(1));
    this.insertQuery = store.prepare(
      (q, seq: number, at_utc: string, at_offset: string, user_id: number | null, username: string, action: string, entity_type: string, entity_id: string,
        before_json: string | null, after_json: string | null, reason: string | null, source: string | null, signature_id: number | null, study_code: string | null, prev_hash: string, hash: string) =>
        q.insertInto('audit_events').values({ seq, at_utc, at_offset, user_id, username, action, entity_type, entity_id, before_json, after_json, reason, source, signature_id, study_code, prev_hash, hash }),
    );
  }

  /** The last event's sequence number and hash; undefined for an empty trail. */
  async head(): Promise<ChainHead | undefined> {
    const [row] = await this.headQuery.run();
    return row;
  }

  /** Appends one event as given (its seq, links and hash already computed). */
  async insert(e: StoredAuditEvent): Promise<void> {
    await this.insertQuery.run(e.seq, e.at_utc, e.at_offset, e.user_id, e.username, e.action, e.entity_type, e.entity_id, e.before_json, e.after_json, e.reason, e.source, e.signature_id, e.study_code, e.prev_hash, e.hash);
  }

  /** The hash of event 1, if any. */
  async firstEventHash(): Promise<string | undefined> {
    const row = await this.store.q().selectFrom('audit_events').select('hash').where('seq', '=', 1).executeTakeFirst();
    return row?.hash;
  }

  /** The events the filter matches in the order written; with `lastOnly`, only that many of the newest, newest first. */
  async matching(filter: AuditEventFilter, lastOnly?: number): Promise<StoredAuditEvent[]> {
    let query = this.store.q().selectFrom('audit_events').selectAll().where(where(filter));
    query = lastOnly ? query.orderBy('seq', 'desc').limit(lastOnly) : query.orderBy('seq', 'asc');
    return (await query.execute()) as StoredAuditEvent[];
  }

  /**
   * How many events the filter matches. Unfiltered, the count is the last sequence number: the chain numbers events
   * 1, 2, 3... with no gap (triggers refuse deletes, and `veil verify` proves there is none), and max(seq) is one
   * lookup where count(*) reads the whole trail.
   */
  async count(filter: AuditEventFilter): Promise<number> {
    const q = this.store.q();
    if (filtered(filter)) {
      const row = await q.selectFrom('audit_events').where(where(filter)).select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
      return Number(row.n);
    }
    const row = await q.selectFrom('audit_events').select((eb) => eb.fn.max('seq').as('n')).executeTakeFirst();
    return Number(row?.n ?? 0);
  }

  /** One page of the filtered events (seq is the primary key, so the order needs no sort). */
  async page(filter: AuditEventFilter, page: { order: 'oldest' | 'newest'; offset: number; limit: number }): Promise<StoredAuditEvent[]> {
    return (await this.store
      .q()
      .selectFrom('audit_events')
      .selectAll()
      .where(where(filter))
      .orderBy('seq', page.order === 'newest' ? 'desc' : 'asc')
      .limit(page.limit)
      .offset(page.offset)
      .execute()) as StoredAuditEvent[];
  }

  /**
   * The distinct values of one column, read by hopping along the column's index from one value to the next (one
   * lookup per distinct value), so it costs the same for 500 events as for 500,000. Sorted in code (collations differ).
   */
  async distinct(column: AuditFacetColumn): Promise<string[]> {
    const c = sql.ref(column);
    const { rows } = await sql<{ v: string }>`
      WITH RECURSIVE hop(v) AS (
        SELECT min(${c}) FROM audit_events
        UNION ALL
        SELECT (SELECT min(${c}) FROM audit_events WHERE ${c} > hop.v) FROM hop WHERE hop.v IS NOT NULL
      )
      SELECT v FROM hop WHERE v IS NOT NULL`.execute(this.store.q());
    return rows.map((r) => r.v).sort(byText);
  }

  /** Up to `limit` events in order, from the first or after sequence number `afterSeq`: the trail a slice at a time. */
  async eventsAfter(afterSeq: number | null, limit: number): Promise<StoredAuditEvent[]> {
    let query = this.store.q().selectFrom('audit_events').selectAll();
    if (afterSeq !== null) query = query.where('seq', '>', afterSeq);
    return (await query.orderBy('seq', 'asc').limit(limit).execute()) as Selectable<AuditEventsTable>[];
  }

  /** Every stored event in the order written, read a slice at a time (the trail may hold hundreds of thousands). */
  async *all(): AsyncIterableIterator<StoredAuditEvent> {
    let after: number | null = null;
    for (;;) {
      const slice = await this.eventsAfter(after, EVENTS_PER_READ);
      for (const row of slice) yield row;
      if (slice.length < EVENTS_PER_READ) return;
      after = slice[slice.length - 1]!.seq;
    }
  }
}

/** Every stored event in the order written, streamed from an SQLite file (`veil verify` on a file). */
export function storedEvents(db: Db): IterableIterator<StoredAuditEvent> {
  return db.prepare('SELECT * FROM audit_events ORDER BY rowid').iterate() as IterableIterator<StoredAuditEvent>;
}

/** The head and first hash of an SQLite file, read at once (the last anchor at close, which cannot wait). */
export function committedChainOf(db: Db): () => { head: ChainHead | undefined; firstHash: string | undefined } {
  const head = db.prepare('SELECT seq, hash FROM audit_events ORDER BY seq DESC LIMIT 1');
  const first = db.prepare('SELECT hash FROM audit_events WHERE seq = 1');
  return () => ({ head: head.get() as ChainHead | undefined, firstHash: (first.get() as { hash: string } | undefined)?.hash });
}

/** The stored hash of one event, or undefined when the chain has no such event (an SQLite file, `veil verify`). */
export function storedHashAt(db: Db): (seq: number) => string | undefined {
  const statement = db.prepare('SELECT hash FROM audit_events WHERE seq = ?');
  return (seq) => (statement.get(seq) as { hash: string } | undefined)?.hash;
}
