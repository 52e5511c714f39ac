import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoCore, type TestCore } from '../helpers/core';

/**
 * Issue 15 through the router, on the demo: who may do what (pharmacy roles write, monitors read, the disposition is
 * the unblinded pharmacist's, e-signed), a logger import quarantining the kits of the fridge, the sponsor's mixed
 * disposition, and nothing arm-related in any answer.
 */
let t: TestCore;
beforeAll(async () => {
  t = await demoCore();
}, 120_000);
afterAll(() => t?.dispose());

async function call(window: string, channel: string, input: unknown) {
  const result = await t.core.dispatch(window, channel, input);
  if (!result.ok) throw new Error(`${channel}: ${result.error.code}: ${result.error.message}`);
  return result.value as never;
}
async function refusal(window: string, channel: string, input: unknown) {
  const result = await t.core.dispatch(window, channel, input);
  return result.ok ? 'ok' : result.error.code;
}

describe('the cold chain channels', () => {
  it('imports a logger file whose excursion quarantines the fridge kits, and takes the mixed disposition, e-signed', async () => {
    // Put away at 06:00Z; the logger file is downloaded the same morning (the windows would lock if the test waited).
    t.clock.travelTo(new Date('2026-11-25T06:00:00.000Z'));
    const tech = await t.loginAs('pharmacy_technician');
    const monitor = await t.loginAs('monitor');
    const investigator = await t.loginAs('investigator');
    const pharmacist = await t.loginAs('unblinded_pharmacist');
    // Two kits received into stock first (the demo without history has every kit still expected).
    const expected = (await call(tech, 'inventory.kits', { status: 'expected' })) as Array<{ kitNumber: string }>;
    const [k1, k2] = [expected[0]!.kitNumber, expected[1]!.kitNumber];
    const shipment = (await call(tech, 'shipments.create', { reference: 'SHP-COLD', from: { kind: 'kits', kitNumbers: [k1, k2] } })) as { id: number };
    for (const code of [k1, k2]) await call(tech, 'shipments.scanKit', { shipmentId: shipment.id, code, source: 'scanner' });
    await call(tech, 'shipments.close', { shipmentId: shipment.id, temperature: 'no_alarm' });

    // Who may write: the pharmacy; a monitor reads; an investigator sees nothing of it.
    const location = { name: 'Fridge 1', kind: 'fridge', minCelsius: 2, maxCelsius: 8, calibrationDue: '2027-03-31', barcode: 'LOC-F1' };
    expect(await refusal(monitor, 'coldChain.saveLocation', location)).toBe('forbidden');
    expect(await refusal(investigator, 'coldChain.locations', {})).toBe('forbidden');
    const fridge = (await call(tech, 'coldChain.saveLocation', location)) as { id: number };
    await call(tech, 'coldChain.putAway', { location: { barcode: 'LOC-F1' }, kitNumbers: [k1, k2], source: 'scanner' });

    // The logger ran 11:00-12:00 local (UTC+01:00), out of range from 11:20 until 11:40.
    const file = ['timestamp;temperature', ...['11:00;5.0', '11:10;7.9', '11:20;8.5', '11:30;10.2', '11:40;7.5', '11:50;5.1', '12:00;4.9'].map((r) => `2026-11-25T${r.replace(';', ':00+01:00;')}`)].join('\n');
    const imported = (await call(tech, 'coldChain.importLog', { locationId: fridge.id, fileName: 'f1.csv', content: file })) as { excursionIds: number[]; readings: number };
    expect(imported.readings).toBe(7);
    expect(imported.excursionIds).toHaveLength(1);
    const caseId = imported.excursionIds[0]!;
    const statuses = async () => new Map(((await call(tech, 'inventory.kits', {})) as Array<{ kitNumber: string; status: string }>).map((k) => [k.kitNumber, k.status]));
    expect([(await statuses()).get(k1), (await statuses()).get(k2)]).toEqual(['quarantined', 'quarantined']);

    const seen = (await call(monitor, 'coldChain.excursion', { excursionId: caseId })) as { start: string; end: string; durationSeconds: number; worstCelsius: number; kits: Array<{ kitNumber: string; secondsInExcursion: number }> };
    expect(seen).toMatchObject({ start: '2026-11-25T10:20:00.000Z', end: '2026-11-25T10:40:00.000Z', durationSeconds: 1200, worstCelsius: 10.2 });
    expect(seen.kits.map((k) => k.secondsInExcursion)).toEqual([1200, 1200]);
    expect(await refusal(monitor, 'coldChain.importLog', { locationId: fridge.id, fileName: 'f1.csv', content: file })).toBe('forbidden');

    // Kit numbers only: no arm code or name, no real lot, in what a blinded monitor reads.
    const study = t.core.study();
    const text = JSON.stringify([seen, await call(monitor, 'coldChain.kitLocations', {}), await call(monitor, 'coldChain.excursions', {}), await call(monitor, 'coldChain.locations', {})]);
    for (const arm of study.arms) for (const word of [arm.code, arm.name]) expect(text).not.toContain(`"${word}"`);
    expect(text).not.toMatch(/arm|lot|expiry/i);

    // The disposition: the unblinded pharmacist's, e-signed; the technician may not.
    const sign = (role: 'unblinded_pharmacist' | 'pharmacy_technician') => ({ username: t.userOf(role).username, password: t.userOf(role).password });
    expect(await refusal(tech, 'coldChain.dispose', { excursionId: caseId, kitNumbers: [k1], decision: 'damaged', reason: 'Sponsor says so', signature: sign('pharmacy_technician') })).toBe('forbidden');
    const released = (await call(pharmacist, 'coldChain.dispose', { excursionId: caseId, kitNumbers: [k1], decision: 'release', reason: 'Sponsor: within stability data', signature: sign('unblinded_pharmacist') })) as {
      signature: { meaning: string };
      case: { open: boolean; pendingAssessment: number };
    };
    expect(released.signature.meaning).toMatch(/disposition/);
    expect(released.case).toMatchObject({ open: true, pendingAssessment: 1 });
    const rejected = (await call(pharmacist, 'coldChain.dispose', { excursionId: caseId, kitNumbers: [k2], decision: 'damaged', reason: 'Sponsor: outside stability data', signature: sign('unblinded_pharmacist') })) as {
      case: { open: boolean; kits: Array<{ kitNumber: string; status: string; disposition: string; cumulativeSecondsOutOfRange: number }> };
    };
    expect(rejected.case.open).toBe(false);
    const after = await statuses();
    expect([after.get(k1), after.get(k2)]).toEqual(['available', 'damaged']);
    expect(rejected.case.kits.find((k) => k.kitNumber === k1)).toMatchObject({ disposition: 'release', cumulativeSecondsOutOfRange: 1200 });

    // The audit trail holds the moves, the import, the case and each signed disposition.
    const actions = (
      await t.core.store
        .q()
        .selectFrom('audit_events')
        .select('action')
        .where((eb) => eb.or([eb('action', 'like', 'kit.put_away'), eb('action', 'like', 'temperature_log.%'), eb('action', 'like', 'excursion.%')]))
        .orderBy('seq')
        .execute()
    ).map((r) => r.action);
    expect(actions).toEqual(['kit.put_away', 'kit.put_away', 'excursion.kits_reached', 'excursion.opened', 'temperature_log.imported', 'excursion.disposition', 'excursion.disposition']);
    // The same file again adds nothing.
    expect(await call(tech, 'coldChain.importLog', { locationId: fridge.id, fileName: 'again.csv', content: file })).toMatchObject({ readings: 0, excursionIds: [], duplicateOf: { fileName: 'f1.csv' } });
  });
  it("gives a location's last days of readings for its chart, thinned to 2,000 points, every reading out of range kept", async () => {
    const tech = await t.loginAs('pharmacy_technician', 'readings-tech');
    const monitor = await t.loginAs('monitor', 'readings-monitor');
    const investigator = await t.loginAs('investigator', 'readings-investigator');
    const fridge = (await call(tech, 'coldChain.saveLocation', { name: 'Fridge chart', kind: 'fridge', minCelsius: 2, maxCelsius: 8, calibrationDue: null, barcode: 'LOC-CHART' })) as { id: number };
    expect(await call(monitor, 'coldChain.readings', { locationId: fridge.id })).toEqual({ range: { minCelsius: 2, maxCelsius: 8 }, readings: [] });
    // 6,000 readings a minute apart ending on 2026-11-20 12:00Z, three of them out of range at positions thinning would drop.
    const end = Date.parse('2026-11-20T12:00:00.000Z');
    const spikes = new Set([1001, 3001, 5999 - 1]);
    const lines = ['timestamp;temperature'];
    for (let i = 0; i < 6000; i++) lines.push(`${new Date(end - (5999 - i) * 60_000).toISOString()};${spikes.has(i) ? '9.4' : '5.0'}`);
    await call(tech, 'coldChain.importLog', { locationId: fridge.id, fileName: 'chart.csv', content: lines.join('\n') });
    const week = (await call(monitor, 'coldChain.readings', { locationId: fridge.id })) as { readings: Array<{ at: string; celsius: number }> };
    expect(week.readings.length).toBeLessThanOrEqual(2004);
    expect(week.readings.length).toBeGreaterThan(1900);
    expect(week.readings.filter((r) => r.celsius > 8)).toHaveLength(3);
    expect(week.readings.at(-1)!.at).toBe('2026-11-20T12:00:00.000Z');
    const times = week.readings.map((r) => Date.parse(r.at));
    expect(times.every((x, i) => i === 0 || x > times[i - 1]!)).toBe(true);
    // One day back from the last reading: 1,441 readings, none thinned.
    const day = (await call(monitor, 'coldChain.readings', { locationId: fridge.id, days: 1 })) as { readings: unknown[] };
    expect(day.readings).toHaveLength(1441);
    expect(await refusal(investigator, 'coldChain.readings', { locationId: fridge.id })).toBe('forbidden');
    expect(await refusal(monitor, 'coldChain.readings', { locationId: 99_999 })).toBe('not_found');
  });
});
