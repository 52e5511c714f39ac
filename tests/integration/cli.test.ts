import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseLoggerFile } from '../../main/core/coldChain/loggerFile';
import { openDatabase } from '../../main/core/db/database';
import { openVeilCoreInternals } from '../../main/core/veilCore';
import { VEIL_CLI } from '../helpers/veilCli';

const dir = mkdtempSync(join(tmpdir(), 'veil-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function veil(...args: string[]) {
  return veilWith({}, ...args);
}

/** `veil` with extra environment variables (VEIL_PASSWORD), stdin not a terminal. */
function veilWith(env: Record<string, string>, ...args: string[]) {
  const r = spawnSync(process.execPath, [VEIL_CLI, ...args], { encoding: 'utf8', timeout: 120_000, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('veil CLI', () => {
  it('--help lists the commands', () => {
    const r = veil('--help');
    expect(r.code).toBe(0);
    for (const command of ['serve', 'contract', 'verify']) expect(r.stdout).toContain(command);
  });

  it('contract prints valid JSON with the session channels, their JSON Schemas and examples', () => {
    const r = veil('contract');
    expect(r.code).toBe(0);
    const contract = JSON.parse(r.stdout) as { channels: Array<{ name: string; input: { $schema?: string }; output: unknown; examples: unknown[] }> };
    for (const name of ['session.login', 'session.logout', 'session.current', 'session.lock', 'session.unlock', 'system.info']) {
      const c = contract.channels.find((x) => x.name === name);
      expect(c, name).toBeDefined();
      expect(c!.input.$schema).toContain('json-schema.org');
      expect(c!.examples.length).toBeGreaterThan(0);
    }
  });

  // Nine start-ups of the command line: about a second each on a loaded 2-core machine.
  it('refuses bad arguments with a clear message and exit code 2', () => {
    for (const args of [
      ['frobnicate'],
      ['verify'],
      ['serve', '--port', 'abc', '--demo'],
      ['serve'],
      ['serve', '--db', join(dir, 'x.db'), '--database', 'postgres://veil@127.0.0.1:5432/veil'],
      ['serve', '--database', 'mysql://veil@127.0.0.1/veil'],
      ['contract', '--loud'],
    ]) {
      const r = veil(...args);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr).toMatch(/^veil: /);
    }
    // The database flags of serve say what is wrong with them, as migrate does.
    expect(veil('serve', '--db', join(dir, 'x.db'), '--database', 'postgres://veil@127.0.0.1:5432/veil').stderr).toContain('not both');
    expect(veil('serve', '--database', 'mysql://veil@127.0.0.1/veil').stderr).toContain('is not a PostgreSQL address');
  }, 120_000);

  it('verify passes a sound database and fails a corrupt or foreign file', () => {
    const good = join(dir, 'good.db');
    openDatabase(good).close();
    expect(veil('verify', '--db', good)).toMatchObject({ code: 0, stdout: expect.stringContaining('OK') });
    const garbage = join(dir, 'garbage.db');
    writeFileSync(garbage, 'this is not a database at all'.repeat(200));
    expect(veil('verify', '--db', garbage)).toMatchObject({ code: 1, stdout: expect.stringContaining('FAILED') });
    expect(veil('verify', '--db', join(dir, 'missing.db')).code).toBe(2);
  });

  // The demo is seeded with its 131 days of history before the first line: 10 s alone, far more on a loaded machine.
  it('serve --demo prints the URL first, then one JSON line with the database and each role', async () => {
    const child = spawn(process.execPath, [VEIL_CLI, 'serve', '--demo', '--port', '0'], { stdio: ['ignore', 'pipe', 'pipe'] });
    try {
      const lines = await new Promise<string[]>((resolve, reject) => {
        let out = '';
        child.stdout.setEncoding('utf8');
        child.stdout.on('data', (c: string) => {
          out += c;
          const ls = out.split('\n');
          if (ls.length >= 3) resolve(ls.slice(0, 2));
        });
        child.on('exit', (code) => reject(new Error(`serve exited ${code}`)));
      });
      expect(lines[0]).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/#token=/);
      const demo = JSON.parse(lines[1]!) as { db: string; users: Array<{ username: string; password: string; role: string; blinded: boolean }>; lists: { loggers: string[] } };
      expect(demo.db).toMatch(/veil-demo\.db$/);
      // The two fridges' logger exports the demo imported, written beside the lists: a plain file and a vendor export
      // that the importer reads as such, each with readings above the fridge's 8 °C.
      expect(demo.lists.loggers.map((f) => f.replace(/^.*\//, ''))).toEqual(['fridge-a-logger.csv', 'fridge-b-logtag.csv']);
      const loggers = demo.lists.loggers.map((f) => parseLoggerFile(readFileSync(f, 'utf8')));
      expect(loggers.map((l) => l.format)).toEqual(['plain', 'vendor']);
      expect(loggers.map((l) => Math.max(...l.centi) > 800)).toEqual([true, true]);
      expect(demo.users.map((u) => u.role).sort()).toEqual(
        ['administrator', 'investigator', 'monitor', 'pharmacy_technician', 'study_nurse', 'unblinded_monitor', 'unblinded_pharmacist'],
      );
      expect(demo.users.find((u) => u.role === 'unblinded_pharmacist')!.blinded).toBe(false);
      expect(demo.users.find((u) => u.role === 'administrator')!.blinded).toBe(true);
    } finally {
      child.kill('SIGTERM');
    }
  }, 120_000);

  it('parse-barcode prints the parsed GS1 elements, with a real GS or the text \\x1d', () => {
    for (const data of [']d20103760000000017172709301012345\x1d21SN1', ']d20103760000000017172709301012345\u001d21SN1']) {
      const r = veil('parse-barcode', data);
      expect(r.code, data).toBe(0);
      const parsed = JSON.parse(r.stdout) as { kind: string; gtin: string; lot: string; expiry: string; serial: string };
      expect(parsed).toMatchObject({ kind: 'gs1', gtin: '03760000000017', lot: '12345', expiry: '2027-09-30', serial: 'SN1' });
    }
    expect(veil('parse-barcode', ']d201037600000000181727').code).toBe(1);
  });

  it('label goes through the contract: a user logs in, needs the permission, and the download is audited, not counted as a print', () => {
    const db = join(dir, 'label-demo.db');
    const made = veil('demo', '--db', db, '--lists', join(dir, 'label-lists'));
    expect(made.code, made.stderr).toBe(0);
    const users = (JSON.parse(made.stdout) as { users: Array<{ username: string; password: string; role: string }> }).users;
    const passwordOf = (role: string) => users.find((u) => u.role === role)!.password;
    const read = openDatabase(db, { readonly: true });
    const kit = (read.prepare('SELECT kit_number AS k FROM dispensing_kits LIMIT 1').get() as { k: string }).k;
    const eventsBefore = (read.prepare('SELECT count(*) AS n FROM audit_events').get() as { n: number }).n;
    read.close();
    const out = (name: string) => join(dir, name);
    const label = (file: string, ...more: string[]) => ['label', '--db', db, '--kit', kit, '--format', 'pdf', '--out', out(file), ...more];

    // Nobody named: refused before anything is opened.
    const anonymous = veil(...label('anonymous.pdf'));
    expect(anonymous.code).toBe(2);
    expect(anonymous.stderr).toContain('--user');
    expect(existsSync(out('anonymous.pdf'))).toBe(false);
    // A wrong password, or a role without labels.print: refused, nothing written.
    const wrong = veilWith({ VEIL_PASSWORD: 'not the password' }, ...label('wrong.pdf', '--user', 'technician'));
    expect(wrong.code).toBe(1);
    expect(wrong.stderr).toMatch(/wrong username or password/i);
    expect(existsSync(out('wrong.pdf'))).toBe(false);
    const investigator = veilWith({ VEIL_PASSWORD: passwordOf('investigator') }, ...label('investigator.pdf', '--user', 'investigator'));
    expect(investigator.code).toBe(1);
    expect(investigator.stderr).toContain('does not allow');
    expect(existsSync(out('investigator.pdf'))).toBe(false);

    // The technician: the file, and the audit trail says who downloaded which label; no print is recorded.
    const ok = veilWith({ VEIL_PASSWORD: passwordOf('pharmacy_technician') }, ...label('carton.pdf', '--user', 'technician'));
    expect(ok.code, ok.stderr).toBe(0);
    expect(readFileSync(out('carton.pdf')).subarray(0, 5).toString('latin1')).toBe('%PDF-');
    for (const [format, check] of [
      ['png', (b: Buffer) => b.subarray(1, 4).toString('latin1') === 'PNG'],
      ['zpl', (b: Buffer) => b.toString('latin1').startsWith('^XA')],
      ['dymo', (b: Buffer) => b[b.length - 1] === 0x45],
    ] as const) {
      const r = veilWith({ VEIL_PASSWORD: passwordOf('pharmacy_technician') }, 'label', '--db', db, '--kit', kit, '--format', format, '--kind', 'syringe', '--out', out(`syringe.${format}`), '--user', 'technician');
      expect(r.code, r.stderr).toBe(0);
      expect(check(readFileSync(out(`syringe.${format}`))), format).toBe(true);
    }
    const after = openDatabase(db, { readonly: true });
    const events = after.prepare('SELECT username, action, entity_id AS kit FROM audit_events WHERE seq > ? ORDER BY seq').all(eventsBefore) as Array<{ username: string; action: string; kit: string }>;
    const prints = (after.prepare('SELECT count(*) AS n FROM label_prints WHERE kit_number = ?').get(kit) as { n: number }).n;
    after.close();
    expect(events.filter((e) => e.action === 'label.downloaded')).toEqual(Array.from({ length: 4 }, () => ({ username: 'technician', action: 'label.downloaded', kit })));
    expect(events.map((e) => e.action)).toContain('session.login');
    expect(prints).toBe(0);
  }, 240_000);
});

describe('veil import reads a list as bytes, in the encoding the spreadsheet saved it in (issue 10, finding 11)', () => {
  const FIXTURES = join(process.cwd(), 'tests', 'fixtures', 'lists');
  const FILES: Array<{ file: string; lots: Record<string, string> }> = [
    // Excel's "Unicode text": UTF-16LE with a byte-order mark, tab-separated.
    { file: 'kits-excel-unicode-text-utf16le.txt', lots: { '70000001': 'LOT\u00e9-1', '70000002': 'LOT\u00e9-2' } },
    // French Excel's "CSV (point-virgule)": Windows-1252 (\u0152 is 0x8C there, a control character in Latin-1).
    { file: 'kits-windows1252-semicolons.csv', lots: { '70000101': 'LOT\u00e9-1', '70000102': 'LOT\u0152-2' } },
  ];

  it('imports each file with its lots intact and records the SHA-256 of the bytes on disk', async () => {
    const dbFile = join(dir, 'import.db');
    const made = veil('demo', '--db', dbFile, '--lists', join(dir, 'demo-lists'));
    expect(made.code, made.stderr).toBe(0);
    const pharmacist = (JSON.parse(made.stdout) as { users: Array<{ username: string; password: string; role: string }> }).users.find((u) => u.role === 'unblinded_pharmacist')!;
    for (const { file } of FILES) {
      const path = join(FIXTURES, file);
      const r = spawnSync(process.execPath, [VEIL_CLI, 'import', 'kits', '--db', dbFile, '--file', path, '--user', pharmacist.username], {
        encoding: 'utf8',
        timeout: 60_000,
        env: { ...process.env, VEIL_PASSWORD: pharmacist.password },
      });
      expect(r.stderr, file).toBe('');
      expect(r.status, file).toBe(0);
      const sha256 = createHash('sha256').update(readFileSync(path)).digest('hex');
      expect(r.stdout).toContain(`Imported 6 rows from ${file} (SHA-256 ${sha256})`);
    }
    const core = await openVeilCoreInternals({ dbFile, mode: 'browser', idleSweepMs: 0 });
    try {
      expect((await core.dispatch('w', 'session.login', { username: pharmacist.username, password: pharmacist.password })).ok).toBe(true);
      const register = await core.dispatch('w', 'allocation.register', { password: pharmacist.password });
      if (!register.ok) throw new Error(register.error.message);
      const lotOf = new Map((register.value as { kits: Array<{ kitNumber: string; lot: string }> }).kits.map((k) => [k.kitNumber, k.lot]));
      for (const { lots } of FILES) for (const [kit, lot] of Object.entries(lots)) expect(lotOf.get(kit), kit).toBe(lot);
    } finally {
      core.close();
    }
  }, 180_000);
});
