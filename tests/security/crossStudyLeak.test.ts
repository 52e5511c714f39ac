import Papa from 'papaparse';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Role } from '../../shared/roles';
import { demoRandomizationCsv } from '../../main/core/demo/demoLists';
import { NS_DUPI } from '../../main/core/demo/demoSeed';
import { channelCalls } from '../helpers/channels';
import { demoCore, type TestCore } from '../helpers/core';
import type { Leak, SponsorTruth } from './leak/leakDetector';
import { readEverythingAs } from './leak/readAsRole';

/**
 * Blinding per study (issue 14, item 6): the demo's unblinded monitor is delegated to a second study, NS-DUPI-EXT, as a
 * blinded monitor. The extension numbers its kits as NS-DUPI does, each kit holding the other arm than NS-DUPI's kit
 * of that number: an arm of either study showing through in the other would name the wrong one, and the detector
 * knows both. Working in the extension, nothing they can read answers with an arm of it (arm words, fields that
 * separate its kits by arm, an order that follows its arms); working in NS-DUPI, the same reads do show arms, which
 * is what proves the detector finds them here.
 */
const EXTENSION = { ...NS_DUPI, code: 'NS-DUPI-EXT', title: 'Dupilumab in Netherton syndrome: open extension' };
const OTHER_ARM: Record<string, string> = { DUPI300: 'PLACEBO', PLACEBO: 'DUPI300' };
const base64 = (text: string) => Buffer.from(text, 'utf8').toString('base64');

let t: TestCore;
let extensionTruth: SponsorTruth;
let firstTruth: SponsorTruth;
let extensionKits: string[];

const { ok, sign } = channelCalls(() => t);

beforeAll(async () => {
  t = await demoCore({ history: true });
  const truthOf = (armOf: Map<string, string>, title: string): SponsorTruth => ({
    armWords: NS_DUPI.arms.flatMap((a) => [a.code, a.name]),
    sharedBlindedPhrases: [NS_DUPI.product.blindedName, ...Object.values(NS_DUPI.labels.translations ?? {}).flatMap((l) => (l ? [l.product.blindedName] : [])), NS_DUPI.title, title],
    armOf,
  });
  firstTruth = truthOf(t.armOf, NS_DUPI.title);

  // The extension: loaded, keyed and listed by the pharmacist; NS-DUPI's kit numbers, each with the other arm.
  const pharmacist = await t.loginAs('unblinded_pharmacist', 'ext-ph');
  await ok(pharmacist, 'study.load', { fileName: 'ns-dupi-ext.json', contentBase64: base64(JSON.stringify(EXTENSION)), signature: sign('unblinded_pharmacist') });
  await ok(pharmacist, 'session.switchStudy', { code: 'NS-DUPI-EXT' });
  await ok(pharmacist, 'allocation.setUpKey', { signature: sign('unblinded_pharmacist') });
  const randomization = demoRandomizationCsv(EXTENSION);
  const rows = Papa.parse<Record<string, string>>(t.demo.lists.kits.trim(), { header: true }).data;
  const swapped: Array<Record<string, string>> = rows.map((row) => ({ ...row, arm: OTHER_ARM[row.arm!]! }));
  const password = { password: t.userOf('unblinded_pharmacist').password };
  await ok(pharmacist, 'allocation.importList', { kind: 'randomization', fileName: 'ext-randomization.csv', contentBase64: base64(randomization), signature: password });
  await ok(pharmacist, 'allocation.importList', { kind: 'kits', fileName: 'ext-kits.csv', contentBase64: base64(Papa.unparse(swapped)), signature: password });
  extensionKits = swapped.map((r) => r.kit_number!);
  const armOf = new Map<string, string>([...swapped.map((r) => [r.kit_number!, r.arm!] as const)]);
  for (const row of Papa.parse<Record<string, string>>(randomization.trim(), { header: true }).data) armOf.set(row.randomization_number!, row.arm!);
  extensionTruth = truthOf(armOf, EXTENSION.title);

  const admin = await t.loginAs('administrator', 'ext-admin');
  await ok(admin, 'session.switchStudy', { code: 'NS-DUPI-EXT' });
  const monitorId = (await t.core.repositories.users.byUsername(t.userOf('unblinded_monitor').username))!.id;
  const d = t.clock.now();
  const today = `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
  await ok(admin, 'delegations.grant', { userId: monitorId, role: 'monitor', startsOn: today, endsOn: null, reason: 'Monitors the extension blinded', signature: sign('administrator') });
}, 240_000);
afterAll(() => t?.dispose());

/** Every query the caller's role in the study may call, with its contract examples and a spread of kits: each answer. */
async function readEverything(window: string, role: Role): Promise<{ answered: string[]; leaks: Leak[] }> {
  const more = (name: string) => (name === 'kitStory.view' || name === 'kitStory.print' ? extensionKits.slice(0, 8).map((code) => ({ code })) : []);
  return readEverythingAs(t, window, role, { password: t.userOf('unblinded_monitor').password, truths: [currentTruth], more });
}
let currentTruth: SponsorTruth;

describe('a user unblinded in one study and blinded in another', () => {
  it('reads nothing of the extension\'s arms there, on any query their role there may call', async () => {
    const monitor = await t.loginAs('unblinded_monitor', 'cross-monitor');
    const state = await ok<{ user: { role: string } }>(monitor, 'session.switchStudy', { code: 'NS-DUPI-EXT' });
    expect(state.user.role).toBe('monitor');
    currentTruth = extensionTruth;
    const { answered, leaks } = await readEverything(monitor, 'monitor');
    expect(leaks).toEqual([]);
    // Enough of the surface was read for the absence to mean something.
    expect(answered.length).toBeGreaterThanOrEqual(20);
    expect(answered).toEqual(expect.arrayContaining(['kitStory.view', 'today.view', 'audit.list', 'inventory.summary']));
  });

  it('reads arms in NS-DUPI, where they are unblinded: the detector finds them there (the control)', async () => {
    const monitor = await t.loginAs('unblinded_monitor', 'cross-monitor-first');
    currentTruth = firstTruth;
    const { leaks } = await readEverything(monitor, 'unblinded_monitor');
    expect(leaks.length).toBeGreaterThan(0);
  });
});
