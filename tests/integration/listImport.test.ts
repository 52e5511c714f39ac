import { localDate } from '../../shared/schedule/visitSchedule';
import { addDelegation } from '../helpers/studyRows';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compareKitNumbers } from '../../shared/allocation/kitOrder';
import { base64Length, MAX_LIST_FILE_BYTES } from '../../shared/contract/limits';
import type { VeilErrorBody } from '../../shared/errors';
import { hashPassword } from '../../main/core/auth/passwords';
import { isoUtc } from '../../main/core/clock';
import { NS_DUPI } from '../../main/core/demo/demoSeed';
import { openVeilCoreInternals, type VeilCoreInternals } from '../../main/core/veilCore';
import { demoCore, FakeClock, TEST_ENGINE, type TestCore } from '../helpers/core';
import { createPostgresDatabase } from '../helpers/postgres';
import { rawRows } from '../helpers/rawSql';

let t: TestCore;
let w: string;
let signature: { username: string; password: string };
beforeAll(async () => {
  t = await demoCore();
  w = await t.loginAs('unblinded_pharmacist', 'import');
  const pharmacist = t.userOf('unblinded_pharmacist');
  signature = { username: pharmacist.username, password: pharmacist.password };
});
afterAll(() => t.dispose());

/** The input of allocation.checkList or allocation.importList for a UTF-8 CSV text, as the renderer sends a chosen file. */
function listInput(kind: 'randomization' | 'kits', fileName: string, csv: string, signature?: { username?: string; password: string }) {
  return { kind, fileName, contentBase64: Buffer.from(csv, 'utf8').toString('base64'), ...(signature ? { signature } : {}) };
}

const sha256 = (content: string) => createHash('sha256').update(Buffer.from(content, 'utf8')).digest('hex');
const GTIN = '03760000000017';

/** The rows of one statement on `core`'s Store, on either engine (`?` placeholders). */
const rowsOf = <T = Record<string, unknown>>(core: VeilCoreInternals, text: string, ...params: unknown[]) => rawRows<T>(core.store, text, params);

/**
 * The order rows are stored in: SQLite's rowid. PostgreSQL has none (a heap row's place, its ctid, moves with every
 * update), so there the rows are taken by key, each with its version (xmin: a new one at every update, even one that
 * changes nothing).
 */
const kitRowsSql = TEST_ENGINE === 'postgres' ? 'SELECT xmin::text AS version, * FROM kits ORDER BY kit_number' : 'SELECT rowid, * FROM kits ORDER BY rowid';
const slotRowsSql = TEST_ENGINE === 'postgres' ? 'SELECT xmin::text AS version, * FROM randomization_slots ORDER BY randomization_number' : 'SELECT rowid, * FROM randomization_slots ORDER BY rowid';
const KIT_ROW_ORDER = TEST_ENGINE === 'postgres' ? 'kit_number' : 'rowid';

/** Everything an import writes, so "unchanged" can be checked whole. */
async function snapshot(core: VeilCoreInternals) {
  const count = async (table: string) => Number((await rowsOf<{ n: number | string }>(core, `SELECT count(*) AS n FROM ${table}`))[0]!.n);
  const digest = async (sql: string) => sha256(JSON.stringify(await rowsOf(core, sql)));
  return {
    kits: await count('kits'),
    randomizationSlots: await count('randomization_slots'),
    listImports: await count('list_imports'),
    signatures: await count('signatures'),
    auditEvents: await count('audit_events'),
    seal: (await core.audit.seal()),
    kitRows: await digest(kitRowsSql),
    slotRows: await digest(slotRowsSql),
  };
}

/**
 * Every write since the core opened, in any table. SQLite counts them (total_changes()); PostgreSQL has no such count
 * for a database, so there: every row of every table with its version (xmin), which any insert, update or delete
 * changes, even an update that writes the same values.
 */
async function writesSoFar(core: VeilCoreInternals): Promise<unknown> {
  if (core.store.engine !== 'postgres') return (await rowsOf<{ n: number }>(core, 'SELECT total_changes() AS n'))[0]!.n;
  const tables = await rowsOf<{ name: string }>(core, 'SELECT tablename AS name FROM pg_tables WHERE schemaname = current_schema() ORDER BY tablename');
  if (!tables.some((table) => table.name === 'kits')) throw new Error('writesSoFar: the tables were not found');
  const all: Record<string, string> = {};
  for (const { name } of tables) all[name] = sha256((await rowsOf(core, `SELECT xmin::text AS version, * FROM "${name}"`)).map((r) => JSON.stringify(r)).sort().join('\n'));
  return all;
}

/** The kits in the order they are stored (kitRowsSql), of one import or all. */
async function kitsInRowidOrder(core: VeilCoreInternals, importId?: number): Promise<string[]> {
  const rows = await rowsOf<{ k: string; i: number }>(core, `SELECT kit_number AS k, import_id AS i FROM kits ORDER BY ${KIT_ROW_ORDER}`);
  return rows.filter((r) => importId === undefined || Number(r.i) === importId).map((r) => r.k);
}

const demoKitNumber = () => [...t.armOf.keys()].find((k) => /^\d{6}$/.test(k))!;

describe('a malformed file is refused whole', () => {
  it('every problem is listed by line in error.issues, "nothing was imported", and the database is unchanged', async () => {
    const content = [
      'Kit Number;ARM;Lot;Expiry_Date;GTIN', // 1
      `7000001;DUPI300;MX26A01;2027-12-31;${GTIN}`, // 2: fine
      `7000002;VERUM;MX26A01;31/02/2027;${GTIN}`, // 3: unknown arm, bad date
      `7000001;PLACEBO;MX26A01;2027-12-31;${GTIN}`, // 4: duplicate of line 2
      `${demoKitNumber()};PLACEBO;MX26A01;2027-12-31;${GTIN}`, // 5: already imported by the demo
      '7000005;PLACEBO;MX26A01', // 6: wrong field count
      `7000006;PLACEBO;${'X'.repeat(21)};2027-12-31;03760000000013`, // 7: long lot, bad GTIN
      `7000007;placebo;MX26A01;31.12.2027;${GTIN}`, // 8: fine
    ].join('\r\n');
    const before = (await snapshot(t.core));
    const result = await t.core.dispatch(w, 'allocation.importList', listInput('kits', 'bad_kits.csv', content, signature));
    expect(result.ok).toBe(false);
    const error = (result as { ok: false; error: VeilErrorBody }).error;
    expect(error.code).toBe('validation');
    expect(error.message).toMatch(/^bad_kits\.csv: 7 problems found; nothing was imported\.$/);
    expect(error.issues!.map((i) => i.path)).toEqual([
      ['line', 3, 'arm'],
      ['line', 3, 'expiry_date'],
      ['line', 4, 'kit_number'],
      ['line', 5, 'kit_number'],
      ['line', 6],
      ['line', 7, 'lot'],
      ['line', 7, 'gtin'],
    ]);
    for (const issue of error.issues!) expect(issue.message).toMatch(new RegExp(`^Line ${issue.path[1]}\\b`));
    expect(error.issues![2]!.message).toContain('first on line 2');
    expect((await snapshot(t.core))).toEqual(before);
  });

  it('a malformed randomization list too, header problems included', async () => {
    const content = 'randomization_number,arm,block,stratum,site\nR900,DUPI300,B90,ALL,1\nR001,PLACEBO,B90,ALL,1\nR902,NONE,B90,ALL,1\n';
    const before = (await snapshot(t.core));
    const result = await t.core.dispatch(w, 'allocation.importList', listInput('randomization', 'bad_rand.csv', content, signature));
    expect(result.ok).toBe(false);
    const error = (result as { ok: false; error: VeilErrorBody }).error;
    expect(error.message).toMatch(/3 problems found; nothing was imported/);
    expect(error.issues!.map((i) => i.path)).toEqual([
      ['line', 1, 'site'],
      ['line', 3, 'randomization_number'],
      ['line', 4, 'arm'],
    ]);
    expect((await snapshot(t.core))).toEqual(before);
  });
});

/** A sponsor's additional shipment, grouped by arm (as sponsors send them), numbers of 7 and 8 digits. */
const EXTRA_NUMBERS = {
  DUPI300: ['9000005', '10000003', '9000001', '10000001', '9000003', '9999999'],
  PLACEBO: ['10000002', '9000002', '9000004'],
};
const EXTRA_CSV =
  [
    'kit_number;arm;lot;expiry_date;gtin;serial',
    ...EXTRA_NUMBERS.DUPI300.map((k) => `${k};DUPI300;MX26A01;31/07/2027;${GTIN};SN${k}`),
    ...EXTRA_NUMBERS.PLACEBO.map((k) => `${k};Placebo;MX26A01;2027-07-31;${GTIN};SN${k}`),
  ].join('\r\n') + '\r\n';

describe('the contract carries the file bytes; the main process finds the encoding (issue 10, finding 11)', () => {
  const fixture = (name: string) => readFileSync(join(process.cwd(), 'tests', 'fixtures', 'lists', name));

  it('allocation.checkList reads Excel "Unicode text" and Windows-1252 lists, says how, and hashes the bytes received', async () => {
    for (const [name, encoding] of [
      ['kits-excel-unicode-text-utf16le.txt', 'UTF-16LE'],
      ['kits-windows1252-semicolons.csv', 'Windows-1252'],
      ['kits-utf8-bom.csv', 'UTF-8 with BOM'],
    ] as const) {
      const bytes = fixture(name);
      const result = await t.core.dispatch(w, 'allocation.checkList', { kind: 'kits', fileName: name, contentBase64: bytes.toString('base64') });
      if (!result.ok) throw new Error(result.error.message);
      expect(result.value, name).toMatchObject({ rowCount: 6, encoding, problems: [], warnings: [], sha256: createHash('sha256').update(bytes).digest('hex') });
    }
  });

  it('a kit list whose numbers lost their leading zeros comes with a warning, at check and at import', async () => {
    const csv = ['kit_number,arm,lot,expiry_date', '98,PLACEBO,MX26A01,2027-12-31', '99,DUPI300,MX26A01,2027-12-31', '100,DUPI300,MX26A01,2027-12-31'].join('\n');
    const check = await t.core.dispatch(w, 'allocation.checkList', listInput('kits', 'zeros.csv', csv));
    if (!check.ok) throw new Error(check.error.message);
    const warnings = (check.value as { warnings: Array<{ line: number; column: string; message: string }> }).warnings;
    expect(warnings).toMatchObject([{ line: 2, column: 'kit_number', message: expect.stringContaining('may have removed leading zeros') }]);
  });

  it('refuses bytes that are not base64, and a file larger than the limit, with a clear message', async () => {
    const notBase64 = await t.core.dispatch(w, 'allocation.checkList', { kind: 'kits', fileName: 'x.csv', contentBase64: 'kit_number,arm' });
    expect(notBase64.ok).toBe(false);
    expect(JSON.stringify(notBase64)).toContain('The file content is not base64.');
    const huge = await t.core.dispatch(w, 'allocation.checkList', { kind: 'kits', fileName: 'x.csv', contentBase64: 'A'.repeat(base64Length(MAX_LIST_FILE_BYTES) + 4) });
    expect(huge.ok).toBe(false);
    expect(JSON.stringify(huge)).toContain('The file is larger than 20 MB');
  });
});

describe('checking and importing a good kit list', () => {
  it('allocation.checkList reports rows and risk and writes nothing', async () => {
    const before = (await snapshot(t.core));
    const changes = await writesSoFar(t.core);
    const result = await t.core.dispatch(w, 'allocation.checkList', listInput('kits', 'extra.csv', EXTRA_CSV));
    expect(result.ok).toBe(true);
    const value = (result as { ok: true; value: { rowCount: number; sha256: string; problems: unknown[]; risk: { blindedLot: string | null; commonUseBefore: string | null } } }).value;
    expect(value.rowCount).toBe(9);
    expect(value.sha256).toBe(sha256(EXTRA_CSV));
    expect(value.problems).toEqual([]);
    // The demo's arm-specific lots and dates are still in the study, and this list's shared date is now the earliest.
    expect(value.risk.blindedLot).toBe('NSDUPI-BL1');
    expect(value.risk.commonUseBefore).toBe('2027-07-31');
    // A malformed list is checked without writing either.
    const bad = await t.core.dispatch(w, 'allocation.checkList', listInput('randomization', 'x.csv', 'randomization_number,arm\nR1,X\n'));
    expect(bad.ok).toBe(true);
    expect((bad as { ok: true; value: { problems: unknown[] } }).value.problems.length).toBeGreaterThan(0);
    expect(await writesSoFar(t.core)).toEqual(changes);
    expect((await snapshot(t.core))).toEqual(before);
  });

  let importId: number;
  it('is imported whole, with its SHA-256 and row count in list_imports and in the audit event list.kits_imported', async () => {
    const before = (await snapshot(t.core));
    const result = await t.core.dispatch(w, 'allocation.importList', listInput('kits', 'NS-DUPI_kits_shipment2.csv', EXTRA_CSV, signature));
    if (!result.ok) throw new Error(result.error.message);
    const value = result.value as { importId: number; sha256: string; rowCount: number; signature: { id: number; meaning: string } };
    importId = value.importId;
    expect(value.sha256).toBe(sha256(EXTRA_CSV));
    expect(value.rowCount).toBe(9);
    const after = (await snapshot(t.core));
    expect(after.kits).toBe(before.kits + 9);
    expect(after.listImports).toBe(before.listImports + 1);
    expect(after.signatures).toBe(before.signatures + 1);
    expect(after.randomizationSlots).toBe(before.randomizationSlots);

    const [stored] = await rowsOf(t.core, 'SELECT kind, file_name, sha256, row_count, signature_id FROM list_imports WHERE id = ?', importId);
    expect(stored).toEqual({ kind: 'kits', file_name: 'NS-DUPI_kits_shipment2.csv', sha256: sha256(EXTRA_CSV), row_count: 9, signature_id: value.signature.id });
    const events = (await t.core.audit.query({ action: 'list.kits_imported', entityId: String(importId) }));
    expect(events).toHaveLength(1);
    const event = events[0]!;
    expect(event.seq).toBe(after.seal.seq);
    expect(event.username).toBe(signature.username);
    expect(event.signatureId).toBe(value.signature.id);
    expect(event.after).toMatchObject({ kind: 'kits', fileName: 'NS-DUPI_kits_shipment2.csv', sha256: sha256(EXTRA_CSV), rowCount: 9 });
    // The audit trail names no arm.
    for (const word of NS_DUPI.arms.flatMap((a) => [a.code, a.name])) expect(JSON.stringify(event)).not.toContain(word);

    const imported = await kitsInRowidOrder(t.core, importId);
    expect([...imported].sort()).toEqual([...EXTRA_NUMBERS.DUPI300, ...EXTRA_NUMBERS.PLACEBO].sort());
  });

  // The SQLite file's row order (rowid); a PostgreSQL heap keeps none that a test could read (a row moves when updated).
  it.skipIf(TEST_ENGINE === 'postgres')('kits from lists grouped by arm are stored in kit-number order (rowid order follows compareKitNumbers)', async () => {
    const imports = await rowsOf<{ id: number }>(t.core, "SELECT id FROM list_imports WHERE kind = 'kits' ORDER BY id");
    expect(imports.length).toBe(2); // the demo's list and the one above, both grouped by arm
    for (const { id } of imports) {
      const stored = await kitsInRowidOrder(t.core, id);
      expect(stored.length).toBeGreaterThan(0);
      expect(stored).toEqual([...stored].sort(compareKitNumbers));
    }
    const extra = await kitsInRowidOrder(t.core, importId);
    expect(extra).toEqual(['9000001', '9000002', '9000003', '9000004', '9000005', '9999999', '10000001', '10000002', '10000003']);
    // Not the file's order (grouped by arm), and not text order either.
    expect(extra).not.toEqual([...EXTRA_NUMBERS.DUPI300, ...EXTRA_NUMBERS.PLACEBO]);
    expect(extra).not.toEqual([...extra].sort());
  });

  it('every kit, the demo ones included, now shows the blinded lot and the new earliest use-before date', async () => {
    const shown = await rowsOf(t.core, 'SELECT DISTINCT blinded_lot, use_before FROM kits');
    expect(shown).toEqual([{ blinded_lot: 'NSDUPI-BL1', use_before: '2027-07-31' }]);
    // The real lots and dates stay reachable, sealed, for the unblinded register.
    const rows = JSON.stringify(await rowsOf(t.core, 'SELECT * FROM kits'));
    for (const word of ['MX26A01', 'DP24A117', 'PL24C009', '2027-08-31']) expect(rows).not.toContain(word);
  });

  it('the unblinded register still reads every kit, with real lots behind the blinded ones', async () => {
    const result = await t.core.dispatch(w, 'allocation.register', { password: signature.password });
    if (!result.ok) throw new Error(result.error.message);
    const kits = (result.value as { kits: Array<{ kitNumber: string; armCode: string; lot: string; expiryDate: string; blindedLot: string; useBefore: string }> }).kits;
    const extra = kits.filter((k) => k.kitNumber.length >= 7);
    expect(extra).toHaveLength(9);
    for (const k of extra) {
      expect(k).toMatchObject({ lot: 'MX26A01', expiryDate: '2027-07-31', blindedLot: 'NSDUPI-BL1', useBefore: '2027-07-31' });
      expect(k.armCode).toBe(EXTRA_NUMBERS.PLACEBO.includes(k.kitNumber) ? 'PLACEBO' : 'DUPI300');
    }
  });
});

/** A new study database with one unblinded pharmacist ("pharma", logged in to window "w") and the allocation key set up. */
async function newStudy(prefix: string): Promise<{ core: VeilCoreInternals; dir: string; dbFile: string }> {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  // On the run's engine: a SQLite file (dbFile), or a new database of the throw-away server (dbFile empty).
  const dbFile = TEST_ENGINE === 'sqlite' ? join(dir, 'veil.db') : '';
  const location = dbFile ? { dbFile } : { database: await createPostgresDatabase(), dataFolder: dir };
  const clock = new FakeClock();
  const core = await openVeilCoreInternals({ ...location, mode: 'browser', clock, idleSweepMs: 0 });
  const now = isoUtc(clock.now());
  const passwordHash = await hashPassword(STUDY_PASSWORD);
  // A user row and its audit event together, as every path that creates a user writes them (verify replays them). A
  // password of the pharmacist's own: the key pair is made at this first login.
  await core.store.transaction(async () => {
    const studyId = await core.repositories.study.save(NS_DUPI, now);
    const userId = await core.repositories.users.insert({ username: 'pharma', displayName: 'P. Harma', role: 'unblinded_pharmacist', passwordHash, mustChangePassword: false, createdAt: now });
    await addDelegation(core.store, { userId, studyId, role: 'unblinded_pharmacist', startsOn: localDate(clock.now()) });
    await core.audit.append({ userId: null, username: 'system' }, { action: 'user.created', entityType: 'user', entityId: 'pharma', after: { displayName: 'P. Harma', role: 'unblinded_pharmacist' }, source: 'system' });
  });
  await core.site.reload();
  const login = await core.dispatch('w', 'session.login', { username: 'pharma', password: STUDY_PASSWORD });
  if (!login.ok) throw new Error(login.error.message);
  const key = await core.dispatch('w', 'allocation.setUpKey', { signature: { username: 'pharma', password: STUDY_PASSWORD } });
  if (!key.ok) throw new Error(key.error.message);
  return { core, dir, dbFile };
}
const STUDY_PASSWORD = 'pharmacist password 1';

describe('a new list that creates an arm-only lot', () => {
  let core: VeilCoreInternals;
  let dir: string;
  const password = STUDY_PASSWORD;
  const sign = { username: 'pharma', password };

  beforeAll(async () => {
    ({ core, dir } = await newStudy('veil-relabel-'));
  });
  afterAll(() => {
    core.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const shown = () => rowsOf<{ k: string; lot: string; date: string }>(core, `SELECT kit_number AS k, blinded_lot AS lot, use_before AS date FROM kits ORDER BY ${KIT_ROW_ORDER}`);

  it('a first, well-mixed list keeps real lots and dates on blinded labels', async () => {
    // Lots and dates shared by both arms, numbers interleaved: nothing to hide.
    const arms = ['DUPI300', 'PLACEBO', 'DUPI300', 'DUPI300', 'PLACEBO', 'DUPI300', 'PLACEBO', 'DUPI300', 'DUPI300', 'PLACEBO', 'DUPI300', 'DUPI300'];
    const content = ['kit_number,arm,lot,expiry_date', ...arms.map((arm, i) => `${5001 + i},${arm},${i % 2 ? 'LA' : 'LB'},${i % 3 ? '2028-01-31' : '2028-06-30'}`)].join('\n');
    const result = await core.dispatch('w', 'allocation.importList', listInput('kits', 'first.csv', content, sign));
    if (!result.ok) throw new Error(result.error.message);
    expect((result.value as { risk: unknown }).risk).toMatchObject({ findings: [], blindedLot: null, commonUseBefore: null });
    expect(await shown()).toEqual(arms.map((_, i) => ({ k: String(5001 + i), lot: i % 2 ? 'LA' : 'LB', date: i % 3 ? '2028-01-31' : '2028-06-30' })));
  });

  it('after a second list brings a placebo-only lot, every kit (old and new) shows the blinded lot; dates stay real', async () => {
    const content = 'kit_number,arm,lot,expiry_date\n6001,PLACEBO,PL-ONLY,2028-01-31\n6002,PLACEBO,PL-ONLY,2028-01-31\n';
    const result = await core.dispatch('w', 'allocation.importList', listInput('kits', 'second.csv', content, sign));
    if (!result.ok) throw new Error(result.error.message);
    const risk = (result.value as { risk: { findings: unknown[]; blindedLot: string | null; commonUseBefore: string | null } }).risk;
    expect(risk.findings).toEqual([{ kind: 'arm_only_lot', lot: 'PL-ONLY', arm: 'PLACEBO', kits: 2 }]);
    expect(risk.blindedLot).toBe('NSDUPI-BL1');
    expect(risk.commonUseBefore).toBeNull();
    const all = await shown();
    expect(all).toHaveLength(14);
    expect(new Set(all.map((k) => k.lot))).toEqual(new Set(['NSDUPI-BL1']));
    expect(all.find((k) => k.k === '5001')!.date).toBe('2028-06-30');
    expect(all.find((k) => k.k === '6001')!.date).toBe('2028-01-31');
    // The re-labelling happened in the import's own transaction and the chain still holds.
    const verify = await core.dispatch('w', 'audit.verify', {});
    expect(verify.ok && (verify.value as { ok: boolean }).ok).toBe(true);
  });
});

describe('a lot whose arm mix differs from the rest is shown blinded (issue 10, finding 4)', () => {
  let study: { core: VeilCoreInternals; dir: string; dbFile: string };
  const sign = { username: 'pharma', password: STUDY_PASSWORD };
  beforeAll(async () => {
    study = await newStudy('veil-lotmix-');
  });
  afterAll(() => {
    study.core.close();
    rmSync(study.dir, { recursive: true, force: true });
  });
  const shown = () => rowsOf<{ lot: string }>(study.core, 'SELECT DISTINCT blinded_lot AS lot FROM kits');

  it('a well-mixed first list keeps its real lots; a second list bringing a lot of 40 DUPI300 and 1 PLACEBO blinds every lot', async () => {
    // 300 kits, arms 2:1 shuffled (a seeded Fisher-Yates, so the list is the same on every run), three lots shared by
    // both arms. (A repeating pattern of arms would rightly be flagged: kit numbers modulo its period tell the arm.)
    let seed = 300;
    const random = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
    const arms: string[] = Array.from({ length: 300 }, (_, i) => (i < 200 ? 'DUPI300' : 'PLACEBO'));
    for (let i = arms.length - 1; i > 0; i--) {
      const j = Math.floor(random() * (i + 1));
      [arms[i], arms[j]] = [arms[j]!, arms[i]!];
    }
    const first = ['kit_number,arm,lot,expiry_date', ...arms.map((arm, i) => `${100001 + i},${arm},MX-${Math.floor(random() * 3)},2028-06-30`)].join('\n');
    const one = await study.core.dispatch('w', 'allocation.importList', listInput('kits', 'first.csv', first, sign));
    if (!one.ok) throw new Error(one.error.message);
    expect((one.value as { risk: { findings: unknown[] } }).risk.findings).toEqual([]);
    expect((await shown()).map((r) => r.lot).sort()).toEqual(['MX-0', 'MX-1', 'MX-2']);

    const second = ['kit_number,arm,lot,expiry_date', ...Array.from({ length: 41 }, (_, i) => `${200001 + i * 13},${i === 17 ? 'PLACEBO' : 'DUPI300'},DP26X040,2028-06-30`)].join('\n');
    const check = await study.core.dispatch('w', 'allocation.checkList', listInput('kits', 'second.csv', second));
    if (!check.ok) throw new Error(check.error.message);
    const risk = (check.value as { risk: { findings: Array<{ kind: string; attribute?: string; value?: string }>; blindedLot: string | null } }).risk;
    expect(risk.findings).toContainEqual(expect.objectContaining({ kind: 'value_arm_mix', attribute: 'lot', value: 'DP26X040' }));
    expect(risk.blindedLot).toBe('NSDUPI-BL1');

    const two = await study.core.dispatch('w', 'allocation.importList', listInput('kits', 'second.csv', second, sign));
    if (!two.ok) throw new Error(two.error.message);
    expect(await shown()).toEqual([{ lot: 'NSDUPI-BL1' }]);
    // The audit trail, which blinded monitors read, says that and how, not which lot or arm.
    const event = (await study.core.audit.query({ action: 'list.kits_imported', entityId: String((two.value as { importId: number }).importId) }))[0]!;
    expect(event.after).toMatchObject({ blindingRiskKinds: ['value_arm_mix'], blindedLot: 'NSDUPI-BL1' });
    for (const word of ['DP26X040', 'DUPI300', 'PLACEBO', 'Placebo', 'Dupilumab']) expect(JSON.stringify(event)).not.toContain(word);
  });
});

describe('randomization blocks at rest (issue 10, finding 5)', () => {
  let study: { core: VeilCoreInternals; dir: string; dbFile: string };
  beforeAll(async () => {
    study = await newStudy('veil-blocks-');
  });
  afterAll(() => {
    study.core.close();
    rmSync(study.dir, { recursive: true, force: true });
  });

  // Blocks of 3 at 2:1: whoever knows the blocks and one emergency unblinding knows the other two arms of its block.
  const BLOCKS = ['BLK-QZ71', 'BLK-QZ72', 'BLK-QZ73', 'BLK-QZ74'];
  const ARMS = ['DUPI300', 'PLACEBO', 'DUPI300', 'DUPI300', 'DUPI300', 'PLACEBO', 'PLACEBO', 'DUPI300', 'DUPI300', 'DUPI300', 'PLACEBO', 'DUPI300'];
  const CSV = ['randomization_number,arm,block,stratum', ...ARMS.map((arm, i) => `R${String(i + 1).padStart(3, '0')},${arm},${BLOCKS[Math.floor(i / 3)]},ALL`)].join('\r\n') + '\r\n';

  const fileBytes = (dbFile: string) => Buffer.concat([readFileSync(dbFile), ...(existsSync(dbFile + '-wal') ? [readFileSync(dbFile + '-wal')] : [])]).toString('latin1');
  /** Every row of every table, as text (either engine). */
  const everyRow = async () => {
    const tables = await rowsOf<{ name: string }>(
      study.core,
      study.core.store.engine === 'postgres' ? 'SELECT tablename AS name FROM pg_tables WHERE schemaname = current_schema()' : "SELECT name FROM sqlite_master WHERE type = 'table'",
    );
    const rows: string[] = [];
    for (const { name } of tables) rows.push(JSON.stringify(await rowsOf(study.core, `SELECT * FROM "${name}"`)));
    return rows.join('\n');
  };

  it('after an import, no block is in plain text in any table (nor, on SQLite, in the database file or its WAL), and the unblinded register still shows each one', async () => {
    const result = await study.core.dispatch('w', 'allocation.importList', listInput('randomization', 'blocks.csv', CSV, { username: 'pharma', password: STUDY_PASSWORD }));
    if (!result.ok) throw new Error(result.error.message);
    const rows = await everyRow();
    expect(rows).toContain('R012'); // the rows were read
    for (const block of BLOCKS) expect(rows.includes(block), block).toBe(false);
    // The file's own bytes, free pages and WAL included (PostgreSQL's files: tests/security/postgresAtRest.test.ts).
    if (study.dbFile) {
      const bytes = fileBytes(study.dbFile);
      for (const block of BLOCKS) expect(bytes.includes(block), block).toBe(false);
    }
    const register = await study.core.dispatch('w', 'allocation.register', { password: STUDY_PASSWORD });
    if (!register.ok) throw new Error(register.error.message);
    const slots = (register.value as { slots: Array<{ randomizationNumber: string; block: string; armCode: string }> }).slots;
    expect(slots.map((s) => [s.randomizationNumber, s.block, s.armCode])).toEqual(ARMS.map((arm, i) => [`R${String(i + 1).padStart(3, '0')}`, BLOCKS[Math.floor(i / 3)], arm]));
  });
});
