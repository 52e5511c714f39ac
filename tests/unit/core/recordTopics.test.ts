import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { events } from '../../../shared/contract';
import { RECORD_TOPICS } from '../../../shared/contract/records';
import { RecordsChangedNotices, TABLE_TOPICS, topicsOf } from '../../../main/core/records/recordTopics';

/** The tables whose columns hold sealed arms, lots, expiry dates, block contents or key material, read from tables.ts. */
function tablesWithSealedColumns(): string[] {
  const source = readFileSync('main/core/db/tables.ts', 'utf8');
  const interfaces = new Map<string, string>();
  for (const match of source.matchAll(/export interface (\w+)Table \{([^}]*)\}/g)) interfaces.set(match[1]!, match[2]!);
  const registry = /export interface VeilTables \{([^}]*)\}/.exec(source)![1]!;
  const sealed: string[] = [];
  for (const match of registry.matchAll(/(\w+): (\w+)Table;/g)) {
    const columns = interfaces.get(match[2]!) ?? '';
    if (/\b\w*(sealed|wrap|private_key)\w*\??:/.test(columns)) sealed.push(match[1]!);
  }
  return sealed.sort();
}

describe('records.changed: tables to topics (main/core/records/recordTopics.ts)', () => {
  it('places every table of the schema, and only topics the contract names', () => {
    const source = readFileSync('main/core/db/tables.ts', 'utf8');
    const tables = [...(/export interface VeilTables \{([^}]*)\}/.exec(source)![1]!).matchAll(/(\w+): \w+Table;/g)].map((m) => m[1]!);
    expect(Object.keys(TABLE_TOPICS).sort()).toEqual(tables.sort());
    for (const topics of Object.values(TABLE_TOPICS)) for (const topic of topics) expect(RECORD_TOPICS).toContain(topic);
    expect(events['records.changed'].payload.safeParse({ topics: [...RECORD_TOPICS] }).success).toBe(true);
  });

  it('a table that holds sealed arms or keys raises no topic, except the kits, which raise only the neutral "kits"', () => {
    const sealed = tablesWithSealedColumns();
    // The parse must find them, or the test would pass on nothing.
    expect(sealed).toEqual(['block_transition_wraps', 'blocks_in_transition', 'key_wraps', 'kits', 'randomization_slots', 'user_keys']);
    for (const table of sealed) expect(TABLE_TOPICS[table as keyof typeof TABLE_TOPICS], table).toEqual(table === 'kits' ? ['kits'] : []);
    // Code-break attempts are unblinded work too: no notice.
    expect(topicsOf(['code_break_attempts'])).toEqual([]);
    // No topic is named after an arm-only table.
    for (const topic of RECORD_TOPICS) expect(sealed.filter((t) => t !== 'kits')).not.toContain(topic);
  });

  it('a randomization tells the patients, never the slot it took; re-sealing a block tells nothing', () => {
    expect(topicsOf(['randomization_slots', 'patients', 'audit_events', 'signatures'])).toEqual(['patients', 'audit']);
    expect(topicsOf(['randomization_slots', 'blocks_in_transition', 'block_transition_wraps'])).toEqual([]);
    expect(topicsOf(['key_wraps', 'user_keys'])).toEqual([]);
  });

  it('gives the topics in the contract order, whatever order the tables were written in; unknown tables raise nothing', () => {
    expect(topicsOf(['audit_events', 'shipment_kits', 'kits'])).toEqual(['kits', 'shipments', 'audit']);
    expect(topicsOf(['kits', 'shipment_kits', 'audit_events'])).toEqual(['kits', 'shipments', 'audit']);
    expect(topicsOf(['a_newer_veils_table', 'toString', '__proto__'])).toEqual([]);
  });
});

describe('RecordsChangedNotices: bursts joined', () => {
  afterEach(() => vi.useRealTimers());

  it('a 50-kit burst of commits sends one notice, within the gathering window', () => {
    vi.useFakeTimers();
    const sent: string[][] = [];
    const notices = new RecordsChangedNotices((topics) => sent.push(topics), 200);
    for (let i = 0; i < 50; i++) notices.changed({ tables: ['shipment_kits', 'kits', 'audit_events'], from: 'another_process' });
    notices.changed({ tables: ['patients'], from: 'this_process' });
    expect(sent).toEqual([]);
    vi.advanceTimersByTime(199);
    expect(sent).toEqual([]);
    vi.advanceTimersByTime(1);
    expect(sent).toEqual([['kits', 'patients', 'shipments', 'audit']]);
    // A later change opens a new window.
    notices.changed({ tables: ['storage_locations'], from: 'this_process' });
    vi.advanceTimersByTime(200);
    expect(sent).toEqual([['kits', 'patients', 'shipments', 'audit'], ['storage']]);
  });

  it('a change that raises no topic opens no window and sends nothing; stop() drops what is pending', () => {
    vi.useFakeTimers();
    const sent: string[][] = [];
    const notices = new RecordsChangedNotices((topics) => sent.push(topics), 200);
    notices.changed({ tables: ['randomization_slots', 'key_wraps'], from: 'another_process' });
    vi.advanceTimersByTime(1000);
    expect(sent).toEqual([]);
    notices.changed({ tables: ['kits'], from: 'another_process' });
    notices.stop();
    vi.advanceTimersByTime(1000);
    expect(sent).toEqual([]);
  });
});
