import { describeEvent } from '../../../shared/audit/describeEvent';
import type { StudyConfig } from '../../../shared/study/studyConfig';
import { isoUtc, type Clock } from '../clock';
import { csvRecords, csvRows } from '../csvWriter';
import type { Db } from '../db/database';
import type { Store } from '../db/store';
import type { SignatureRecord, SignatureService } from '../signatures/signatureService';
import type { ReadableIn } from './auditRepository';
import { type AuditEvent, type AuditFilter, type AuditTrail } from './auditTrail';
import { PostgresRecordedStateRepository } from './postgresRecordedStateRepository';
import { RecordedStateRepository } from './recordedStateRepository';
import { verifyRecord, type RecordCheckOptions } from './recordVerification';

export interface AuditFilterInput {
  from?: string | undefined;
  to?: string | undefined;
  username?: string | undefined;
  action?: string | undefined;
  entityType?: string | undefined;
  entityId?: string | undefined;
  study?: string | undefined;
}

export interface AuditListInput extends AuditFilterInput {
  order: 'oldest' | 'newest';
  page: number;
  pageSize: number;
}

/** Local calendar days (as the monitor types them) to a UTC range. */
function toFilter(input: AuditFilterInput): AuditFilter {
  const filter: AuditFilter = {};
  if (input.from) filter.fromUtc = new Date(`${input.from}T00:00:00`).toISOString();
  if (input.to) filter.toUtc = new Date(`${input.to}T23:59:59.999`).toISOString();
  if (input.username) filter.username = input.username;
  if (input.action) filter.action = input.action;
  if (input.entityType) filter.entityType = input.entityType;
  if (input.entityId) filter.entityId = input.entityId;
  if (input.study) filter.study = input.study;
  return filter;
}

/** What monitors and inspectors read: the trail, filtered, in plain words, with signatures, and as CSV. */
export class AuditService {
  constructor(
    /** The SQLite file, for the file checks of `veil verify`; null on PostgreSQL (read through the Store instead). */
    private readonly db: Db | null,
    private readonly store: Store,
    private readonly trail: AuditTrail,
    private readonly signatures: SignatureService,
    private readonly clock: Clock,
    private readonly study: () => StudyConfig | null,
    /** This database's anchors (beside the file), so the check on screen also sees a rewritten or cut history. */
    private readonly anchors: () => Promise<NonNullable<RecordCheckOptions['anchors']>>,
    /** What the caller's study lets them read, with several studies in the database; undefined: every event (one study). */
    private readonly readable: () => ReadableIn | undefined = () => undefined,
  ) {}

  /** The caller's filter, kept to the events their study lets them read. */
  private filterOf(input: AuditFilterInput): AuditFilter {
    const readableIn = this.readable();
    return { ...toFilter(input), ...(readableIn ? { readableIn } : {}) };
  }

  /** One page of the filtered trail, as the screen reads it. */
  async list(input: AuditListInput) {
    const { order, page, pageSize, ...filter } = input;
    const { events, total } = await this.trail.page(this.filterOf(filter), { order, offset: (page - 1) * pageSize, limit: pageSize });
    const facets = await this.trail.facets();
    // Another study's code is not the caller's to learn from the filter's choices either.
    const readableIn = this.readable();
    const studies = readableIn ? facets.studies.filter((code) => code === readableIn.code) : facets.studies;
    return { events: await this.views(events), seal: await this.trail.seal(), total, page, pageSize, facets: { ...facets, studies } };
  }

  /** Events as the screens show them, each signature read once. */
  async views(events: AuditEvent[]) {
    const signatures = new Map<number, SignatureRecord | null>();
    for (const e of events) {
      if (e.signatureId !== null && !signatures.has(e.signatureId)) signatures.set(e.signatureId, (await this.signatures.byId(e.signatureId)) ?? null);
    }
    return events.map((e) => this.shown(e, e.signatureId === null ? null : (signatures.get(e.signatureId) ?? null)));
  }

  /** An event as the screens show it, with its signature. */
  async view(e: AuditEvent) {
    return this.shown(e, e.signatureId === null ? null : ((await this.signatures.byId(e.signatureId)) ?? null));
  }

  private shown(e: AuditEvent, signature: SignatureRecord | null) {
    return {
      seq: e.seq,
      atUtc: e.atUtc,
      atOffset: e.atOffset,
      username: e.username,
      action: e.action,
      entityType: e.entityType,
      entityId: e.entityId,
      study: e.study,
      before: e.before,
      after: e.after,
      reason: e.reason,
      source: e.source,
      signature: signature && { id: signature.id, printedName: signature.printedName, meaning: signature.meaning, signedAtUtc: signature.signedAtUtc },
      hash: e.hash,
    };
  }

  async exportCsv(input: AuditFilterInput): Promise<{ fileName: string; csv: string }> {
    // The export is the whole filtered trail, never a page.
    const events = await this.views(await this.trail.query(this.filterOf(input)));
    const seal = await this.trail.seal();
    const printedAt = isoUtc(this.clock.now());
    const study = this.study();
    const preamble = csvRows([
      ['Veil audit trail export', study ? `${study.code} (${study.sponsor.protocolNumber})` : 'no study loaded'],
      ['Audit seal (chain head)', `event ${seal.seq}`, seal.hash],
      ['Printed at (UTC)', printedAt],
      ['Filter', JSON.stringify(input)],
    ]);
    const columns = ['seq', 'time_utc', 'utc_offset', 'user', 'study', 'action', 'description', 'entity_type', 'entity_id', 'old_value', 'new_value', 'reason', 'source', 'signature', 'hash'] as const;
    const body = csvRecords(
      columns,
      events.map((e) => ({
        seq: e.seq,
        time_utc: e.atUtc,
        utc_offset: e.atOffset,
        user: e.username,
        study: e.study ?? '',
        action: e.action,
        description: describeEvent(e),
        entity_type: e.entityType,
        entity_id: e.entityId,
        old_value: e.before === null ? '' : JSON.stringify(e.before),
        new_value: e.after === null ? '' : JSON.stringify(e.after),
        reason: e.reason ?? '',
        source: e.source ?? '',
        signature: e.signature ? `${e.signature.printedName} | ${e.signature.meaning} | ${e.signature.signedAtUtc}` : '',
        hash: e.hash,
      })),
    );
    return { fileName: `audit-trail-${printedAt.slice(0, 10)}-seal-${seal.seq}.csv`, csv: `${preamble}\r\n\r\n${body}\r\n` };
  }

  /**
   * The same checks as `veil verify` but the sealed values (no key is used here): chain, dates, anchors, signatures'
   * chain heads and the replay of the events against the tables, on either engine (on PostgreSQL in one read-only
   * snapshot, while workstations go on writing). The first problem is named.
   */
  async verify() {
    const seal = await this.trail.seal();
    const options = { anchors: await this.anchors() };
    const report = this.db
      ? await verifyRecord(new RecordedStateRepository(this.db), options)
      : await PostgresRecordedStateRepository.inSnapshot(this.store.q(), (state) => verifyRecord(state, options));
    const first = report.findings[0];
    const firstBroken = report.chain.firstBroken ?? (first ? { seq: first.seq ?? seal.seq, problem: first.text } : null);
    return { ok: report.ok, events: report.events, firstBroken, seal };
  }
}
