import { z } from 'zod';

/**
 * What a window may be told has changed in the records, after a commit at this workstation or another one
 * (`records.changed`). Broad areas of the pharmacy, each the data of some screens: never a table that holds arms,
 * never an id, a kit number or a patient. The main process maps tables onto these in one place
 * (main/core/records/recordTopics.ts); the renderer reloads the lists that show the topics it is told about.
 */
export const RECORD_TOPICS = ['kits', 'patients', 'shipments', 'returns', 'reconciliation', 'storage', 'labels', 'audit', 'users', 'settings', 'study'] as const;
export const RecordTopic = z.enum(RECORD_TOPICS);
export type RecordTopic = z.output<typeof RecordTopic>;

export const recordsEvents = {
  'records.changed': {
    description:
      'Records were committed, at this workstation or another on the same database: reload the lists that show these topics. ' +
      'Topics only (kits, patients, shipments, returns, reconciliation, storage, labels, audit, users, settings, study), ' +
      'in a fixed order, at most one notice per quarter second: never an id, a kit number, a patient or an arm.',
    payload: z.object({ topics: z.array(RecordTopic).min(1) }),
  },
} as const;
