import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROLES, ROLE_IS_BLINDED } from '../../shared/roles';
import { demoCore, type TestCore } from '../helpers/core';

/**
 * Issue 15, item 4: what an open excursion case does to the coming visits, per arm, for unblinded users only. The
 * test opens a case (a min/max check out of range) that holds kits in quarantine, takes every available kit of one arm
 * off the shelf (damaged at the site) so that arm runs short, then checks the impact against the arms of the held kits read from the unblinded
 * kit story: the short arm's shortfall falls by the kits of that arm the case holds, and no blinded role may ask.
 */
let t: TestCore;
beforeAll(async () => {
  t = await demoCore({ history: true });
}, 180_000);
afterAll(() => t.dispose());

interface Impact {
  arms: Array<{ armCode: string; held: number; needed: number; shortfallNow: number; shortfallIfReleased: number; firstUncoveredNow: string | null }>;
}

async function call<T = unknown>(window: string, channel: string, input: unknown): Promise<T> {
  const r = await t.core.dispatch(window, channel, input);
  if (!r.ok) throw new Error(`${channel}: ${r.error.code}: ${r.error.message}`);
  return r.value as T;
}

describe("an open excursion case's impact on the coming visits", () => {
  it('per arm: the kits the case holds, the shortfall now and if the sponsor released them', async () => {
    const ph = await t.loginAs('unblinded_pharmacist', 'impact-ph');
    const sign = { username: t.userOf('unblinded_pharmacist').username, password: t.userOf('unblinded_pharmacist').password };
    // The demo's lists are drawn at random: randomize patients (baseline today) until every arm has one with visits.
    const armsTaken = async () =>
      new Set(
        (await t.core.store.q().selectFrom('patients').select('randomization_number as r').where('status', '=', 'randomized').execute()).map((p) =>
          t.armOf.get(p.r!),
        ),
      );
    for (let n = 1; (await armsTaken()).size < t.core.study().arms.length && n <= 12; n++) {
      const patient = await call<{ id: number }>(ph, 'patients.register', { screeningNumber: `S-IM${n}`, initials: 'IM', yearOfBirth: 1980, investigator: 'Dr Inès Moreau' });
      await call(ph, 'patients.randomize', { patientId: patient.id, signature: sign });
    }
    // An excursion now: a min/max check out of range at the location holding most kits opens a case that holds them.
    const tech = await t.loginAs('pharmacy_technician', 'impact-tech');
    const fullest = (await call<Array<{ id: number; kitCount: number }>>(tech, 'coldChain.locations', {})).sort((a, b) => b.kitCount - a.kitCount)[0]!;
    const { excursionIds } = await call<{ excursionIds: number[] }>(tech, 'coldChain.recordMinMax', { locationId: fullest.id, readAt: t.clock.now().toISOString(), minCelsius: 4.2, maxCelsius: 14.5 });
    expect(excursionIds).toHaveLength(1);
    const excursionId = excursionIds[0]!;
    const kase = await call<{ kits: Array<{ kitNumber: string; quarantined: boolean; disposition: string | null; status: string }> }>(ph, 'coldChain.excursion', { excursionId });
    const held = kase.kits.filter((k) => k.quarantined && k.disposition === null && k.status === 'quarantined').map((k) => k.kitNumber);
    expect(held.length).toBeGreaterThan(0);
    // Each held kit's arm, from the unblinded kit story (not from the forecast).
    const armOf = async (kit: string) => (await call<{ kit: { armCode: string } }>(ph, 'kitStory.viewUnblinded', { code: kit })).kit.armCode;
    const heldByArm = new Map<string, number>();
    for (const k of held) {
      const arm = await armOf(k);
      heldByArm.set(arm, (heldByArm.get(arm) ?? 0) + 1);
    }

    const before = await call<Impact>(ph, 'stock.excursionImpact', { excursionId, weeks: 12 });
    for (const arm of before.arms) expect(arm.held, arm.armCode).toBe(heldByArm.get(arm.armCode) ?? 0);
    const shortArm = before.arms.find((a) => a.held > 0 && a.needed > 0)!.armCode;
    // Every kit of that arm still on the shelf taken off it (damaged at the site): the arm now runs short.
    const available = (await t.core.store.q().selectFrom('kits').select('kit_number as k').where('status', '=', 'available').orderBy('kit_number').execute()).map((r) => r.k);
    for (const k of available) if ((await armOf(k)) === shortArm) await call(tech, 'kitExceptions.damagedAtSite', { code: k, reason: 'Test: the arm runs short' });

    const impact = await call<Impact>(ph, 'stock.excursionImpact', { excursionId, weeks: 12 });
    const forecast = await call<{ arms: Array<{ armCode: string; shortfall: number; needed: number }> }>(ph, 'stock.forecastUnblinded', { weeks: 12 });
    for (const arm of impact.arms) {
      // "Now" is the forecast as the stock stands.
      const now = forecast.arms.find((a) => a.armCode === arm.armCode)!;
      expect([arm.shortfallNow, arm.needed]).toEqual([now.shortfall, now.needed]);
    }
    const short = impact.arms.find((a) => a.armCode === shortArm)!;
    expect(short.shortfallNow).toBe(short.needed);
    expect(short.firstUncoveredNow).not.toBeNull();
    // The demo's kits expire long after the window: each released kit covers one kit needed.
    expect(short.shortfallIfReleased).toBe(Math.max(0, short.needed - short.held));
    expect(short.shortfallIfReleased).toBeLessThan(short.shortfallNow);
  });

  it('is refused to every blinded role and to a wrong excursion', async () => {
    for (const role of ROLES.filter((r) => ROLE_IS_BLINDED[r])) {
      const w = await t.loginAs(role, `impact-${role}`);
      const r = await t.core.dispatch(w, 'stock.excursionImpact', { excursionId: 1, weeks: 4 });
      expect(r.ok ? 'answered' : r.error.code, role).toBe('forbidden');
    }
    const ph = await t.loginAs('unblinded_pharmacist', 'impact-ph2');
    const r = await t.core.dispatch(ph, 'stock.excursionImpact', { excursionId: 9999, weeks: 4 });
    expect(r.ok ? 'answered' : r.error.code).toBe('not_found');
  });
});
