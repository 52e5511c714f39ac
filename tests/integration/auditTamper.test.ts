import { spawnSync } from 'node:child_process';
import { copyFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chainHash, GENESIS_HASH, verifyChain } from '../../main/core/audit/auditTrail';
import { canonicalJson } from '../../shared/canonicalJson';
import { demoCore } from '../helpers/core';
import type { StoredAuditEvent } from '../../main/core/audit/auditRepository';

/**
 * Issue 3, "Tampering is caught": with the append-only triggers dropped (someone with the file and a SQLite shell),
 * changing, deleting or reordering audit events makes `veil verify` fail and name the first broken event.
 * Every case works on its own copy of one demo database.
 */
const tsx = join(process.cwd(), 'node_modules', '.bin', 'tsx');

let dir: string;
let source: string;
/** The demo's audit events as written (seq order). */
let original: AuditRow[];

/** An audit event as stored. */
type AuditRow = StoredAuditEvent;
const CONTENT_COLUMNS = ['at_utc', 'at_offset', 'user_id', 'username', 'action', 'entity_type', 'entity_id', 'before_json', 'after_json', 'reason', 'source', 'signature_id', 'prev_hash', 'hash'] as const;

beforeAll(async () => {
  const t = await demoCore();
  dir = t.dir;
  source = t.dbFile;
  // Everything into the main file, so a copy of the .db alone is the whole database.
  t.core.db.pragma('wal_checkpoint(TRUNCATE)');
  t.core.close();
  const db = new Database(source, { readonly: true });
  original = db.prepare('SELECT * FROM audit_events ORDER BY seq').all() as AuditRow[];
  db.close();
});
afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

let copies = 0;
function copyOfDemo(): string {
  const file = join(dir, `tamper-${++copies}.db`);
  copyFileSync(source, file);
  return file;
}

/** Opens a copy with plain better-sqlite3, drops the append-only triggers and lets `change` rewrite history. */
function tamper(file: string, change: (db: Database.Database) => void): void {
  const db = new Database(file);
  try {
    db.exec('DROP TRIGGER audit_events_no_update; DROP TRIGGER audit_events_no_delete;');
    change(db);
  } finally {
    db.close();
  }
}

function veilVerify(file: string) {
  const r = spawnSync(tsx, ['main/cli/veil.ts', 'verify', '--db', file], { encoding: 'utf8', timeout: 60_000 });
  const broken = /audit trail broken at event (\d+):/.exec(r.stdout);
  return { code: r.status, stdout: r.stdout, stderr: r.stderr, brokenAt: broken ? Number(broken[1]) : null };
}

function setColumns(db: Database.Database, seq: number, values: Partial<AuditRow>): void {
  const columns = Object.keys(values);
  const info = db.prepare(`UPDATE audit_events SET ${columns.map((c) => `${c} = @${c}`).join(', ')} WHERE seq = @seq`).run({ ...values, seq });
  expect(info.changes).toBe(1);
}

/** Swaps the whole content (every column but seq) of two events. */
function swapContents(db: Database.Database, a: number, b: number): void {
  const rowA = db.prepare('SELECT * FROM audit_events WHERE seq = ?').get(a) as AuditRow;
  const rowB = db.prepare('SELECT * FROM audit_events WHERE seq = ?').get(b) as AuditRow;
  const contentOf = (row: AuditRow) => Object.fromEntries(CONTENT_COLUMNS.map((c) => [c, row[c]])) as Partial<AuditRow>;
  setColumns(db, a, contentOf(rowB));
  setColumns(db, b, contentOf(rowA));
}

/**
 * The attacker's copy of the chain algorithm (from reading auditTrail.ts): the hash covers the previous hash and the
 * canonical JSON of every stored column but the hash itself.
 */
function attackerHash(row: AuditRow): string {
  return chainHash(
    row.prev_hash,
    canonicalJson({
      seq: row.seq,
      atUtc: row.at_utc,
      atOffset: row.at_offset,
      userId: row.user_id,
      username: row.username,
      action: row.action,
      entityType: row.entity_type,
      entityId: row.entity_id,
      before: row.before_json,
      after: row.after_json,
      reason: row.reason,
      source: row.source,
      signatureId: row.signature_id,
    }),
  );
}

/** An event well inside the trail (neither the first nor the last). */
const middle = () => original[Math.floor(original.length / 2)]!.seq;

describe('audit trail tampering (triggers dropped)', () => {
  it('the demo trail is long enough to tamper in the middle, and the triggers refuse changes while they exist', () => {
    expect(original.length).toBeGreaterThanOrEqual(8);
    expect(original.map((e) => e.seq)).toEqual(original.map((_, i) => i + 1));
    const file = copyOfDemo();
    const db = new Database(file);
    try {
      expect(() => db.prepare("UPDATE audit_events SET reason = 'x' WHERE seq = ?").run(middle())).toThrow(/append-only/);
      expect(() => db.prepare('DELETE FROM audit_events WHERE seq = ?').run(middle())).toThrow(/append-only/);
    } finally {
      db.close();
    }
  });

  it('(e) an untouched demo database verifies: exit 0', () => {
    const r = veilVerify(copyOfDemo());
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(r.stdout).toMatch(new RegExp(`^OK: .*audit chain \\(${original.length} events\\) hold`));
  });

  describe('(a) changing one field of an event in the middle names exactly that event', () => {
    const changes: Record<string, (row: AuditRow) => Partial<AuditRow>> = {
      username: () => ({ username: 'mallory' }),
      reason: (row) => ({ reason: row.reason === null ? 'added afterwards' : `${row.reason} (edited)` }),
      after_json: (row) => ({ after_json: JSON.stringify({ ...(row.after_json ? (JSON.parse(row.after_json) as object) : {}), tampered: true }) }),
      at_utc: (row) => ({ at_utc: new Date(new Date(row.at_utc).getTime() - 1000).toISOString() }),
    };
    for (const [field, change] of Object.entries(changes)) {
      it(`${field}: veil verify exits 1 naming the event`, () => {
        const seq = middle();
        const file = copyOfDemo();
        tamper(file, (db) => setColumns(db, seq, change(original[seq - 1]!)));
        const r = veilVerify(file);
        expect(r.code, r.stdout + r.stderr).toBe(1);
        expect(r.brokenAt, r.stdout).toBe(seq);
        expect(r.stdout).toContain('content was changed');
      });
    }

    it('any column of any event: verifyChain names that event', () => {
      const file = copyOfDemo();
      tamper(file, (db) => {
        for (const row of original) {
          for (const column of CONTENT_COLUMNS) {
            const value = row[column];
            // STRICT table: integer columns take integers.
            const integer = column === 'user_id' || column === 'signature_id';
            const changed = typeof value === 'number' ? value + 1 : value === null ? (integer ? 999 : 'x') : `${value}x`;
            db.exec('SAVEPOINT edit');
            setColumns(db, row.seq, { [column]: changed });
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
    it('in the middle: veil verify exits 1 naming the next event', () => {
      const seq = middle();
      const file = copyOfDemo();
      tamper(file, (db) => expect(db.prepare('DELETE FROM audit_events WHERE seq = ?').run(seq).changes).toBe(1));
      const r = veilVerify(file);
      expect(r.code, r.stdout + r.stderr).toBe(1);
      expect(r.brokenAt, r.stdout).toBe(seq + 1);
      expect(r.stdout).toContain(`expected event ${seq} here`);
    });

    it('any event but the last: verifyChain names the next one (also when the first is deleted)', () => {
      const file = copyOfDemo();
      tamper(file, (db) => {
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
    it('two neighbours in the middle: veil verify exits 1 naming the first', () => {
      const seq = middle();
      const file = copyOfDemo();
      tamper(file, (db) => swapContents(db, seq, seq + 1));
      const r = veilVerify(file);
      expect(r.code, r.stdout + r.stderr).toBe(1);
      expect(r.brokenAt, r.stdout).toBe(seq);
    });

    it('two events apart: veil verify exits 1 naming the first', () => {
      const a = 2;
      const b = original.length - 1;
      const file = copyOfDemo();
      tamper(file, (db) => swapContents(db, a, b));
      const r = veilVerify(file);
      expect(r.code, r.stdout + r.stderr).toBe(1);
      expect(r.brokenAt, r.stdout).toBe(a);
    });

    it('every pair: verifyChain names the first of the two', () => {
      const file = copyOfDemo();
      tamper(file, (db) => {
        for (const a of original) {
          for (const b of original.filter((e) => e.seq > a.seq)) {
            db.exec('SAVEPOINT edit');
            swapContents(db, a.seq, b.seq);
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
        expect(attackerHash(row)).toBe(row.hash);
        prev = row.hash;
      }
    });

    it('re-hashing the changed event is still caught at the next event, whose link breaks', () => {
      const seq = middle();
      const file = copyOfDemo();
      tamper(file, (db) => {
        const forged = { ...original[seq - 1]!, reason: 'nothing happened here' };
        setColumns(db, seq, { reason: forged.reason, hash: attackerHash(forged) });
      });
      const r = veilVerify(file);
      expect(r.code, r.stdout + r.stderr).toBe(1);
      expect(r.brokenAt, r.stdout).toBe(seq + 1);
      expect(r.stdout).toContain('link to the previous event is broken');
    });

    it('re-hashing every event from there to the end passes the chain check but changes the audit seal', () => {
      // An unkeyed chain cannot catch a full rewrite by itself: that is why the seal (chain head) is printed on every
      // report and export (DESIGN.md section 4), so the rewritten history no longer matches the papers already signed.
      const seq = middle();
      const file = copyOfDemo();
      tamper(file, (db) => {
        let prev = original[seq - 2]!.hash;
        for (const row of original.slice(seq - 1)) {
          const forged = { ...row, prev_hash: prev, ...(row.seq === seq ? { reason: 'nothing happened here' } : {}) };
          forged.hash = attackerHash(forged);
          setColumns(db, row.seq, { reason: forged.reason, prev_hash: forged.prev_hash, hash: forged.hash });
          prev = forged.hash;
        }
        expect(verifyChain(db).ok).toBe(true);
        const seal = db.prepare('SELECT seq, hash FROM audit_events ORDER BY seq DESC LIMIT 1').get() as { seq: number; hash: string };
        expect(seal.seq).toBe(original.at(-1)!.seq);
        expect(seal.hash).not.toBe(original.at(-1)!.hash);
      });
    });
  });
});
