import { rmSync } from 'node:fs';
import type Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GENESIS_HASH, verifyChain } from '../../main/core/audit/auditTrail';
import { demoCore, TEST_ENGINE, type TestCore } from '../helpers/core';
import { attackerHash, plantedCopy, type PlantedCopy } from '../helpers/plantedCopy';
import type { StoredAuditEvent } from '../../main/core/audit/auditRepository';

/**
 * Issue 3, "Tampering is caught": with the append-only triggers dropped (someone with the file and a SQLite shell, or
 * the PostgreSQL server's superuser), changing, deleting or reordering audit events makes `veil verify` fail and name
 * the first broken event. Every case works on its own copy of one demo database, on the run's engine (this file runs
 * on both, tests/postgres.vitest.config.ts).
 */
let t: TestCore;
/** The demo's audit events as written (seq order). */
let original: AuditRow[];

/** An audit event as stored. */
type AuditRow = StoredAuditEvent;
const CONTENT_COLUMNS = ['at_utc', 'at_offset', 'user_id', 'username', 'action', 'entity_type', 'entity_id', 'before_json', 'after_json', 'reason', 'source', 'signature_id', 'study_code', 'prev_hash', 'hash'] as const;

beforeAll(async () => {
  t = await demoCore();
  original = await t.sql<AuditRow>('SELECT * FROM audit_events ORDER BY seq');
  // Everything into the main file, so a copy of the .db alone is the whole database; on PostgreSQL, a database no
  // one is connected to, which the server copies.
  if (!t.database) t.core.db.pragma('wal_checkpoint(TRUNCATE)');
  t.core.close();
}, 120_000);
afterAll(() => {
  if (t) rmSync(t.dir, { recursive: true, force: true });
});

const copyOfDemo = () => plantedCopy(t);

/** A copy with the append-only triggers dropped, on which `change` rewrites history; then `veil verify` on it. */
async function tamperAndVerify(change: (copy: PlantedCopy) => Promise<void>) {
  const copy = await copyOfDemo();
  try {
    await copy.dropAppendOnlyTriggers();
    await change(copy);
    const r = copy.verify();
    const broken = /audit trail broken at event (\d+):/.exec(r.stdout);
    return { ...r, brokenAt: broken ? Number(broken[1]) : null };
  } finally {
    await copy.close();
  }
}

/** The SQLite copy's handle with its triggers dropped, for the exhaustive loops that roll back each change. */
async function tamperInFile(change: (db: Database.Database) => Promise<void>): Promise<void> {
  const copy = await copyOfDemo();
  try {
    await copy.dropAppendOnlyTriggers();
    await change(copy.sqlite!);
  } finally {
    await copy.close();
  }
}

async function setColumns(copy: PlantedCopy | Database.Database, seq: number, values: Partial<AuditRow>): Promise<void> {
  const columns = Object.keys(values) as Array<keyof AuditRow>;
  const text = `UPDATE audit_events SET ${columns.map((c) => `${c} = ?`).join(', ')} WHERE seq = ? RETURNING seq`;
  const params = [...columns.map((c) => values[c]), seq];
  const changed = 'sql' in copy ? await copy.sql(text, ...params) : copy.prepare(text).all(...params);
  expect(changed).toHaveLength(1);
}

/** Swaps the whole content (every column but seq) of two events. */
async function swapContents(copy: PlantedCopy | Database.Database, a: number, b: number): Promise<void> {
  const rowOf = async (seq: number) => ('sql' in copy ? (await copy.sql<AuditRow>('SELECT * FROM audit_events WHERE seq = ?', seq))[0]! : (copy.prepare('SELECT * FROM audit_events WHERE seq = ?').get(seq) as AuditRow));
  const rowA = await rowOf(a);
  const rowB = await rowOf(b);
  const contentOf = (row: AuditRow) => Object.fromEntries(CONTENT_COLUMNS.map((c) => [c, row[c]])) as Partial<AuditRow>;
  await setColumns(copy, a, contentOf(rowB));
  await setColumns(copy, b, contentOf(rowA));
}


/** An event well inside the trail (neither the first nor the last). */
const middle = () => original[Math.floor(original.length / 2)]!.seq;

/**
 * The exhaustive loops (every column of every event, every deletion, every pair) judge ChainFollower, the one chain
 * check both engines run (verifyChain on a file, AuditTrail.verifyChain on the Store), with each change rolled back
 * inside one SQLite transaction: thousands of changes in seconds. On PostgreSQL the cases through `veil verify` run.
 */
const inFileOnly = it.runIf(TEST_ENGINE === 'sqlite');

describe('audit trail tampering (triggers dropped)', () => {
  it('the demo trail is long enough to tamper in the middle, and the triggers refuse changes while they exist', async () => {
    expect(original.length).toBeGreaterThanOrEqual(8);
    expect(original.map((e) => e.seq)).toEqual(original.map((_, i) => i + 1));
    const copy = await copyOfDemo();
    try {
      await expect(copy.sql("UPDATE audit_events SET reason = 'x' WHERE seq = ?", middle())).rejects.toThrow(/append-only: events cannot be changed/);
      await expect(copy.sql('DELETE FROM audit_events WHERE seq = ?', middle())).rejects.toThrow(/append-only: events cannot be deleted/);
      expect(await copy.sql('SELECT count(*) AS n FROM audit_events')).toEqual([{ n: TEST_ENGINE === 'sqlite' ? original.length : String(original.length) }]);
    } finally {
      await copy.close();
    }
  });

  it('(e) an untouched demo database verifies: exit 0', async () => {
    const copy = await copyOfDemo();
    const r = copy.verify();
    await copy.close();
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(r.stdout).toMatch(new RegExp(`^OK: .*audit chain \\(${original.length} events\\) hold`));
  });

  describe('(a) changing one field of an event in the middle names exactly that event', () => {
    const changes: Record<string, (row: AuditRow) => Partial<AuditRow>> = {
      username: () => ({ username: 'mallory' }),
      reason: (row) => ({ reason: row.reason === null ? 'added afterwards' : `${row.reason} (edited)` }),
      after_json: (row) => ({ after_json: JSON.stringify({ ...(row.after_json ? (JSON.parse(row.after_json) as object) : {}), tampered: true }) }),
      at_utc: (row) => ({ at_utc: new Date(new Date(row.at_utc).getTime() - 1000).toISOString() }),
      // The study an event names (migration 18): taken away, or given to a site-wide event.
      study_code: (row) => ({ study_code: row.study_code === null ? 'NS-DUPI' : null }),
    };
    for (const [field, change] of Object.entries(changes)) {
      it(`${field}: veil verify exits 1 naming the event`, async () => {
        const seq = middle();
        const r = await tamperAndVerify((copy) => setColumns(copy, seq, change(original[seq - 1]!)));
        expect(r.code, r.stdout + r.stderr).toBe(1);
        expect(r.brokenAt, r.stdout).toBe(seq);
        expect(r.stdout).toContain('content was changed');
      });
    }

    inFileOnly('any column of any event: verifyChain names that event', async () => {
      await tamperInFile(async (db) => {
        for (const row of original) {
          for (const column of CONTENT_COLUMNS) {
            const value = row[column];
            // STRICT table: integer columns take integers.
            const integer = column === 'user_id' || column === 'signature_id';
            const changed = typeof value === 'number' ? value + 1 : value === null ? (integer ? 999 : 'x') : `${value}x`;
            db.exec('SAVEPOINT edit');
            await setColumns(db, row.seq, { [column]: changed });
            const report = verifyChain(db);
            db.exec('ROLLBACK TO edit; RELEASE edit');
            expect(report.ok, `${column} of event ${row.seq}`).toBe(false);
            expect(report.firstBroken?.seq, `${column} of event ${row.seq}`).toBe(row.seq);
          }
        }
        expect(verifyChain(db).ok).toBe(true);
      });
    });
  });

  describe('(b) deleting an event names the event after the gap', () => {
    it('in the middle: veil verify exits 1 naming the next event', async () => {
      const seq = middle();
      const r = await tamperAndVerify(async (copy) => expect(await copy.sql('DELETE FROM audit_events WHERE seq = ? RETURNING seq', seq)).toHaveLength(1));
      expect(r.code, r.stdout + r.stderr).toBe(1);
      expect(r.brokenAt, r.stdout).toBe(seq + 1);
      expect(r.stdout).toContain(`expected event ${seq} here`);
    });

    inFileOnly('any event but the last: verifyChain names the next one (also when the first is deleted)', async () => {
      await tamperInFile(async (db) => {
        for (const row of original.slice(0, -1)) {
          db.exec('SAVEPOINT edit');
          db.prepare('DELETE FROM audit_events WHERE seq = ?').run(row.seq);
          const report = verifyChain(db);
          db.exec('ROLLBACK TO edit; RELEASE edit');
          expect(report.firstBroken?.seq, `deleted ${row.seq}`).toBe(row.seq + 1);
        }
      });
    });
  });

  describe('(c) reordering (swapping the contents of two events) names the first of them', () => {
    it('two neighbours in the middle: veil verify exits 1 naming the first', async () => {
      const seq = middle();
      const r = await tamperAndVerify((copy) => swapContents(copy, seq, seq + 1));
      expect(r.code, r.stdout + r.stderr).toBe(1);
      expect(r.brokenAt, r.stdout).toBe(seq);
    });

    it('two events apart: veil verify exits 1 naming the first', async () => {
      const a = 2;
      const b = original.length - 1;
      const r = await tamperAndVerify((copy) => swapContents(copy, a, b));
      expect(r.code, r.stdout + r.stderr).toBe(1);
      expect(r.brokenAt, r.stdout).toBe(a);
    });

    inFileOnly('every pair: verifyChain names the first of the two', async () => {
      await tamperInFile(async (db) => {
        for (const a of original) {
          for (const b of original.filter((e) => e.seq > a.seq)) {
            db.exec('SAVEPOINT edit');
            await swapContents(db, a.seq, b.seq);
            const report = verifyChain(db);
            db.exec('ROLLBACK TO edit; RELEASE edit');
            expect(report.firstBroken?.seq, `swapped ${a.seq} and ${b.seq}`).toBe(a.seq);
          }
        }
      });
    });
  });

  describe('(d) an attacker who knows the algorithm', () => {
    it('recomputes every stored hash exactly (the attack below is a faithful one)', () => {
      let prev = GENESIS_HASH;
      for (const row of original) {
        expect(row.prev_hash).toBe(prev);
        expect(attackerHash({ ...row })).toBe(row.hash);
        prev = row.hash;
      }
    });

    it('re-hashing the changed event is still caught at the next event, whose link breaks', async () => {
      const seq = middle();
      const r = await tamperAndVerify(async (copy) => {
        const forged = { ...original[seq - 1]!, reason: 'nothing happened here' };
        await setColumns(copy, seq, { reason: forged.reason, hash: attackerHash({ ...forged }) });
      });
      expect(r.code, r.stdout + r.stderr).toBe(1);
      expect(r.brokenAt, r.stdout).toBe(seq + 1);
      expect(r.stdout).toContain('link to the previous event is broken');
    });

    it('re-hashing every event from there to the end passes the chain check, but changes the seal and breaks the e-signatures\' chain heads', async () => {
      // An unkeyed chain cannot catch a full rewrite by itself: that is why the seal (chain head) is printed on every
      // report and export (DESIGN.md section 4), so the rewritten history no longer matches the papers already signed.
      const seq = middle();
      const r = await tamperAndVerify(async (copy) => {
        let prev = original[seq - 2]!.hash;
        for (const row of original.slice(seq - 1)) {
          const forged = { ...row, prev_hash: prev, ...(row.seq === seq ? { reason: 'nothing happened here' } : {}) };
          forged.hash = attackerHash({ ...forged });
          await setColumns(copy, row.seq, { reason: forged.reason, prev_hash: forged.prev_hash, hash: forged.hash });
          prev = forged.hash;
        }
        const seal = (await copy.sql<{ seq: number; hash: string }>('SELECT seq, hash FROM audit_events ORDER BY seq DESC LIMIT 1'))[0]!;
        expect(seal.seq).toBe(original.at(-1)!.seq);
        expect(seal.hash).not.toBe(original.at(-1)!.hash);
      });
      // The chain alone holds; what still tells, beyond the seal, is each e-signature's record of the chain head it
      // was made on (and on SQLite the workstation's anchors, copied with the file).
      expect(r.code, r.stdout + r.stderr).toBe(1);
      expect(r.brokenAt, r.stdout).toBeNull();
      expect(r.stdout).not.toMatch(/audit trail broken/);
      expect(r.stdout).toMatch(/signature #\d+ .* which the chain no longer holds: the history up to event \d+ was rewritten/);
    });
  });
});
