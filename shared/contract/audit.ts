import { z } from 'zod';
import { channel } from './channel';
import { Empty, IsoTime, SignatureView, text } from './schemas';

export const AuditFilterInput = z
  .object({
    from: z.string().date().optional(),
    to: z.string().date().optional(),
    username: text('username').min(1).optional(),
    action: text('identifier').min(1).optional(),
    entityType: text('identifier').min(1).optional(),
    entityId: text('identifier').min(1).optional(),
    /** The study the events name (the study's code). */
    study: text('identifier').min(1).optional(),
  })
  .strict();

/** The most events one page of the audit trail screen carries. */
export const AUDIT_PAGE_MAX = 500;

export const AuditListInput = z
  .object({
    ...AuditFilterInput.shape,
    order: z.enum(['oldest', 'newest']).default('oldest'),
    page: z.number().int().min(1).max(1_000_000_000).default(1),
    pageSize: z.number().int().min(1).max(AUDIT_PAGE_MAX).default(100),
  })
  .strict();

export const AuditEventView = z.object({
  seq: z.number().int(),
  atUtc: IsoTime,
  atOffset: z.string(),
  username: z.string(),
  action: z.string(),
  entityType: z.string(),
  entityId: z.string(),
  /** The study the event happened in; null for the site's events and those written before events named their study. */
  study: z.string().nullable(),
  before: z.unknown(),
  after: z.unknown(),
  reason: z.string().nullable(),
  source: z.string().nullable(),
  signature: SignatureView.nullable(),
  hash: z.string(),
});

export const AuditSeal = z.object({ seq: z.number().int(), hash: z.string() });

export const auditChannels = {
  list: channel({
    kind: 'query',
    description:
      'One page of the audit trail, oldest or newest first, filtered by date (local days, inclusive), user, action, entity and study; the number of events the filter matches, and the users, actions, record types and studies the trail holds (for the filters).',
    input: AuditListInput,
    output: z.object({
      events: z.array(AuditEventView),
      seal: AuditSeal,
      total: z.number().int(),
      page: z.number().int(),
      pageSize: z.number().int(),
      facets: z.object({ usernames: z.array(z.string()), actions: z.array(z.string()), entityTypes: z.array(z.string()), studies: z.array(z.string()) }),
    }),
    access: 'audit.read',
    signature: null,
    examples: [{}, { action: 'user.created' }, { study: 'NS-DUPI', order: 'newest', page: 2, pageSize: 20 }],
  }),
  exportCsv: channel({
    kind: 'query',
    description: 'The filtered audit trail as a CSV file, with the audit seal in its header lines.',
    input: AuditFilterInput,
    output: z.object({ fileName: z.string(), csv: z.string() }),
    access: 'audit.read',
    signature: null,
    examples: [{}],
  }),
  verify: channel({
    kind: 'query',
    description: 'Recompute the audit chain now and say whether it holds.',
    input: Empty,
    output: z.object({ ok: z.boolean(), events: z.number().int(), firstBroken: z.object({ seq: z.number().int(), problem: z.string() }).nullable(), seal: AuditSeal }),
    access: 'audit.read',
    signature: null,
    examples: [{}],
  }),
};
