import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Role } from '../../shared/roles';
import { NS_DUPI } from '../../main/core/demo/demoSeed';
import { BRAVE, braveHistory, loadBrave, type BraveTruth } from '../helpers/braveStudy';
import { channelCalls } from '../helpers/channels';
import { demoCore, type TestCore } from '../helpers/core';
import type { Leak, SponsorTruth } from './leak/leakDetector';
import { readEverythingAs } from './leak/readAsRole';

/**
 * Blinding in a double-dummy study (issue 14, item 6): BRAVE-AA2 beside NS-DUPI, with history (patients of every arm
 * given their bottles A and B). The demo's unblinded monitor, unblinded in NS-DUPI, is delegated to BRAVE-AA2 as a
 * blinded monitor. There, what is secret is each bottle's content within its type: bottle A holds 4 mg or its placebo,
 * bottle B 2 mg or its placebo, and which one names part of the patient's arm. The type itself is printed on every
 * bottle, so the detector judges each type's bottles among themselves (a list that keeps bottles A apart from bottles
 * B tells nothing), and the patients by their arms. Working in BRAVE-AA2, nothing the monitor may read names an arm or
 * a content, separates bottles by content or patients by arm, or orders them so; the pharmacist's same reads do.
 */
let t: TestCore;
let truth: BraveTruth;
let kits: string[];
const { ok, sign } = channelCalls(() => t);

/** One truth per kit type: that type's bottles by content, and the patients by arm. */
function truthsOf(b: BraveTruth): SponsorTruth[] {
  const armWords = [...BRAVE.arms.flatMap((a) => [a.code, a.name]), ...BRAVE.kitTypes!.flatMap((k) => k.contents.flatMap((c) => [c.code, c.name]))];
  // Printed on every bottle of a type whatever it holds, or the study's own names: not arm words where they stand.
  // NS-DUPI's title names its design ("placebo-controlled"): the monitor's list of studies shows it.
  const sharedBlindedPhrases = [NS_DUPI.title, BRAVE.title, BRAVE.product.blindedName, BRAVE.product.directions, ...BRAVE.kitTypes!.flatMap((k) => [k.product.blindedName, k.product.directions])];
  const slots = [...b.slotOf].map(([number, s]) => [number, s.arm] as const);
  return BRAVE.kitTypes!.map((type) => ({
    armWords,
    sharedBlindedPhrases,
    armOf: new Map([...slots, ...[...b.kitOf].filter(([, k]) => k.type === type.code).map(([number, k]) => [number, k.content] as const)]),
  }));
}

beforeAll(async () => {
  t = await demoCore();
  const pharmacist = await t.loginAs('unblinded_pharmacist', 'brave-leak-ph');
  truth = await loadBrave(t, pharmacist);
  await braveHistory(t, pharmacist, truth, 12);
  kits = [...truth.kitOf.keys()];
  const admin = await t.loginAs('administrator', 'brave-leak-admin');
  await ok(admin, 'session.switchStudy', { code: BRAVE.code });
  const monitorId = (await t.core.repositories.users.byUsername(t.userOf('unblinded_monitor').username))!.id;
  const d = t.clock.now();
  const today = `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
  await ok(admin, 'delegations.grant', { userId: monitorId, role: 'monitor', startsOn: today, endsOn: null, reason: 'Monitors BRAVE-AA2 blinded', signature: sign('administrator') });
}, 240_000);
afterAll(() => t?.dispose());

/** Every query `role` may call, with a spread of bottles and patients besides the examples, each type's truth applied. */
async function readEverything(window: string, role: Role, passwordOf: Role): Promise<{ answered: string[]; leaks: Leak[] }> {
  const patients = await ok<Array<{ id: number }>>(window, 'patients.list', {});
  const more = (name: string): unknown[] => {
    if (name === 'kitStory.view' || name === 'kitStory.print') return kits.slice(0, 10).map((code) => ({ code }));
    if (name === 'returns.compliance' || name === 'patients.get') return patients.slice(0, 6).map((p) => ({ patientId: p.id }));
    return [];
  };
  return readEverythingAs(t, window, role, { password: t.userOf(passwordOf).password, truths: truthsOf(truth), more });
}

describe('a double-dummy study read by a user blinded there and unblinded in the other study', () => {
  it('reads no arm and no bottle content of BRAVE-AA2, on any query a monitor may call', async () => {
    const monitor = await t.loginAs('unblinded_monitor', 'brave-leak-monitor');
    const state = await ok<{ user: { role: string } }>(monitor, 'session.switchStudy', { code: BRAVE.code });
    expect(state.user.role).toBe('monitor');
    const { answered, leaks } = await readEverything(monitor, 'monitor', 'unblinded_monitor');
    expect(leaks).toEqual([]);
    expect(answered.length).toBeGreaterThanOrEqual(20);
    expect(answered).toEqual(expect.arrayContaining(['kitStory.view', 'inventory.kits', 'patients.list', 'returns.compliance', 'audit.list', 'today.view']));
  });

  it('the pharmacist’s same reads in BRAVE-AA2 do show contents and arms: the detector finds them (the control)', async () => {
    const pharmacist = await t.loginAs('unblinded_pharmacist', 'brave-leak-control');
    await ok(pharmacist, 'session.switchStudy', { code: BRAVE.code });
    const { leaks } = await readEverything(pharmacist, 'unblinded_pharmacist', 'unblinded_pharmacist');
    expect(leaks.some((l) => l.kind === 'arm_word')).toBe(true);
  });
});
