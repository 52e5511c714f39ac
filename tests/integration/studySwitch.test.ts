import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SessionState } from '../../shared/contract/session';
import { demoRandomizationCsv } from '../../main/core/demo/demoLists';
import { NS_DUPI } from '../../main/core/demo/demoSeed';
import { inStudy } from '../../main/core/study/callStudy';
import { encodeGs1 } from '../../shared/barcode/gs1';
import { channelCalls } from '../helpers/channels';
import { demoCore, FakeClock, openCopy, type TestCore } from '../helpers/core';
import { rawRows } from '../helpers/rawSql';

/**
 * Many studies in one Veil (issue 14, docs/multi-study-plan.md steps 4 and 5): a second study loaded beside the demo's
 * NS-DUPI, numbering its kits and slots alike, with its own key. Each session works in one study at a time and
 * switches to another it is delegated to; everything a call reaches is that study's. The unblinded monitor is
 * delegated a blinded role in the second study: unblinded in NS-DUPI, blinded there.
 */
const EXTENSION = { ...NS_DUPI, code: 'NS-DUPI-EXT', title: 'Dupilumab in Netherton syndrome: open extension' };
const base64 = (text: string) => Buffer.from(text, 'utf8').toString('base64');

let t: TestCore;
let extensionId: number;
beforeAll(async () => {
  t = await demoCore();
}, 120_000);
afterAll(() => t?.dispose());

const { call, ok, sign } = channelCalls(() => t);
async function refusal(window: string, channel: string, input: unknown = {}): Promise<string | undefined> {
  const result = await call(window, channel, input);
  return result.ok ? 'answered' : result.error.key;
}
type Active = Extract<SessionState, { state: 'active' }>;
const active = (state: SessionState): Active => {
  if (state.state !== 'active') throw new Error(`the session is ${state.state}`);
  return state;
};
const status = (window: string) => ok<{ keySetUp: boolean; sessionHoldsKey: boolean; slots: number; kits: number }>(window, 'allocation.status');

describe('a second study loaded beside the first', () => {
  it('is added by the pharmacist, who alone is delegated to it; the same code twice is refused', async () => {
    const pharmacist = await t.loginAs('unblinded_pharmacist', 'load-ph');
    const file = { fileName: 'ns-dupi-ext.json', contentBase64: base64(JSON.stringify(EXTENSION)) };
    const loaded = await ok<{ code: string }>(pharmacist, 'study.load', { ...file, signature: sign('unblinded_pharmacist') });
    expect(loaded.code).toBe('NS-DUPI-EXT');
    extensionId = (await t.sql<{ id: number }>("SELECT id FROM studies WHERE code = 'NS-DUPI-EXT'"))[0]!.id;
    expect(await refusal(pharmacist, 'study.load', { ...file, signature: sign('unblinded_pharmacist') })).toBe('study.alreadyLoaded');

    // The session still works in NS-DUPI, and now offers both.
    const state = active(await ok<SessionState>(pharmacist, 'session.current'));
    expect(state.study?.code).toBe('NS-DUPI');
    expect(state.studies.map((s) => [s.code, s.role])).toEqual([
      ['NS-DUPI', 'unblinded_pharmacist'],
      ['NS-DUPI-EXT', 'unblinded_pharmacist'],
    ]);
    const delegated = await t.sql<{ username: string; role: string }>(
      'SELECT u.username, d.role FROM delegations d JOIN users u ON u.id = d.user_id WHERE d.study_id = ? ORDER BY u.username',
      extensionId,
    );
    expect(delegated).toEqual([{ username: t.userOf('unblinded_pharmacist').username, role: 'unblinded_pharmacist' }]);
  });

  it('gets its own key and lists, numbered as the first study numbers its own, after a switch', async () => {
    const pharmacist = await t.loginAs('unblinded_pharmacist', 'setup-ph');
    const first = await status(pharmacist);
    expect(first).toMatchObject({ keySetUp: true, sessionHoldsKey: true });
    const switched = active(await ok<SessionState>(pharmacist, 'session.switchStudy', { code: 'NS-DUPI-EXT' }));
    expect(switched.study?.code).toBe('NS-DUPI-EXT');
    // A new study: no key, no list, no patient, whatever the first study holds.
    expect(await status(pharmacist)).toMatchObject({ keySetUp: false, sessionHoldsKey: false, slots: 0, kits: 0 });
    expect(await ok<unknown[]>(pharmacist, 'patients.list', {})).toEqual([]);
    const { codeBreakPassphrase } = await ok<{ codeBreakPassphrase: string }>(pharmacist, 'allocation.setUpKey', { signature: sign('unblinded_pharmacist') });
    expect(codeBreakPassphrase).toMatch(/^[2-9A-HJKMNP-Z]{4}(-[2-9A-HJKMNP-Z]{4}){9}$/);
    const password = { password: t.userOf('unblinded_pharmacist').password };
    await ok(pharmacist, 'allocation.importList', { kind: 'randomization', fileName: 'ext-randomization.csv', contentBase64: base64(demoRandomizationCsv(EXTENSION)), signature: password });
    await ok(pharmacist, 'allocation.importList', { kind: 'kits', fileName: 'ext-kits.csv', contentBase64: base64(t.demo.lists.kits), signature: password });
    const extension = await status(pharmacist);
    expect(extension).toMatchObject({ keySetUp: true, sessionHoldsKey: true, slots: first.slots, kits: first.kits });

    // The same kit numbers in both studies (the extension's list is NS-DUPI's), each sealed under its own study's key.
    const numbersOf = async (studyId: number) => (await t.sql<{ k: string }>('SELECT kit_number AS k FROM kits WHERE study_id = ?', studyId)).map((r) => r.k).sort();
    expect(await numbersOf(extensionId)).toEqual(await numbersOf(1));
    const sealedArms = await t.sql<{ n: number }>('SELECT count(*) AS n FROM kits a JOIN kits b ON a.kit_number = b.kit_number AND a.study_id = 1 AND b.study_id = ? WHERE a.arm_sealed = b.arm_sealed', extensionId);
    expect(Number(sealedArms[0]!.n)).toBe(0);
    const wraps = await t.sql<{ study_id: number; holder: string }>('SELECT study_id, holder FROM key_wraps WHERE study_id = ? ORDER BY holder', extensionId);
    expect(wraps.map((w) => w.holder)).toEqual(['emergency', `user:${(await t.core.repositories.users.byUsername(t.userOf('unblinded_pharmacist').username))!.id}`]);
    // Each study's events name it.
    const events = await t.sql<{ action: string; study_code: string }>("SELECT action, study_code FROM audit_events WHERE action IN ('allocation.key_set_up', 'list.kits_imported') ORDER BY seq");
    expect(events).toEqual([
      { action: 'allocation.key_set_up', study_code: 'NS-DUPI' },
      { action: 'list.kits_imported', study_code: 'NS-DUPI' },
      { action: 'allocation.key_set_up', study_code: 'NS-DUPI-EXT' },
      { action: 'list.kits_imported', study_code: 'NS-DUPI-EXT' },
    ]);
    // Back in NS-DUPI: its own key, still held.
    await ok(pharmacist, 'session.switchStudy', { code: 'NS-DUPI' });
    expect(await status(pharmacist)).toMatchObject({ keySetUp: true, sessionHoldsKey: true });
  });

  it('makes a user unblinded in NS-DUPI and blinded in the extension see arms in the first and nothing of them in the second', async () => {
    const admin = await t.loginAs('administrator', 'deleg-admin');
    await ok(admin, 'session.switchStudy', { code: 'NS-DUPI-EXT' });
    const monitorId = (await t.core.repositories.users.byUsername(t.userOf('unblinded_monitor').username))!.id;
    await ok(admin, 'delegations.grant', { userId: monitorId, role: 'monitor', startsOn: today(), endsOn: null, reason: 'Monitors the extension blinded', signature: sign('administrator') });

    const monitor = await t.loginAs('unblinded_monitor', 'both-monitor');
    const state = active(await ok<SessionState>(monitor, 'session.current'));
    expect(state.studies.map((s) => [s.code, s.role])).toEqual([
      ['NS-DUPI', 'unblinded_monitor'],
      ['NS-DUPI-EXT', 'monitor'],
    ]);
    // In NS-DUPI: unblinded, with its key.
    expect(state.user.blinded).toBe(false);
    const unblinded = await call(monitor, 'reconciliation.viewUnblinded', {});
    expect(unblinded.ok ? 'answered' : unblinded.error.message).toBe('answered');

    // In the extension: blinded, no key in the session for it, the unblinded views refused by role before anything is read.
    const there = active(await ok<SessionState>(monitor, 'session.switchStudy', { code: 'NS-DUPI-EXT' }));
    expect(there.user).toMatchObject({ role: 'monitor', blinded: true });
    expect(there.permissions).not.toContain('reconciliation.unblinded');
    expect(await refusal(monitor, 'reconciliation.viewUnblinded', {})).toBe('session.roleForbids');
    expect(await refusal(monitor, 'kitStory.viewUnblinded', { kitNumber: '1001' })).toBe('session.roleForbids');
    expect(inStudy(extensionId, () => t.core.custody.keyOf(monitor))).toBeNull();
    expect(inStudy(1, () => t.core.custody.keyOf(monitor))).not.toBeNull();
    // Today, across both studies: the current one first; arms short in NS-DUPI (unblinded, with its key), totals only in
    // the extension (blinded there), whichever study the session is in.
    type Today = { studies: Array<{ code: string; role: string; items: Array<{ kind: string }> }> };
    const kinds = (view: Today) => view.studies.map((study) => [study.code, study.role, study.items.filter((i) => i.kind.startsWith('stock_')).map((i) => i.kind)]);
    expect(kinds(await ok<Today>(monitor, 'today.view'))).toEqual([
      ['NS-DUPI-EXT', 'monitor', ['stock_totals']],
      ['NS-DUPI', 'unblinded_monitor', ['stock_arms_short']],
    ]);
    await ok(monitor, 'session.switchStudy', { code: 'NS-DUPI' });
    expect(kinds(await ok<Today>(monitor, 'today.view'))).toEqual([
      ['NS-DUPI', 'unblinded_monitor', ['stock_arms_short']],
      ['NS-DUPI-EXT', 'monitor', ['stock_totals']],
    ]);
    // A user of one study sees that study only.
    const nurse = await t.loginAs('study_nurse', 'today-nurse');
    expect((await ok<Today>(nurse, 'today.view')).studies.map((s) => s.code)).toEqual(['NS-DUPI']);

    // The key of the extension cannot be granted to them: blinded there.
    const pharmacist = await t.loginAs('unblinded_pharmacist', 'grant-ph');
    await ok(pharmacist, 'session.switchStudy', { code: 'NS-DUPI-EXT' });
    expect(await refusal(pharmacist, 'allocation.grantAccess', { userId: monitorId, reason: 'Try', signature: sign('unblinded_pharmacist') })).toBe('allocation.blindedTarget');
  });

  it("names the study of a kit scanned in the wrong study to its delegates only, and says nothing more", async () => {
    // Six kits only the extension has (a late list).
    const pharmacist = await t.loginAs('unblinded_pharmacist', 'scan-ph');
    await ok(pharmacist, 'session.switchStudy', { code: 'NS-DUPI-EXT' });
    const gtin = t.demo.lists.kits.split(/\r?\n/)[1]!.split(',')[4]!;
    const late = ['kit_number,arm,lot,expiry_date,gtin,serial', ...['900001', '900002', '900003', '900004', '900005', '900006'].map((k, i) => `${k},${i % 3 === 2 ? 'PLACEBO' : 'DUPI300'},${i % 3 === 2 ? 'PL24C009' : 'DP24A117'},${i % 3 === 2 ? '2027-08-31' : '2027-09-30'},${gtin},SN${k}`)].join('\r\n');
    await ok(pharmacist, 'allocation.importList', { kind: 'kits', fileName: 'ext-late-kits.csv', contentBase64: base64(late), signature: sign('unblinded_pharmacist') });
    await ok(pharmacist, 'session.switchStudy', { code: 'NS-DUPI' });

    const said = async (window: string, channel: string, input: unknown) => {
      const result = await call(window, channel, input);
      return result.ok ? 'answered' : { key: result.error.key, params: result.error.params, message: result.error.message };
    };
    // By kit number: the study named, nothing of the kit.
    expect(await said(pharmacist, 'kitStory.view', { code: '900001' })).toEqual({
      key: 'scans.otherStudy',
      params: { kit: '900001', study: 'NS-DUPI-EXT' },
      message: 'Kit 900001 belongs to study NS-DUPI-EXT, not to the study you work in. Switch to NS-DUPI-EXT in the header to work on it.',
    });
    // By a GS1 pack whose serial only the extension knows.
    const pack = encodeGs1([
      { ai: '01', value: gtin },
      { ai: '17', value: '270930' },
      { ai: '10', value: 'DP24A117' },
      { ai: '21', value: 'SN900001' },
    ]);
    expect(await said(pharmacist, 'kitStory.view', { code: pack })).toMatchObject({ key: 'scans.otherStudy', params: { kit: 'SN900001', study: 'NS-DUPI-EXT' } });
    // The nurse works in NS-DUPI only: the kit is simply unknown to her, and no other study is named.
    const nurse = await t.loginAs('study_nurse', 'scan-nurse');
    const unknown = await said(nurse, 'kitStory.view', { code: '900001' });
    expect(unknown).not.toBe('answered');
    expect(JSON.stringify(unknown)).not.toContain('NS-DUPI-EXT');
    expect((unknown as { key: string }).key).not.toBe('scans.otherStudy');
  });

  it('refuses a switch to a study the user is not delegated to, or that does not exist, in the same words', async () => {
    const nurse = await t.loginAs('study_nurse', 'nurse');
    const refused = await call(nurse, 'session.switchStudy', { code: 'NS-DUPI-EXT' });
    expect(refused.ok ? 'answered' : { key: refused.error.key, params: refused.error.params }).toEqual({ key: 'session.notDelegated', params: { study: 'NS-DUPI-EXT' } });
    const unknown = await call(nurse, 'session.switchStudy', { code: 'NO-SUCH-STUDY' });
    expect(unknown.ok ? 'answered' : { key: unknown.error.key, params: unknown.error.params }).toEqual({ key: 'session.notDelegated', params: { study: 'NO-SUCH-STUDY' } });
    expect(active(await ok<SessionState>(nurse, 'session.current')).study?.code).toBe('NS-DUPI');
    expect(active(await ok<SessionState>(nurse, 'session.current')).studies.map((s) => s.code)).toEqual(['NS-DUPI']);
  });

  it("shows each reader the trail of their study and the site's, never another study's events or code", async () => {
    type Listed = { events: Array<{ action: string; study: string | null }>; total: number; facets: { studies: string[] } };
    const monitor = await t.loginAs('monitor', 'trail-monitor');
    const inFirst = await ok<Listed>(monitor, 'audit.list', { page: 1, pageSize: 500 });
    expect(inFirst.events.some((e) => e.study === 'NS-DUPI')).toBe(true);
    expect(inFirst.events.some((e) => e.action === 'session.login' && e.study === null)).toBe(true);
    expect(inFirst.events.filter((e) => e.study === 'NS-DUPI-EXT')).toEqual([]);
    expect(inFirst.facets.studies).toEqual(['NS-DUPI']);
    const exported = await ok<{ csv: string }>(monitor, 'audit.exportCsv', {});
    expect(exported.csv).toContain('NS-DUPI');
    expect(exported.csv).not.toContain('NS-DUPI-EXT');

    const pharmacist = await t.loginAs('unblinded_pharmacist', 'trail-ph');
    await ok(pharmacist, 'session.switchStudy', { code: 'NS-DUPI-EXT' });
    const inExtension = await ok<Listed>(pharmacist, 'audit.list', { page: 1, pageSize: 500 });
    expect(inExtension.events.map((e) => e.study).filter((code) => code !== null && code !== 'NS-DUPI-EXT')).toEqual([]);
    expect(inExtension.events.some((e) => e.action === 'list.kits_imported')).toBe(true);
    expect(inExtension.events.some((e) => e.action === 'session.login')).toBe(true);
    expect(inExtension.facets.studies).toEqual(['NS-DUPI-EXT']);
  });

  it("keeps each window in its own study while calls interleave, and the whole record verifies", async () => {
    const inFirst = await t.loginAs('unblinded_pharmacist', 'interleave-1');
    const inSecond = await t.loginAs('unblinded_pharmacist', 'interleave-2');
    await ok(inSecond, 'session.switchStudy', { code: 'NS-DUPI-EXT' });
    const both = await Promise.all(Array.from({ length: 10 }, (_, i) => ok<{ study: { code: string } | null }>(i % 2 ? inSecond : inFirst, 'system.info')));
    expect(both.map((info) => info.study?.code)).toEqual(both.map((_, i) => (i % 2 ? 'NS-DUPI-EXT' : 'NS-DUPI')));
    expect((await ok<{ ok: boolean }>(inFirst, 'audit.verify')).ok).toBe(true);
  });
});

describe('a fridge holding kits of two studies', () => {
  it('quarantines the kits of every study an excursion reached, each listed and named in its own study only', async () => {
    let pharmacist = await t.loginAs('unblinded_pharmacist', 'cold-ph');
    await ok(pharmacist, 'session.switchStudy', { code: 'NS-DUPI' });
    const fridge = await ok<{ id: number }>(pharmacist, 'coldChain.saveLocation', { name: 'Shared fridge', kind: 'fridge', minCelsius: 2, maxCelsius: 8, calibrationDue: '2027-03-31', barcode: 'LOC-SHARED' });
    /** Two of the study's expected kits received and put in the shared fridge. */
    const stock = async (reference: string) => {
      const expected = await ok<Array<{ kitNumber: string }>>(pharmacist, 'inventory.kits', { status: 'expected' });
      const kits = [expected[0]!.kitNumber, expected[1]!.kitNumber];
      const shipment = await ok<{ id: number }>(pharmacist, 'shipments.create', { reference, from: { kind: 'kits', kitNumbers: kits } });
      for (const code of kits) await ok(pharmacist, 'shipments.scanKit', { shipmentId: shipment.id, code, source: 'scanner' });
      await ok(pharmacist, 'shipments.close', { shipmentId: shipment.id, temperature: 'no_alarm' });
      await ok(pharmacist, 'coldChain.putAway', { location: { barcode: 'LOC-SHARED' }, kitNumbers: kits, source: 'scanner' });
      return kits;
    };
    const first = await stock('SHP-COLD-1');
    await ok(pharmacist, 'session.switchStudy', { code: 'NS-DUPI-EXT' });
    const second = await stock('SHP-COLD-2');
    // The logger is brought in from NS-DUPI (below): the excursion reaches the extension's kits all the same.
    // The logger's readings from 10 minutes after the kits went in, out of range from 20 to 40 minutes, read 2 hours later.
    const putAwayAt = t.clock.now().getTime();
    t.clock.advanceMinutes(120);
    // Locked meanwhile by inactivity: the pharmacist logs in again (in NS-DUPI, their first study).
    pharmacist = await t.loginAs('unblinded_pharmacist', 'cold-ph');
    const reading = (minutes: number, celsius: number) => `${new Date(putAwayAt + minutes * 60_000).toISOString().replace(/\.\d{3}Z$/, '+00:00')};${celsius.toFixed(1)}`;
    const file = ['timestamp;temperature', reading(10, 5), reading(20, 8.5), reading(30, 10.2), reading(40, 7.5), reading(50, 5.1)].join('\n');
    const imported = await ok<{ excursionIds: number[] }>(pharmacist, 'coldChain.importLog', { locationId: fridge.id, fileName: 'shared.csv', content: file });
    const caseId = imported.excursionIds[0]!;
    const statusOf = async (studyId: number, kits: string[]) =>
      (await t.sql<{ status: string }>(`SELECT status FROM kits WHERE study_id = ? AND kit_number IN (${kits.map(() => '?').join(', ')})`, studyId, ...kits)).map((r) => r.status);
    expect(await statusOf(1, first)).toEqual(['quarantined', 'quarantined']);
    expect(await statusOf(extensionId, second)).toEqual(['quarantined', 'quarantined']);

    // The case is the site's, without any kit; each study's kits are in an event naming that study.
    const events = await t.sql<{ action: string; study_code: string | null; after_json: string }>(
      "SELECT action, study_code, after_json FROM audit_events WHERE entity_type = 'excursion' AND entity_id = ? ORDER BY seq",
      String(caseId),
    );
    expect(events.map((e) => [e.action, e.study_code])).toEqual([
      ['excursion.kits_reached', 'NS-DUPI'],
      ['excursion.kits_reached', 'NS-DUPI-EXT'],
      ['excursion.opened', null],
    ]);
    expect(JSON.parse(events[2]!.after_json)).not.toHaveProperty('kits');
    expect((JSON.parse(events[1]!.after_json) as { kits: Array<{ kit: string }> }).kits.map((k) => k.kit).sort()).toEqual([...second].sort());

    // Each study's readers see the case with their study's kits only.
    const kitsOfCase = async (window: string) => (await ok<{ kits: Array<{ kitNumber: string }> }>(window, 'coldChain.excursion', { excursionId: caseId })).kits.map((k) => k.kitNumber).sort();
    expect(await kitsOfCase(pharmacist)).toEqual([...first].sort());
    await ok(pharmacist, 'session.switchStudy', { code: 'NS-DUPI-EXT' });
    expect(await kitsOfCase(pharmacist)).toEqual([...second].sort());
    await ok(pharmacist, 'session.switchStudy', { code: 'NS-DUPI' });
  });
});

describe('the expiry sweep with two studies', () => {
  it('expires the kits of every study past their use-before date, each named by its own study', async () => {
    // Both studies' kits put on the shelf directly (their shipments are not what this is about).
    await t.sql("UPDATE kits SET status = 'available' WHERE status = 'expected'");
    const shelf = async (sql: (text: string) => Promise<Array<{ study_id: number; n: number }>>) =>
      (await sql("SELECT study_id, count(*) AS n FROM kits WHERE status IN ('available', 'quarantined') GROUP BY study_id ORDER BY study_id")).map((r) => [r.study_id, Number(r.n)]);
    expect((await shelf((text) => t.sql(text))).map(([study]) => study)).toEqual([1, extensionId]);
    const latest = (await t.sql<{ d: string }>('SELECT max(use_before) AS d FROM kits'))[0]!.d;
    const dayAfter = new Date(Date.parse(`${latest}T08:00:00.000Z`) + 24 * 60 * 60_000);
    const core = await openCopy(t, { clock: new FakeClock(dayAfter), expirySweepMs: 24 * 60 * 60_000 });
    const sql = <T>(text: string) => rawRows<T>(core.store, text);
    try {
      for (let i = 0; i < 200 && (await shelf(sql)).length > 0; i++) await new Promise((r) => setTimeout(r, 20));
      expect(await shelf(sql)).toEqual([]);
      const events = await sql<{ study_code: string; n: number }>("SELECT study_code, count(*) AS n FROM audit_events WHERE action = 'kit.status_changed' AND username = 'system' GROUP BY study_code ORDER BY study_code");
      expect(events.map((e) => e.study_code)).toEqual(['NS-DUPI', 'NS-DUPI-EXT']);
    } finally {
      core.close();
    }
  });
});

describe('an unblinded colleague delegated to the second study, and an archived study', () => {
  it("gives the extension's key with the unblinded role in one signed step: opened at the monitor's next login there", async () => {
    const pharmacist = await t.loginAs('unblinded_pharmacist', 'ext-key-ph');
    await ok(pharmacist, 'session.switchStudy', { code: 'NS-DUPI-EXT' });
    const monitorId = (await t.core.repositories.users.byUsername(t.userOf('unblinded_monitor').username))!.id;
    const granted = await ok<{ key: string }>(pharmacist, 'delegations.grant', { userId: monitorId, role: 'unblinded_monitor', startsOn: today(), endsOn: null, reason: 'Unblinded monitoring of the extension', signature: sign('unblinded_pharmacist') });
    expect(granted.key).toBe('granted');
    const monitor = await t.loginAs('unblinded_monitor', 'ext-key-monitor');
    expect(inStudy(extensionId, () => t.core.custody.keyOf(monitor))).not.toBeNull();
    // The extension's key, not NS-DUPI's: each study's own.
    expect(inStudy(extensionId, () => t.core.custody.keyOf(monitor))!.equals(inStudy(1, () => t.core.custody.keyOf(monitor))!)).toBe(false);
  });

  it("sets an archived study apart: a login opens a study of the day, Today leaves it out, and the switcher still reaches it", async () => {
    // NS-DUPI closed as at its close-out (the closure written directly: what closing needs is closeOut.test's), then
    // archived through the channel.
    const signatureId = (await t.sql<{ id: number }>('SELECT min(id) AS id FROM signatures'))[0]!.id;
    const pharmacistId = (await t.core.repositories.users.byUsername(t.userOf('unblinded_pharmacist').username))!.id;
    await t.sql("INSERT INTO study_closures (study_code, closed_at, closed_by, close_signature_id) VALUES ('NS-DUPI', '2026-11-30T10:00:00.000Z', ?, ?)", pharmacistId, signatureId);
    await t.core.site.reload();
    const pharmacist = await t.loginAs('unblinded_pharmacist', 'archive-ph');
    expect(active(await ok<SessionState>(pharmacist, 'session.current')).study?.code).toBe('NS-DUPI');
    await ok(pharmacist, 'study.archive', {});

    const again = await t.loginAs('unblinded_pharmacist', 'archive-ph-2');
    const state = active(await ok<SessionState>(again, 'session.current'));
    expect(state.study?.code).toBe('NS-DUPI-EXT');
    expect(state.studies.map((s) => [s.code, s.archived])).toEqual([
      ['NS-DUPI', true],
      ['NS-DUPI-EXT', false],
    ]);
    expect((await ok<{ studies: Array<{ code: string }> }>(again, 'today.view')).studies.map((s) => s.code)).toEqual(['NS-DUPI-EXT']);
    // Still reachable, read-only: its register of returns reads.
    await ok(again, 'session.switchStudy', { code: 'NS-DUPI' });
    await ok(again, 'reconciliation.view', {});
    await ok(again, 'study.unarchive', {});
    expect(active(await ok<SessionState>(again, 'session.current')).studies.map((s) => s.archived)).toEqual([false, false]);
    await t.sql("DELETE FROM study_closures WHERE study_code = 'NS-DUPI'");
    await t.core.site.reload();
  });
});

function today(): string {
  const d = t.clock.now();
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
}
