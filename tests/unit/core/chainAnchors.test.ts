import { appendFileSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AuditTrail } from '../../../main/core/audit/auditTrail';
import { AuditRepository, committedChainOf } from '../../../main/core/audit/auditRepository';
import { anchorLocation, anchorPublicKey, anchorSignatureHolds, ChainAnchoring, readAnchorLines, type Anchor } from '../../../main/core/audit/chainAnchors';
import { openDatabase, type Db } from '../../../main/core/db/database';
import { sqliteStore, type Store } from '../../../main/core/db/store';
import { silentLogger } from '../../../main/core/log';
import { FakeClock } from '../../helpers/core';

/** The anchor writer on its own: after commit only, throttled, a torn line repaired, one key per folder. */
let dir: string;
let db: Db;
let store: Store;
let trail: AuditTrail;
let anchoring: ChainAnchoring;
const clock = new FakeClock();

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'veil-anchors-'));
  db = openDatabase(join(dir, 'veil.db'));
  store = sqliteStore(db);
  trail = new AuditTrail(store, new AuditRepository(store), clock);
});
afterEach(async () => {
  anchoring?.close();
  await store.close();
  db.close();
  rmSync(dir, { recursive: true, force: true });
});

function startAnchoring(minIntervalMs: number) {
  anchoring = new ChainAnchoring(store, trail, clock, silentLogger, anchorLocation(join(dir, 'veil.db')), minIntervalMs, committedChainOf(db));
  trail.onAppend(() => anchoring.eventAppended());
}
const append = (n: number) => trail.append({ userId: null, username: 'system' }, { action: 'test.step', entityType: 'test', entityId: String(n) });
const event = (n: number) => store.transaction(() => append(n));
const anchors = () => [...readAnchorLines(join(dir, 'veil.db.audit-anchors'))];
const tick = (ms = 0) => new Promise((resolve) => setTimeout(resolve, ms));

describe('chain anchoring', () => {
  it('anchors the committed head once the transaction is over, never an uncommitted one', async () => {
    startAnchoring(0);
    await event(1);
    await tick();
    expect(anchors().map((l) => l.anchor?.seq)).toEqual([1]);
    // A unit of work spanning an await: nothing is anchored until it commits.
    let commit!: () => void;
    const held = new Promise<void>((resolve) => (commit = resolve));
    const open = store.transaction(async () => {
      await append(2);
      await held;
    });
    await tick(120);
    expect(anchors().map((l) => l.anchor?.seq)).toEqual([1]);
    commit();
    await open;
    await tick(120);
    expect(anchors().map((l) => l.anchor?.seq)).toEqual([1, 2]);
    // A rolled-back event is never anchored.
    await store
      .transaction(async () => {
        await append(3);
        throw new Error('rolled back');
      })
      .catch(() => undefined);
    await tick(120);
    expect(anchors().map((l) => l.anchor?.seq)).toEqual([1, 2]);
  });

  it('a burst of steps gives one anchor, the rest follow on the timer, and close anchors the head', async () => {
    startAnchoring(60_000);
    await Promise.all(Array.from({ length: 20 }, (_, i) => event(i + 1)));
    await tick();
    expect(anchors().map((l) => l.anchor?.seq)).toEqual([20]);
    for (let i = 21; i <= 30; i++) {
      await event(i);
      await tick();
    }
    expect(anchors()).toHaveLength(1);
    anchoring.close();
    expect(anchors().map((l) => l.anchor?.seq)).toEqual([20, 30]);
  });

  it('cuts off a line torn by a crash before appending, so the file stays whole lines of signed anchors', async () => {
    startAnchoring(0);
    await event(1);
    await tick();
    appendFileSync(join(dir, 'veil.db.audit-anchors'), '{"v":1,"chain":"0123');
    expect(anchors().at(-1)).toMatchObject({ anchor: null, torn: true });
    await event(2);
    await tick();
    const lines = anchors();
    expect(lines.map((l) => l.anchor?.seq)).toEqual([1, 2]);
    const key = anchorPublicKey(anchorLocation(join(dir, 'veil.db')).vault)!;
    for (const l of lines) expect(anchorSignatureHolds(l.anchor as Anchor, key)).toBe(true);
    expect(readFileSync(join(dir, 'veil.db.audit-anchors'), 'utf8').endsWith('\n')).toBe(true);
  });

  it('creates one owner-only key per folder on first use and keeps using it', async () => {
    startAnchoring(0);
    await event(1);
    await tick();
    const keyFile = join(dir, 'veil-audit-anchor.key');
    expect(statSync(keyFile).mode & 0o777).toBe(0o600);
    const first = readFileSync(keyFile, 'utf8');
    anchoring.close();
    startAnchoring(0);
    await event(2);
    await tick();
    expect(readFileSync(keyFile, 'utf8')).toBe(first);
    expect(new Set(anchors().map((l) => l.anchor?.key)).size).toBe(1);
  });
});
