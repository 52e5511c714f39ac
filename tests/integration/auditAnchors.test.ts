import { spawnSync } from 'node:child_process';
import { appendFileSync, chmodSync, copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import Papa from 'papaparse';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyChain } from '../../main/core/audit/auditTrail';
import { openVeilCoreInternals } from '../../main/core/veilCore';
import { demoCore, type TestCore } from '../helpers/core';
import { attackerHash } from '../helpers/plantedCopy';
import type { StoredAuditEvent } from '../../main/core/audit/auditRepository';
import { VEIL_CLI } from '../helpers/veilCli';

/**
 * Issue 10, finding 10: the audit chain could not see a rewrite or a cut tail. An attacker with the database file
 * who edits an event and recomputes every later hash, or deletes the newest events, passed `veil verify`. The chain
 * is now anchored outside the database file: chain heads countersigned with a key kept beside (not inside) the
 * database, in an append-only anchor file; each e-signature records the chain head it was made on; `veil verify
 * --seal` proves a printed seal is still in the chain; and `verify` replays the events against the tables, naming
 * any row changed without its event.
 * Every case works on its own copy of one demo database (with its history), copied with its anchor file or not.
 */
let t: TestCore;
let dir: string;
let source: string;
/** The seal printed on a report (CSV preamble: "Audit seal (chain head)", "event N", hash). */
let printedSeal: { seq: number; hash: string };
let pharmacistPassword: string;

/** An audit event as stored. */
type AuditRow = StoredAuditEvent;

beforeAll(async () => {
  t = await demoCore({ history: true });
  dir = t.dir;
  source = t.dbFile;
  pharmacistPassword = t.userOf('unblinded_pharmacist').password;
  const report = await t.core.reports.render('inventory', 'csv', null);
  const csv = Buffer.from(report.base64, 'base64').toString('utf8').replace(/^\uFEFF/, '');
  const sealRow = Papa.parse<string[]>(csv).data.find((r) => r[0] === 'Audit seal (chain head)')!;
  printedSeal = { seq: Number(/\d+/.exec(sealRow[1]!)![0]), hash: sealRow[2]! };
  // A little more history after the printed seal, so the seal is not simply the head.
  const window = await t.loginAs('investigator');
  const registered = await t.core.dispatch(window, 'patients.register', { screeningNumber: 'S-950', initials: 'AN', yearOfBirth: 1990, investigator: 'Dr X' });
  expect(registered.ok).toBe(true);
  await t.core.dispatch(window, 'session.logout', {});
  t.core.db.pragma('wal_checkpoint(TRUNCATE)');
  t.core.close();
}, 120_000);
afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

let copies = 0;
/** A copy of the demo database in the same folder (so beside the same anchor key), with or without its anchors. */
function copyOfDemo(options: { anchors: boolean } = { anchors: true }): string {
  const file = join(dir, `copy-${++copies}.db`);
  copyFileSync(source, file);
  if (options.anchors && existsSync(`${source}.audit-anchors`)) copyFileSync(`${source}.audit-anchors`, `${file}.audit-anchors`);
  return file;
}

function veilVerify(file: string, ...extra: string[]) {
  const r = spawnSync(process.execPath, [VEIL_CLI, 'verify', '--db', file, ...extra], { encoding: 'utf8', timeout: 120_000, env: { ...process.env, VEIL_PASSWORD: pharmacistPassword } });
  return { code: r.status, out: r.stdout + r.stderr };
}

/** Opens a copy with plain better-sqlite3 (someone with the file and a SQLite shell) and lets `change` act. */
function tamper(file: string, change: (db: Database.Database) => void, options: { dropTriggers: boolean } = { dropTriggers: true }): void {
  const db = new Database(file);
  try {
    if (options.dropTriggers) db.exec('DROP TRIGGER audit_events_no_update; DROP TRIGGER audit_events_no_delete;');
    change(db);
  } finally {
    db.close();
  }
}


/** Rewrites event `seq` with `change` and recomputes every hash from there to the head: the chain holds again. */
function rewriteFrom(db: Database.Database, seq: number, change: (row: AuditRow) => Partial<AuditRow>): void {
  const rows = db.prepare('SELECT * FROM audit_events WHERE seq >= ? ORDER BY seq').all(seq) as AuditRow[];
  let prev = seq === 1 ? '0'.repeat(64) : (db.prepare('SELECT hash FROM audit_events WHERE seq = ?').get(seq - 1) as { hash: string }).hash;
  const update = db.prepare('UPDATE audit_events SET at_utc = @at_utc, reason = @reason, after_json = @after_json, prev_hash = @prev_hash, hash = @hash WHERE seq = @seq');
  for (const row of rows) {
    const forged = { ...row, ...(row.seq === seq ? change(row) : {}), prev_hash: prev };
    forged.hash = attackerHash({ ...forged });
    update.run(forged);
    prev = forged.hash;
  }
  expect(verifyChain(db).ok, 'the forged chain is consistent in itself').toBe(true);
}

const eventCount = (file: string) => {
  const db = new Database(file, { readonly: true });
  try {
    return (db.prepare('SELECT max(seq) AS n FROM audit_events').get() as { n: number }).n;
  } finally {
    db.close();
  }
};
const middleOf = (file: string) => Math.floor(eventCount(file) / 2);

describe('anchors outside the database file', () => {
  it('the anchor key lives beside the database, not in it, readable by its owner only', () => {
    const keyFile = join(dir, 'veil-audit-anchor.key');
    expect(existsSync(keyFile)).toBe(true);
    expect(statSync(keyFile).mode & 0o077).toBe(0);
    const key = readFileSync(keyFile, 'utf8');
    expect(key).toMatch(/BEGIN PRIVATE KEY/);
    const body = key.replace(/-----[^-]+-----|\s/g, '');
    expect(readFileSync(source).includes(Buffer.from(body, 'base64'))).toBe(false);
    // One anchor line per committed burst of events, signed, the last one at the head.
    const lines = readFileSync(`${source}.audit-anchors`, 'utf8').trim().split('\n');
    const last = JSON.parse(lines.at(-1)!) as { seq: number; hash: string; sig: string };
    expect(last.seq).toBe(eventCount(source));
    expect(last.sig.length).toBeGreaterThan(40);
  });

  it('an untouched copy with its anchors verifies, and says its last anchor is in the chain', () => {
    const r = veilVerify(copyOfDemo());
    expect(r.code, r.out).toBe(0);
    expect(r.out).toMatch(/^OK: .*audit chain \(\d+ events\) hold/);
    expect(r.out).toMatch(new RegExp(`Anchors: the last of \\d+ anchors \\(event ${eventCount(source)}, .*\\) is in the chain`));
  });

  it('a fresh copy elsewhere, without its anchors, still verifies and says clearly that no anchor was found', () => {
    const elsewhere = join(dir, 'elsewhere');
    mkdirSync(elsewhere, { recursive: true });
    const file = join(elsewhere, 'veil.db');
    copyFileSync(source, file);
    const r = veilVerify(file);
    expect(r.code, r.out).toBe(0);
    expect(r.out).toMatch(/^OK: /);
    expect(r.out).toMatch(/Anchors: no anchor file was found/);
    expect(r.out).toMatch(/cannot be ruled out/);
  });

  it('re-hash: an event edited and every later hash recomputed is caught (the anchored head is no longer in the chain)', () => {
    const file = copyOfDemo();
    const seq = middleOf(file);
    tamper(file, (db) => rewriteFrom(db, seq, (row) => ({ reason: `${row.reason ?? ''} nothing happened here` })));
    const r = veilVerify(file);
    expect(r.code, r.out).toBe(1);
    expect(r.out).toMatch(/^FAILED: /);
    expect(r.out).toMatch(/was rewritten/);
    expect(r.out).toMatch(new RegExp(`last anchor that still matches is event ${seq - 1}\\b|at or before event`));
  });

  it('truncation: the newest events deleted are caught (the chain ends before its last anchor)', () => {
    const file = copyOfDemo();
    const head = eventCount(file);
    tamper(file, (db) => db.prepare('DELETE FROM audit_events WHERE seq > ?').run(head - 3));
    expect(verifyChain(new Database(file, { readonly: true })).ok, 'a cut tail leaves a consistent chain').toBe(true);
    const r = veilVerify(file);
    expect(r.code, r.out).toBe(1);
    expect(r.out).toMatch(new RegExp(`the chain ends at event ${head - 3}, but event ${head} was anchored`));
    expect(r.out).toMatch(/deleted/);
  });

  it('the append-only triggers dropped (nothing else changed yet) is named', () => {
    const file = copyOfDemo();
    tamper(file, () => undefined);
    const r = veilVerify(file);
    expect(r.code, r.out).toBe(1);
    expect(r.out).toMatch(/append-only triggers .*audit_events_no_update.* missing/);
  });

  it('without the anchor file, signatures still catch a rewrite: each holds the chain head it was made on', () => {
    const file = copyOfDemo({ anchors: false });
    tamper(file, (db) => rewriteFrom(db, 3, (row) => ({ reason: `${row.reason ?? ''} (edited)` })));
    const r = veilVerify(file);
    expect(r.code, r.out).toBe(1);
    expect(r.out).toMatch(/signature #\d+ .* was made on event \d+ .*which the chain no longer holds/);
  });

  it('--seal: a seal printed on a report is proved to be in the chain, and is refused after a rewrite', () => {
    const good = veilVerify(copyOfDemo(), '--seal', `event ${printedSeal.seq}, ${printedSeal.hash}`);
    expect(good.code, good.out).toBe(0);
    expect(good.out).toMatch(new RegExp(`Seal: event ${printedSeal.seq}, ${printedSeal.hash.slice(0, 16)}\\S* is in the chain`));

    const rewritten = copyOfDemo({ anchors: false });
    tamper(rewritten, (db) => rewriteFrom(db, printedSeal.seq - 2, (row) => ({ reason: `${row.reason ?? ''}.` })));
    const bad = veilVerify(rewritten, '--seal', `${printedSeal.seq}:${printedSeal.hash}`);
    expect(bad.code, bad.out).toBe(1);
    expect(bad.out).toMatch(new RegExp(`the seal event ${printedSeal.seq}, ${printedSeal.hash.slice(0, 16)}\\S* is not in the chain`));
    expect(veilVerify(copyOfDemo(), '--seal', 'not a seal').code).toBe(2);
  });

  it('a forged anchor line (not signed by the anchor key) is named', () => {
    const file = copyOfDemo();
    const lines = readFileSync(`${file}.audit-anchors`, 'utf8').trim().split('\n');
    const last = JSON.parse(lines.at(-1)!) as Record<string, unknown>;
    appendFileSync(`${file}.audit-anchors`, JSON.stringify({ ...last, seq: (last.seq as number) + 5, at: new Date().toISOString() }) + '\n');
    const r = veilVerify(file);
    expect(r.code, r.out).toBe(1);
    expect(r.out).toMatch(/anchor line \d+ is not signed by this workstation's anchor key/);
  });

  it('a torn last anchor line (a crash while writing it) is reported but does not fail a sound database', () => {
    const file = copyOfDemo();
    appendFileSync(`${file}.audit-anchors`, '{"v":1,"chain":"ab');
    const r = veilVerify(file);
    expect(r.code, r.out).toBe(0);
    expect(r.out).toMatch(/1 incomplete anchor line/);
  });
});

describe('a row changed without its event is named (verify replays the trail against the tables)', () => {
  /** A kit the demo history dispensed and nobody returned, and one still on the shelf. */
  function kitsOf(file: string) {
    const db = new Database(file, { readonly: true });
    try {
      const dispensed = (db.prepare("SELECT kit_number AS k FROM kits WHERE status = 'dispensed' ORDER BY kit_number LIMIT 1").get() as { k: string }).k;
      const available = (db.prepare("SELECT kit_number AS k FROM kits WHERE status = 'available' ORDER BY kit_number LIMIT 1").get() as { k: string }).k;
      const returned = (db.prepare('SELECT kit_number AS k FROM kit_returns ORDER BY kit_number LIMIT 1').get() as { k: string }).k;
      const dispensing = db
        .prepare('SELECT p.screening_number AS patient, d.visit_code AS visit FROM dispensing_kits dk JOIN dispensings d ON d.id = dk.dispensing_id JOIN patients p ON p.id = d.patient_id WHERE dk.kit_number = ?')
        .get(dispensed) as { patient: string; visit: string };
      return { dispensed, available, returned, dispensing };
    } finally {
      db.close();
    }
  }

  it('the untouched demo history replays exactly onto its tables', () => {
    const r = veilVerify(copyOfDemo());
    expect(r.code, r.out).toBe(0);
    expect(r.out).toMatch(/recorded state/);
  });

  it('a kit status changed under the trail (dispensed kit put back on the shelf)', () => {
    const file = copyOfDemo();
    const { dispensed } = kitsOf(file);
    tamper(file, (db) => db.prepare("UPDATE kits SET status = 'available' WHERE kit_number = ?").run(dispensed), { dropTriggers: false });
    const r = veilVerify(file);
    expect(r.code, r.out).toBe(1);
    expect(r.out).toMatch(new RegExp(`kit ${dispensed}: its status is "available", but its audit events leave it "dispensed" \\(event \\d+`));
    expect(r.out).toMatch(/changed without its event/);
  });

  it('a dispensing changed under the trail (another kit written in)', () => {
    const file = copyOfDemo();
    const { dispensed, available, dispensing } = kitsOf(file);
    tamper(file, (db) => db.prepare('UPDATE dispensing_kits SET kit_number = ? WHERE kit_number = ?').run(available, dispensed), { dropTriggers: false });
    const r = veilVerify(file);
    expect(r.code, r.out).toBe(1);
    expect(r.out).toContain(`dispensing of ${dispensing.patient} visit ${dispensing.visit}: it holds kit(s) ${[available].join(', ')}`);
    expect(r.out).toContain(dispensed);
  });

  it('a return deleted under the trail', () => {
    const file = copyOfDemo();
    const { returned } = kitsOf(file);
    tamper(file, (db) => db.prepare('DELETE FROM kit_returns WHERE kit_number = ?').run(returned), { dropTriggers: false });
    const r = veilVerify(file);
    expect(r.code, r.out).toBe(1);
    expect(r.out).toMatch(new RegExp(`return of kit ${returned}: .*no such row`));
  });

  it('two patients’ randomization numbers swapped under the trail', () => {
    const file = copyOfDemo();
    let pair: Array<{ s: string; r: string }> = [];
    tamper(
      file,
      (db) => {
        pair = db.prepare("SELECT screening_number AS s, randomization_number AS r FROM patients WHERE randomization_number IS NOT NULL ORDER BY id LIMIT 2").all() as Array<{ s: string; r: string }>;
        db.prepare('UPDATE patients SET randomization_number = NULL WHERE screening_number = ?').run(pair[0]!.s);
        db.prepare('UPDATE patients SET randomization_number = ? WHERE screening_number = ?').run(pair[0]!.r, pair[1]!.s);
        db.prepare('UPDATE patients SET randomization_number = ? WHERE screening_number = ?').run(pair[1]!.r, pair[0]!.s);
      },
      { dropTriggers: false },
    );
    const r = veilVerify(file);
    expect(r.code, r.out).toBe(1);
    for (const p of pair) expect(r.out).toMatch(new RegExp(`patient ${p.s}: its randomization number is`));
  });

  it('a blinded user made unblinded under the trail', () => {
    const file = copyOfDemo();
    tamper(file, (db) => db.prepare("UPDATE users SET role = 'unblinded_pharmacist' WHERE username = 'technician'").run(), { dropTriggers: false });
    const r = veilVerify(file);
    expect(r.code, r.out).toBe(1);
    expect(r.out).toMatch(/user technician: its role is "unblinded_pharmacist", but its audit events leave it "pharmacy_technician"/);
  });
});

describe('sealed values, authenticated with an unblinded credential', () => {
  it('verify --user authenticates every sealed value of a sound database', () => {
    const r = veilVerify(copyOfDemo(), '--user', 'pharmacist');
    expect(r.code, r.out).toBe(0);
    expect(r.out).toMatch(/Sealed values: \d+ authenticated \(kit arms, lots, expiry dates, GTINs, randomization arms and blocks\)/);
  });

  it('bit rot in one sealed lot passes the plain checks but is named with --user', () => {
    const file = copyOfDemo();
    let kit = '';
    tamper(
      file,
      (db) => {
        const row = db.prepare('SELECT kit_number AS k, lot_sealed AS l FROM kits ORDER BY kit_number LIMIT 1 OFFSET 7').get() as { k: string; l: string };
        kit = row.k;
        // One bit flipped in the ciphertext, as a failing disk sector would.
        const at = row.l.length - 10;
        const flipped = row.l.slice(0, at) + (row.l[at] === 'A' ? 'B' : 'A') + row.l.slice(at + 1);
        db.prepare('UPDATE kits SET lot_sealed = ? WHERE kit_number = ?').run(flipped, kit);
      },
      { dropTriggers: false },
    );
    expect(veilVerify(file).code).toBe(0);
    const r = veilVerify(file, '--user', 'pharmacist');
    expect(r.code, r.out).toBe(1);
    expect(r.out).toMatch(new RegExp(`kit ${kit}: its sealed lot does not open`));
  });

  it('a wrong password or a blinded user is refused in plain words, nothing is checked or changed', () => {
    const file = copyOfDemo();
    const wrong = spawnSync(process.execPath, [VEIL_CLI, 'verify', '--db', file, '--user', 'pharmacist'], { encoding: 'utf8', env: { ...process.env, VEIL_PASSWORD: 'not-the-password' } });
    expect(wrong.status, wrong.stdout + wrong.stderr).toBe(1);
    expect(wrong.stdout + wrong.stderr).toMatch(/wrong username or password/i);
    const blinded = spawnSync(process.execPath, [VEIL_CLI, 'verify', '--db', file, '--user', 'technician'], { encoding: 'utf8', env: { ...process.env, VEIL_PASSWORD: t.userOf('pharmacy_technician').password } });
    expect(blinded.status).toBe(1);
    expect(blinded.stdout + blinded.stderr).toMatch(/does not hold the allocation key/);
  });
});

describe('a database opened where its anchors are not', () => {
  it('starts anchoring from its head and says so in the trail itself; verify tells from which event the history is anchored', async () => {
    const folder = join(dir, 'moved');
    mkdirSync(folder, { recursive: true });
    const file = join(folder, 'veil.db');
    copyFileSync(source, file);
    const headBefore = eventCount(file);
    const core = await openVeilCoreInternals({ dbFile: file, mode: 'browser', idleSweepMs: 0 });
    core.close();
    const db = new Database(file, { readonly: true });
    const started = db.prepare("SELECT seq, after_json FROM audit_events WHERE action = 'audit.anchoring_started'").all() as Array<{ seq: number; after_json: string }>;
    db.close();
    expect(started).toHaveLength(1);
    expect(started[0]!.seq).toBe(headBefore + 1);
    expect(JSON.parse(started[0]!.after_json)).toMatchObject({ unanchoredUpTo: headBefore });
    const r = veilVerify(file);
    expect(r.code, r.out).toBe(0);
    expect(r.out).toContain(`Anchoring started at event ${headBefore + 1}`);
    expect(r.out).toMatch(new RegExp(`Anchors: the last of 1 anchors \\(event ${headBefore + 1}, `));
  });
});

describe('a copy on read-only media, or in another account\'s folder', () => {
  it('verifies from a private copy, and checks the anchors unauthenticated when the key is not readable', () => {
    const folder = join(dir, 'readonly-media');
    chmodSync(dir, 0o755);
    mkdirSync(folder, { recursive: true });
    const file = join(folder, 'veil.db');
    copyFileSync(source, file);
    copyFileSync(`${source}.audit-anchors`, `${file}.audit-anchors`);
    copyFileSync(join(dir, 'veil-audit-anchor.key'), join(folder, 'veil-audit-anchor.key'));
    const asRoot = process.getuid?.() === 0;
    chmodSync(join(folder, 'veil-audit-anchor.key'), asRoot ? 0o600 : 0o000);
    chmodSync(folder, asRoot ? 0o755 : 0o555);
    try {
      // Root reads everything: the check runs as an unprivileged account, as an inspector's would.
      const r = spawnSync(process.execPath, [VEIL_CLI, 'verify', '--db', file], { encoding: 'utf8', timeout: 120_000, env: { ...process.env, HOME: tmpdir() }, ...(asRoot ? { uid: 65534, gid: 65534 } : {}) });
      const out = r.stdout + r.stderr;
      expect(r.status, out).toBe(0);
      expect(out).toMatch(/^OK: /);
      expect(out).toMatch(/Read from a private copy/);
      expect(out).toMatch(/Anchors: the last of \d+ anchors .* is in the chain, not authenticated \(no usable anchor key/);
      expect(readdirSync(folder).sort()).toEqual(['veil-audit-anchor.key', 'veil.db', 'veil.db.audit-anchors']);
    } finally {
      chmodSync(folder, 0o755);
    }
  });
});

describe('an emptied anchor file', () => {
  it('is reported as such, never taken for a sound anchor', () => {
    const file = copyOfDemo({ anchors: false });
    writeFileSync(`${file}.audit-anchors`, '');
    const r = veilVerify(file);
    expect(r.code, r.out).toBe(0);
    expect(r.out).toMatch(/Anchors: the anchor file .* is empty/);
    expect(r.out).toMatch(/cannot be ruled out/);
  });
});

describe('the check on the audit trail screen (audit.verify) runs the same record checks', () => {
  it('names a kit whose status was changed under the trail, and a cut tail, where the chain alone holds', async () => {
    const c = await demoCore();
    try {
      const monitor = await c.loginAs('monitor');
      const sound = await c.core.dispatch(monitor, 'audit.verify', {});
      expect(sound).toMatchObject({ ok: true, value: { ok: true, firstBroken: null } });

      const kit = (c.core.db.prepare('SELECT kit_number AS k FROM kits ORDER BY kit_number LIMIT 1').get() as { k: string }).k;
      c.core.db.prepare("UPDATE kits SET status = 'available' WHERE kit_number = ?").run(kit);
      const edited = await c.core.dispatch(monitor, 'audit.verify', {});
      expect(edited.ok).toBe(true);
      if (!edited.ok) return;
      const value = edited.value as { ok: boolean; firstBroken: { seq: number; problem: string } | null };
      expect(value.ok).toBe(false);
      expect(value.firstBroken!.problem).toMatch(new RegExp(`kit ${kit}: its status is "available", but its audit events leave it "expected"`));
      c.core.db.prepare("UPDATE kits SET status = 'expected' WHERE kit_number = ?").run(kit);

      // The newest events cut (triggers dropped): the chain holds, the anchors written at each commit do not.
      const head = (await c.core.audit.seal()).seq;
      c.core.db.exec('DROP TRIGGER audit_events_no_delete');
      c.core.db.prepare('DELETE FROM audit_events WHERE seq > ?').run(head - 2);
      c.core.db.exec("CREATE TRIGGER audit_events_no_delete BEFORE DELETE ON audit_events BEGIN SELECT RAISE(ABORT, 'The audit trail is append-only: events cannot be deleted.'); END;");
      expect(verifyChain(c.core.db).ok).toBe(true);
      const cut = (await c.core.dispatch(monitor, 'audit.verify', {})) as { ok: true; value: { ok: boolean; firstBroken: { seq: number; problem: string } | null } };
      expect(cut.value.ok).toBe(false);
      expect(cut.value.firstBroken!.problem).toMatch(new RegExp(`the chain ends at event ${head - 2}, but event ${head} was anchored`));
    } finally {
      c.dispose();
    }
  });
});
