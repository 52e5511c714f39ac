import { createHash } from 'node:crypto';
import { canonicalJson } from '../../../shared/canonicalJson';
import { namesItsStudy } from '../../../shared/audit/eventScope';
import { wellFormed } from '../../../shared/text/wellFormedText';
import type { Db } from '../db/database';
import type { Store } from '../db/store';
import { storedEvents, type AuditRepository, type ReadableIn, type StoredAuditEvent } from './auditRepository';
import type { Clock } from '../clock';

/**
 * The audit trail (21 CFR 11.10(e), Annex 11 s9; DESIGN.md section 4): append-only (triggers refuse UPDATE and
 * DELETE), hash-chained (each event's hash covers the previous hash and the canonical form of the event), written in
 * the same transaction as the change it records. Arm values never appear here in plain text.
 */
export const GENESIS_HASH = '0'.repeat(64);

export interface AuditActor {
  userId: number | null;
  username: string;
}

export interface NewAuditEvent {
  action: string;
  entityType: string;
  entityId: string;
  before?: unknown;
  after?: unknown;
  reason?: string | null;
  /** How the input arrived where it matters (21 CFR 11.10(h)): 'scanner', 'manual', 'file', 'system'. */
  source?: string | null;
  signatureId?: number | null;
  /**
   * The study the event names, where the action alone does not decide it (a code-break passphrase tried; the study
   * being loaded, not in memory yet). Otherwise the action's scope decides (shared/audit/eventScope.ts): the current
   * study, or none for the site's events.
   */
  study?: string | null;
}

export interface AuditEvent {
  seq: number;
  atUtc: string;
  atOffset: string;
  userId: number | null;
  username: string;
  action: string;
  entityType: string;
  entityId: string;
  before: unknown;
  after: unknown;
  reason: string | null;
  source: string | null;
  signatureId: number | null;
  /** The study the event happened in; null for the site's events (users, settings, storage) and those written before step 18. */
  study: string | null;
  prevHash: string;
  hash: string;
}

/** The local UTC offset of a moment, "+01:00" style, so inspectors see the local time the user saw. */
export function utcOffset(date: Date): string {
  const minutes = -date.getTimezoneOffset();
  const sign = minutes >= 0 ? '+' : '-';
  const abs = Math.abs(minutes);
  return `${sign}${String(Math.floor(abs / 60)).padStart(2, '0')}:${String(abs % 60).padStart(2, '0')}`;
}

/**
 * The exact content the hash covers; changing any stored column changes it. The study is covered only where there is
 * one: events written before it was stored (migration 18) keep the content they were hashed with, and giving a
 * site-wide event a study, or taking an event's study away, changes the content as surely as changing it.
 */
function hashedContent(e: Omit<StoredAuditEvent, 'hash'>): string {
  return canonicalJson({
    ...(e.study_code === null ? {} : { study: e.study_code }),
    seq: e.seq,
    atUtc: e.at_utc,
    atOffset: e.at_offset,
    userId: e.user_id,
    username: e.username,
    action: e.action,
    entityType: e.entity_type,
    entityId: e.entity_id,
    before: e.before_json,
    after: e.after_json,
    reason: e.reason,
    source: e.source,
    signatureId: e.signature_id,
  });
}

export function chainHash(prevHash: string, content: string): string {
  return createHash('sha256').update(prevHash).update('\n').update(content).digest('hex');
}

function toEvent(raw: StoredAuditEvent): AuditEvent {
  return {
    seq: raw.seq,
    atUtc: raw.at_utc,
    atOffset: raw.at_offset,
    userId: raw.user_id,
    username: raw.username,
    action: raw.action,
    entityType: raw.entity_type,
    entityId: raw.entity_id,
    before: raw.before_json === null ? null : JSON.parse(raw.before_json),
    after: raw.after_json === null ? null : JSON.parse(raw.after_json),
    reason: raw.reason,
    source: raw.source,
    signatureId: raw.signature_id,
    study: raw.study_code,
    prevHash: raw.prev_hash,
    hash: raw.hash,
  };
}

export interface AuditFilter {
  fromUtc?: string;
  toUtc?: string;
  username?: string;
  action?: string;
  entityType?: string;
  entityId?: string;
  study?: string;
  /** Only the events a reader of this study may read (AuditRepository's ReadableIn). */
  readableIn?: ReadableIn;
  limit?: number;
}

export class AuditTrail {
  private readonly appendListeners: Array<(event: AuditEvent) => void> = [];

  constructor(
    private readonly store: Store,
    private readonly events: AuditRepository,
    private readonly clock: Clock,
    /** The code of the study calls are made in (null before one is loaded). */
    private readonly currentStudy: () => string | null = () => null,
  ) {}

  /** Told of every event appended, still inside its transaction (the chain anchoring waits for the commit). */
  onAppend(listener: (event: AuditEvent) => void): void {
    this.appendListeners.push(listener);
  }

  /**
   * Appends one event. Must run inside the unit of work of the change it records (`store.transaction`), and be awaited.
   *
   * Two workstations appending at once (PostgreSQL) both read the same head and would both write seq N+1 on it: a
   * fork. What stops it is the unit of work's SERIALIZABLE isolation with its automatic retry, not a lock: the second
   * of the two to commit gets a serialization failure (or, where PostgreSQL cannot see that the seq came from the
   * head it read, a unique violation on audit_events_pkey, which the Store retries too) and runs again from the start
   * on the new head. A lock would not do it: under SERIALIZABLE the snapshot is taken at the unit of work's first
   * statement, usually before the append, so a unit of work that waited for a lock on the head would still read the
   * head as it stood before the wait. On SQLite there is one writer at a time and the question does not arise.
   */
  async append(actor: AuditActor, event: NewAuditEvent): Promise<AuditEvent> {
    if (!this.store.insideUnitOfWork()) throw new Error('An audit event must be written in the unit of work of its change.');
    const head = await this.events.head();
    const now = this.clock.now();
    // Text is stored as UTF-8, so it is hashed and stored in the form it will be read back in (no lone surrogates).
    const text = (value: string | null | undefined) => (value === null || value === undefined ? null : wellFormed(value));
    const raw: Omit<StoredAuditEvent, 'hash'> = {
      seq: (head?.seq ?? 0) + 1,
      at_utc: now.toISOString(),
      at_offset: utcOffset(now),
      user_id: actor.userId,
      username: wellFormed(actor.username),
      action: wellFormed(event.action),
      entity_type: wellFormed(event.entityType),
      entity_id: wellFormed(event.entityId),
      before_json: event.before === undefined ? null : canonicalJson(event.before),
      after_json: event.after === undefined ? null : canonicalJson(event.after),
      reason: text(event.reason),
      source: text(event.source),
      signature_id: event.signatureId ?? null,
      study_code: event.study !== undefined ? event.study : namesItsStudy(event.action) ? this.currentStudy() : null,
      prev_hash: head?.hash ?? GENESIS_HASH,
    };
    const hash = chainHash(raw.prev_hash, hashedContent(raw));
    await this.events.insert({ ...raw, hash });
    const appended = toEvent({ ...raw, hash });
    for (const listener of this.appendListeners) listener(appended);
    return appended;
  }

  /** The chain head: printed on every report and export so a rewritten history no longer matches signed paper. */
  async seal(): Promise<{ seq: number; hash: string }> {
    return (await this.events.head()) ?? { seq: 0, hash: GENESIS_HASH };
  }

  /** The hash of the first event: it names this chain (anchors of another database, or of a chain rewritten from its start, differ). */
  async firstEventHash(): Promise<string | null> {
    return (await this.events.firstEventHash()) ?? null;
  }

  async query(filter: AuditFilter = {}): Promise<AuditEvent[]> {
    const { limit, ...conditions } = filter;
    const rows = (await this.events.matching(conditions, limit)).map(toEvent);
    return limit ? rows.reverse() : rows;
  }

  /**
   * One page of the filtered trail and the number of events the filter matches: the screen reads a page at a time,
   * so a trail of 500,000 events costs what one page costs.
   */
  async page(filter: AuditFilter, page: { order: 'oldest' | 'newest'; offset: number; limit: number }): Promise<{ events: AuditEvent[]; total: number }> {
    const { limit: _limit, ...conditions } = filter;
    const total = await this.events.count(conditions);
    const events = (await this.events.page(conditions, page)).map(toEvent);
    return { events, total };
  }

  /** The users, actions, record types and studies present in the trail: what the screen's filters offer (index hops, see the repository). */
  async facets(): Promise<{ usernames: string[]; actions: string[]; entityTypes: string[]; studies: string[] }> {
    return {
      usernames: await this.events.distinct('username'),
      actions: await this.events.distinct('action'),
      entityTypes: await this.events.distinct('entity_type'),
      studies: await this.events.distinct('study_code'),
    };
  }

  /** Recomputes the chain from the first event, on either engine (see ChainFollower; `verifyChain` reads an SQLite file). */
  async verifyChain(): Promise<ChainReport> {
    const follower = new ChainFollower();
    for await (const row of this.events.all()) {
      follower.follow(row);
      if (follower.broken) return { ok: false, events: follower.events, firstBroken: follower.broken };
    }
    return { ok: true, events: follower.events };
  }
}

export interface ChainReport {
  ok: boolean;
  events: number;
  /** The first event that does not hold, by sequence number, and why. */
  firstBroken?: { seq: number; problem: string };
}

/** An event as stored, for the checks that stream the whole trail (`veil verify`). */
export type { StoredAuditEvent } from './auditRepository';

/**
 * Follows the chain one event at a time: catches a changed event (its hash no longer matches), a deleted one (a gap
 * in the sequence or a broken link), and reordered ones (links no longer follow). Returns the problem of the first
 * event that does not hold; after one, it stops judging (everything after a break is unproven).
 */
export class ChainFollower {
  private prevHash = GENESIS_HASH;
  private expectedSeq = 1;
  events = 0;
  broken: { seq: number; problem: string } | null = null;

  follow(row: StoredAuditEvent): void {
    this.events++;
    if (this.broken) return;
    if (row.seq !== this.expectedSeq) {
      this.broken = { seq: row.seq, problem: `expected event ${this.expectedSeq} here: an event was deleted, inserted or moved` };
      return;
    }
    if (row.prev_hash !== this.prevHash) {
      this.broken = { seq: row.seq, problem: 'its link to the previous event is broken' };
      return;
    }
    const { hash, ...rest } = row;
    if (chainHash(this.prevHash, hashedContent(rest)) !== hash) {
      this.broken = { seq: row.seq, problem: 'its content was changed after it was written' };
      return;
    }
    this.prevHash = hash;
    this.expectedSeq++;
  }
}

/** Recomputes the chain of an SQLite file from the first event (see ChainFollower; AuditTrail.verifyChain on the Store). */
export function verifyChain(db: Db): ChainReport {
  const follower = new ChainFollower();
  for (const row of storedEvents(db)) {
    follower.follow(row);
    if (follower.broken) return { ok: false, events: follower.events, firstBroken: follower.broken };
  }
  return { ok: true, events: follower.events };
}
