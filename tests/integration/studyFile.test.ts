import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ChannelOutput } from '../../shared/contract';
import { hashPassword } from '../../main/core/auth/passwords';
import { isoUtc } from '../../main/core/clock';
import type { VeilCoreInternals } from '../../main/core/veilCoreApi';
import { openVeilCoreInternals } from '../../main/core/veilCore';
import { FakeClock, TEST_ENGINE } from '../helpers/core';
import { createPostgresDatabase } from '../helpers/postgres';
import { rawRows } from '../helpers/rawSql';

/**
 * Loading the study from its configuration file (issue 14, item 1). A new site's database holds no study: the unblinded
 * pharmacist checks the sponsor's file (every problem listed with where it is, nothing stored), then loads it under an
 * e-signature that records the file's SHA-256; the lists can be imported after that. A bad file, a wrong password, a
 * role without the permission and a second study are each refused and change nothing.
 */
const FILE = readFileSync(join(__dirname, '../../studies/ns-dupi.json'));
const NS_DUPI = JSON.parse(FILE.toString('utf8')) as Record<string, unknown> & { visits: Array<Record<string, unknown>> };
const base64 = (bytes: Buffer | string) => Buffer.from(bytes).toString('base64');
const asFile = (json: unknown) => base64(JSON.stringify(json, null, 2));

type Check = ChannelOutput<'study.checkFile'>;
const PASSWORD = 'pharmacist password 1';
const USERS = [
  { username: 'pharma', displayName: 'P. Harma', role: 'unblinded_pharmacist' },
  { username: 'admin', displayName: 'A. Dmin', role: 'administrator' },
  { username: 'monitor', displayName: 'M. Onitor', role: 'monitor' },
] as const;

let core: VeilCoreInternals;
let dir: string;
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'veil-study-file-'));
  const location = TEST_ENGINE === 'sqlite' ? { dbFile: join(dir, 'veil.db') } : { database: await createPostgresDatabase(), dataFolder: dir };
  const clock = new FakeClock();
  core = await openVeilCoreInternals({ ...location, mode: 'browser', clock, idleSweepMs: 0 });
  const now = isoUtc(clock.now());
  await core.store.transaction(async () => {
    for (const user of USERS) {
      await core.repositories.users.insert({ ...user, passwordHash: await hashPassword(PASSWORD), mustChangePassword: false, createdAt: now });
      await core.audit.append({ userId: null, username: 'system' }, { action: 'user.created', entityType: 'user', entityId: user.username, after: { displayName: user.displayName, role: user.role }, source: 'system' });
    }
  });
  for (const user of USERS) expect((await core.dispatch(user.username, 'session.login', { username: user.username, password: PASSWORD })).ok).toBe(true);
}, 120_000);
afterAll(() => {
  core?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

async function call<T>(window: string, channel: string, input: unknown = {}): Promise<T> {
  const r = await core.dispatch(window, channel, input);
  if (!r.ok) throw new Error(`${channel}: ${r.error.code}: ${r.error.message}`);
  return r.value as T;
}
const sql = <T>(text: string) => rawRows<T>(core.store, text);
const stored = async () => ({ study: await sql('SELECT code, config_json FROM studies'), events: await sql('SELECT seq FROM audit_events ORDER BY seq') });
/** Refused with this code and key; the study table and the audit trail as they were. */
async function refused(window: string, channel: string, input: unknown, code: string, key?: string) {
  const before = await stored();
  const r = await core.dispatch(window, channel, input);
  expect(r.ok, `${channel} should be refused`).toBe(false);
  if (!r.ok) {
    expect(r.error.code, r.error.message).toBe(code);
    if (key) expect((r.error as { key?: string }).key, r.error.message).toBe(key);
  }
  expect(await stored()).toEqual(before);
  return r.ok ? '' : r.error.message;
}
const sign = { username: 'pharma', password: PASSWORD };

describe("a new site's study, loaded from its configuration file", () => {
  it("is checked whole first: the study it describes and the SHA-256 of the file's own bytes, nothing stored", async () => {
    const before = await stored();
    const check = await call<Check>('pharma', 'study.checkFile', { fileName: 'ns-dupi.json', contentBase64: base64(FILE) });
    expect(check).toEqual({
      fileName: 'ns-dupi.json',
      sha256: createHash('sha256').update(FILE).digest('hex'),
      study: {
        code: 'NS-DUPI',
        title: NS_DUPI.title,
        registry: 'NCT04244006',
        sponsor: 'Toulouse University Hospital',
        protocolNumber: 'RC31/19/0045',
        arms: 2,
        visits: 8,
        strata: 1,
        labelLanguages: ['fr', 'en'],
        kitTypes: [],
      },
      problems: [],
      cannotLoad: null,
    });
    expect(await stored()).toEqual(before);
    // A byte-order mark (as Windows editors save) is allowed, and changes the file's SHA-256.
    const withBom = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), FILE]);
    const bom = await call<Check>('pharma', 'study.checkFile', { fileName: 'ns-dupi.json', contentBase64: base64(withBom) });
    expect(bom.problems).toEqual([]);
    expect(bom.sha256).toBe(createHash('sha256').update(withBom).digest('hex'));
  });

  it("checks BRAVE-AA2's double-dummy file as valid, with its kit types, and finds nothing against its load", async () => {
    const brave = readFileSync(join(__dirname, '../../studies/brave-aa2.json'));
    const file = { fileName: 'brave-aa2.json', contentBase64: base64(brave) };
    const check = await call<Check>('pharma', 'study.checkFile', file);
    expect(check.problems).toEqual([]);
    expect(check.study).toMatchObject({ code: 'BRAVE-AA2', arms: 3, visits: 9, strata: 2, sponsor: 'Eli Lilly and Company', protocolNumber: 'I4V-MC-JAIR' });
    expect(check.study!.kitTypes).toEqual([
      { code: 'A', name: 'Bottle A', contents: ['Baricitinib 4 mg tablets', 'Placebo tablets matching baricitinib 4 mg'] },
      { code: 'B', name: 'Bottle B', contents: ['Baricitinib 2 mg tablets', 'Placebo tablets matching baricitinib 2 mg'] },
    ]);
    // Its kit types are dispensed (tests/integration/braveAa2.test.ts loads it beside NS-DUPI).
    expect(check.cannotLoad).toBeNull();
    // NS-DUPI's file can be loaded here.
    expect((await call<Check>('pharma', 'study.checkFile', { fileName: 'ns-dupi.json', contentBase64: base64(FILE) })).cannotLoad).toBeNull();
  });

  it('lists every problem of a bad file with where it is', async () => {
    const problems = async (content: string) => (await call<Check>('pharma', 'study.checkFile', { fileName: 'study.json', contentBase64: content })).problems;
    expect(await problems(base64('{"code": "NS-DUPI",'))).toEqual([
      { path: '', message: expect.stringMatching(/^The file is not JSON \(.+\)\.$/), key: 'studyFile.notJson', params: { detail: expect.any(String) } },
    ]);
    expect(await problems(base64(Buffer.from('{"title": "Étude"}', 'latin1')))).toEqual([
      { path: '', message: 'The file is not UTF-8 text: a study configuration is a JSON file in UTF-8.', key: 'studyFile.notUtf8' },
    ]);
    const visits = NS_DUPI.visits.map((v) => (v.code === 'W4' ? { ...v, dayOffset: 10 } : v));
    const { title: _title, ...untitled } = NS_DUPI;
    // Every problem of the file's shape at once; the rules across fields (visits in day order) once the shape holds.
    const found = await problems(asFile({ ...untitled, code: 'ns dupi', visits }));
    // Each said by key for the screens (in the user's language), and in English.
    expect(found.sort((a, b) => a.path.localeCompare(b.path))).toEqual([
      { path: 'code', message: 'A study code is 2-20 capitals, digits or dashes', key: 'studyFile.studyCode' },
      { path: 'title', message: 'Missing: the study file must give it', key: 'studyFile.missing' },
    ]);
    expect(await problems(asFile({ ...NS_DUPI, visits }))).toEqual([{ path: 'visits.2.dayOffset', message: 'Visits must be in increasing day order', key: 'studyFile.visitOrder' }]);
    const arms = [...(NS_DUPI.arms as Array<Record<string, unknown>>), { code: 'PLACEBO', name: 'Placebo again', ratio: 1 }];
    expect(await problems(asFile({ ...NS_DUPI, arms, design: { ...(NS_DUPI.design as object), plannedPatients: 'twenty-four' } }))).toEqual([
      { path: 'design.plannedPatients', message: 'Expected number here', key: 'studyFile.wrongType', params: { expected: 'number' } },
    ]);
    expect(await problems(asFile({ ...NS_DUPI, arms }))).toEqual([{ path: 'arms.2.code', message: 'Arm code PLACEBO is used twice', key: 'studyFile.armTwice', params: { arm: 'PLACEBO' } }]);
  });

  it('is loaded only by the unblinded pharmacist, with the right password and a valid file; each refusal stores nothing', async () => {
    const file = { fileName: 'ns-dupi.json', contentBase64: base64(FILE) };
    await refused('admin', 'study.load', { ...file, signature: { username: 'admin', password: PASSWORD } }, 'forbidden');
    await refused('monitor', 'study.checkFile', file, 'forbidden');
    // A wrong password stores no study; its one trace is the failed signature in the audit trail (counted for the lock-out).
    const seq = Number((await sql<{ n: number }>('SELECT max(seq) AS n FROM audit_events'))[0]!.n);
    const wrong = await core.dispatch('pharma', 'study.load', { ...file, signature: { ...sign, password: 'not the password' } });
    expect(wrong.ok ? 'loaded' : (wrong.error as { key?: string }).key).toBe('signatures.wrongPassword');
    expect(await sql('SELECT code FROM studies')).toEqual([]);
    expect((await sql<{ action: string }>(`SELECT action FROM audit_events WHERE seq > ${seq}`)).map((e) => e.action)).toEqual(['credential.failed']);
    const visits = NS_DUPI.visits.map((v) => (v.code === 'W4' ? { ...v, dayOffset: 10 } : v));
    const message = await refused('pharma', 'study.load', { fileName: 'amended.json', contentBase64: asFile({ ...NS_DUPI, visits }), signature: sign }, 'validation', 'study.fileInvalid');
    expect(message).toBe('amended.json is not a study configuration Veil can load; first problem: visits.2.dayOffset: Visits must be in increasing day order. Nothing was loaded.');
    // No study yet: the kit list cannot be checked.
    const list = await core.dispatch('pharma', 'allocation.checkList', { kind: 'randomization', fileName: 'randomization.csv', contentBase64: base64('randomization_number,arm,block,stratum\nR001,DUPI300,B1,ALL\n') });
    expect(list.ok ? 'checked' : (list.error as { key?: string }).key).toBe('lists.noStudy');
  });

  it('is loaded under a signature recording the SHA-256, audited, and in memory at once: the lists can be checked', async () => {
    const loaded = await call<ChannelOutput<'study.load'>>('pharma', 'study.load', { fileName: 'ns-dupi.json', contentBase64: base64(FILE), signature: sign });
    const sha256 = createHash('sha256').update(FILE).digest('hex');
    expect(loaded).toMatchObject({ code: 'NS-DUPI', title: NS_DUPI.title, fileName: 'ns-dupi.json', sha256, signature: { printedName: 'P. Harma', meaning: 'I load this study configuration, checked against the protocol' } });
    const [row] = await sql<{ code: string; config_json: string }>('SELECT code, config_json FROM studies');
    expect(row!.code).toBe('NS-DUPI');
    expect(JSON.parse(row!.config_json)).toMatchObject({ code: 'NS-DUPI', visits: NS_DUPI.visits, arms: NS_DUPI.arms });
    const [event] = await sql<{ action: string; entity_id: string; after_json: string; signature_id: number; username: string }>("SELECT action, entity_id, after_json, signature_id, username FROM audit_events WHERE action = 'study.loaded'");
    expect(event).toMatchObject({ entity_id: 'NS-DUPI', username: 'pharma', signature_id: loaded.signature.id });
    expect(JSON.parse(event!.after_json)).toEqual({ title: NS_DUPI.title, fileName: 'ns-dupi.json', sha256 });
    const [signature] = await sql<{ record_type: string; record_id: string }>(`SELECT record_type, record_id FROM signatures WHERE id = ${loaded.signature.id}`);
    expect(signature).toEqual({ record_type: 'study', record_id: 'NS-DUPI' });
    // In memory without a restart: the footer names the study, the randomization list is checked against its arms.
    expect((await call<{ study: { code: string } | null }>('monitor', 'system.info')).study).toMatchObject({ code: 'NS-DUPI' });
    const list = await call<{ problems: unknown[]; rowCount: number }>('pharma', 'allocation.checkList', {
      kind: 'randomization',
      fileName: 'randomization.csv',
      contentBase64: base64('randomization_number,arm,block,stratum\nR001,DUPI300,B1,ALL\nR002,NOT_AN_ARM,B1,ALL\n'),
    });
    // Checked against the loaded study's arms: the unknown one, on line 3, is the one problem.
    expect(list.problems).toEqual([expect.objectContaining({ line: 3, column: 'arm', message: expect.stringMatching(/NOT_AN_ARM/) })]);
    expect((await call<{ ok: boolean }>('monitor', 'audit.verify')).ok).toBe(true);
  });

  it('is never replaced by a file of the same code (a second study is loaded beside it: studySwitch.test.ts)', async () => {
    const amended = { ...NS_DUPI, title: 'An amended title' };
    const message = await refused('pharma', 'study.load', { fileName: 'ns-dupi-v2.json', contentBase64: asFile(amended), signature: sign }, 'conflict', 'study.alreadyLoaded');
    expect(message).toBe("Study NS-DUPI is already loaded: ns-dupi-v2.json was not loaded again. A loaded study's configuration cannot be amended yet.");
    await refused('pharma', 'study.load', { fileName: 'ns-dupi.json', contentBase64: base64(FILE), signature: sign }, 'conflict', 'study.alreadyLoaded');
    // Checking a file still works, and says why it cannot be loaded here.
    const check = await call<Check>('pharma', 'study.checkFile', { fileName: 'ns-dupi.json', contentBase64: base64(FILE) });
    expect(check.cannotLoad).toMatchObject({ key: 'study.alreadyLoaded', params: { study: 'NS-DUPI' } });
  });
});
