import { describe, expect, it } from 'vitest';
import { testStores } from '../helpers/stores';
import type { Engine, Store } from '../../main/core/db/store';
import type { AuditTrail } from '../../main/core/audit/auditTrail';
import type { SignatureService } from '../../main/core/signatures/signatureService';
import { ColdChainRepository } from '../../main/core/coldChain/coldChainRepository';
import { ColdChainService, type Actor } from '../../main/core/coldChain/coldChainService';
import { NS_DUPI } from '../../main/core/demo/demoSeed';
import { studyScope } from '../../main/core/study/studyScope';
import { VeilError } from '../../shared/errors';
import { addKitList, addStudy } from '../helpers/studyRows';

/**
 * Issue 15, items 1-3 on both engines: kits put away and moved (audited), a logger file whose excursion quarantines
 * the kits that were in the location, in the one unit of work of the import; the same file twice adds nothing; a
 * refused file changes nothing; a min/max check out of range opens a case; the disposition per kit.
 */
const stores = testStores('cold-chain');
const AT = '2026-11-01T08:00:00.000Z';
const at = (iso: string) => new Date(iso);

/** A clock the test moves by hand: kits are put away at known instants. */
class HandClock {
  constructor(public moment: Date) {}
  now() {
    return this.moment;
  }
}

interface Recorded {
  action: string;
  entityId: string;
  after?: unknown;
}

/** The audit trail as the service sees it (append inside the unit of work); `failOn` makes one append throw. */
function auditStub() {
  const events: Recorded[] = [];
  let failOn: string | null = null;
  const audit = {
    append: (_actor: unknown, event: Recorded) => {
      if (event.action === failOn) throw new Error(`audit refused ${event.action}`);
      events.push(event);
      return event;
    },
  } as unknown as AuditTrail;
  return { audit, events, failOn: (action: string | null) => (failOn = action) };
}

/** A study row with its signed kit list of these kits, all available; returns the study's id. */
async function studyWithKits(store: Store, code: string, kitNumbers: string[], userId: number, signatureId: number): Promise<number> {
  const studyId = await addStudy(store, code);
  await addKitList(store, studyId, { userId, signatureId, kitNumbers, status: 'available' });
  return studyId;
}

async function seed(store: Store, kitNumbers: string[]) {
  const q = store.q();
  const { id: userId } = await q.insertInto('users').values({ username: 'tech', display_name: 'Léa Martin', role: 'pharmacy_technician', password_hash: 'x', created_at: AT }).returning('id').executeTakeFirstOrThrow();
  const { id: signatureId } = await q
    .insertInto('signatures')
    .values({ user_id: userId, printed_name: 'Léa Martin', meaning: 'm', signed_at_utc: AT, record_type: 'excursion_disposition', record_id: 'x', record_hash: 'h' })
    .returning('id')
    .executeTakeFirstOrThrow();
  await studyWithKits(store, 'NS-DUPI', kitNumbers, userId, signatureId);
  return { userId, signatureId };
}

async function setup(engine: Engine) {
  const { store } = await stores.open(engine);
  const { userId, signatureId } = await seed(store, ['1001', '1002', '1003', '1004']);
  const clock = new HandClock(at('2026-11-02T06:00:00Z'));
  const stub = auditStub();
  const signatures = { record: () => ({ id: signatureId }) } as unknown as SignatureService;
  const service = new ColdChainService(store, new ColdChainRepository(store, studyScope(1)), stub.audit, signatures, clock, () => NS_DUPI, () => [1]);
  const actor: Actor = { userId, username: 'tech', role: 'pharmacy_technician' };
  const pharmacist: Actor = { userId, username: 'tech', role: 'unblinded_pharmacist' };
  const fridge = await service.saveLocation(actor, { name: 'Fridge A', kind: 'fridge', minCelsius: 2, maxCelsius: 8, calibrationDue: '2027-01-31', barcode: 'LOC-A' });
  const shelf = await service.saveLocation(actor, { name: 'Cabinet B', kind: 'cabinet', minCelsius: 15, maxCelsius: 25, calibrationDue: null, barcode: 'LOC-B' });
  return { store, service, clock, actor, pharmacist, fridge, shelf, userId, signatureId, ...stub };
}

const status = async (store: Store, kit: string) => (await store.q().selectFrom('kits').select('status').where('kit_number', '=', kit).executeTakeFirstOrThrow()).status;
const count = async (store: Store, table: 'temperature_readings' | 'temperature_imports' | 'excursions' | 'excursion_kits') =>
  Number((await store.q().selectFrom(table).select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n);

/**
 * Fridge A, 2026-11-02, local time UTC+01:00, one reading every 10 minutes from 08:00 to 09:30 (07:00Z-08:30Z):
 * out of range at 08:20 (8.6), 08:30 (9.4), 08:40 (8.2), back at 08:50 (7.6). Excursion 07:20Z-07:50Z = 30 min, worst 9.4.
 */
const LOG = [
  '"Device","LogTag TRIX-8"',
  '"Time Zone","UTC+01:00"',
  '"Date","Time","Temperature (°C)"',
  ...[
    ['08:00', '5.0'],
    ['08:10', '6.1'],
    ['08:20', '8.6'],
    ['08:30', '9.4'],
    ['08:40', '8.2'],
    ['08:50', '7.6'],
    ['09:00', '5.5'],
    ['09:10', '5.0'],
    ['09:20', '4.8'],
    ['09:30', '4.9'],
  ].map(([time, t]) => `"2026-11-02","${time}:00","${t}"`),
].join('\n');

describe.each(['sqlite', 'postgres'] as const)('the cold chain on %s', (engine) => {
  it('puts kits away and moves them, every move audited, and tells where each kit is', async () => {
    const { service, clock, actor, fridge, shelf, events } = await setup(engine);
    await service.putAway(actor, { location: { barcode: 'LOC-A' }, kitNumbers: ['1002', '1001'], source: 'scanner' });
    clock.moment = at('2026-11-02T07:40:00Z');
    await service.putAway(actor, { location: { id: shelf.id }, kitNumbers: ['1002'], source: 'manual' });
    expect(await service.kitLocations()).toEqual([
      { kitNumber: '1001', locationId: fridge.id, location: 'Fridge A', since: '2026-11-02T06:00:00.000Z', secondsOutOfRange: 0 },
      { kitNumber: '1002', locationId: shelf.id, location: 'Cabinet B', since: '2026-11-02T07:40:00.000Z', secondsOutOfRange: 0 },
    ]);
    expect(events.filter((e) => e.action.startsWith('kit.')).map((e) => [e.action, e.entityId, e.after])).toEqual([
      ['kit.put_away', '1001', { location: 'Fridge A' }],
      ['kit.put_away', '1002', { location: 'Fridge A' }],
      ['kit.moved', '1002', { location: 'Cabinet B' }],
    ]);
    await expect(service.putAway(actor, { location: { barcode: 'LOC-B' }, kitNumbers: ['1003', '1002'], source: 'scanner' })).rejects.toMatchObject({ key: 'coldChain.alreadyThere' });
    // The refused batch moved nothing: 1003 is still nowhere.
    expect((await service.kitLocations()).map((k) => k.kitNumber)).toEqual(['1001', '1002']);
    await expect(service.putAway(actor, { location: { barcode: 'NOPE' }, kitNumbers: ['1003'], source: 'scanner' })).rejects.toMatchObject({ key: 'coldChain.unknownLocationCode' });
  });

  it('quarantines, with the import, the kits that were in the fridge during the excursion, with their exposure; the same file again adds nothing', async () => {
    const { store, service, clock, actor, fridge, events } = await setup(engine);
    // 1001 all along; 1002 leaves at 07:40Z (20 of the 30 minutes); 1003 arrives at 07:50Z, when it is over; 1004 never there.
    await service.putAway(actor, { location: { barcode: 'LOC-A' }, kitNumbers: ['1001', '1002'], source: 'scanner' });
    clock.moment = at('2026-11-02T07:40:00Z');
    await service.putAway(actor, { location: { barcode: 'LOC-B' }, kitNumbers: ['1002'], source: 'scanner' });
    clock.moment = at('2026-11-02T07:50:00Z');
    await service.putAway(actor, { location: { barcode: 'LOC-A' }, kitNumbers: ['1003'], source: 'scanner' });
    clock.moment = at('2026-11-02T10:00:00Z');

    const first = await service.importLog(actor, { locationId: fridge.id, fileName: 'fridge-a.csv', content: LOG });
    expect(first).toMatchObject({ duplicateOf: null, readings: 10 });
    expect(first.excursionIds).toHaveLength(1);
    const view = await service.excursionCase(first.excursionIds[0]!);
    expect(view).toMatchObject({ start: '2026-11-02T07:20:00.000Z', end: '2026-11-02T07:50:00.000Z', durationSeconds: 1800, worstCelsius: 9.4, direction: 'above', ongoing: false, range: { minCelsius: 2, maxCelsius: 8 }, kitCount: 2, pendingAssessment: 2, open: true });
    expect(view.kits.map((k) => [k.kitNumber, k.statusThen, k.status, k.secondsInExcursion, k.cumulativeSecondsOutOfRange])).toEqual([
      ['1001', 'available', 'quarantined', 1800, 1800],
      ['1002', 'available', 'quarantined', 1200, 1200],
    ]);
    expect(view.readings).toHaveLength(10);
    expect([await status(store, '1003'), await status(store, '1004')]).toEqual(['available', 'available']);
    expect(events.filter((e) => e.action === 'kit.status_changed').map((e) => e.entityId)).toEqual(['1001', '1002']);

    const again = await service.importLog(actor, { locationId: fridge.id, fileName: 'copy-of-fridge-a.csv', content: LOG });
    expect(again).toEqual({ importId: first.importId, duplicateOf: { importedAt: '2026-11-02T10:00:00.000Z', fileName: 'fridge-a.csv' }, readings: 0, excursionIds: [] });
    expect([await count(store, 'temperature_imports'), await count(store, 'temperature_readings'), await count(store, 'excursions'), await count(store, 'excursion_kits')]).toEqual([1, 10, 1, 2]);
    expect((await service.kitLocations()).find((k) => k.kitNumber === '1001')?.secondsOutOfRange).toBe(1800);
  });

  it('writes nothing at all when one step of the import fails: readings, import, case and quarantine are one unit of work', async () => {
    const { store, service, actor, fridge, failOn } = await setup(engine);
    await service.putAway(actor, { location: { barcode: 'LOC-A' }, kitNumbers: ['1001'], source: 'scanner' });
    failOn('temperature_log.imported');
    await expect(service.importLog(actor, { locationId: fridge.id, fileName: 'fridge-a.csv', content: LOG })).rejects.toThrow(/audit refused/);
    expect([await count(store, 'temperature_imports'), await count(store, 'temperature_readings'), await count(store, 'excursions'), await count(store, 'excursion_kits')]).toEqual([0, 0, 0, 0]);
    expect(await status(store, '1001')).toBe('available');
    failOn(null);
    // The file was not recorded as imported: it goes in now.
    expect((await service.importLog(actor, { locationId: fridge.id, fileName: 'fridge-a.csv', content: LOG })).excursionIds).toHaveLength(1);
    expect(await status(store, '1001')).toBe('quarantined');
  });

  it('refuses a malformed file naming its line, and changes nothing', async () => {
    const { store, service, actor, fridge } = await setup(engine);
    await service.putAway(actor, { location: { barcode: 'LOC-A' }, kitNumbers: ['1001'], source: 'scanner' });
    const backwards = LOG.replace('"09:00:00"', '"08:45:00"').replace('"08:50:00"', '"08:55:00"');
    const refusal = await service.importLog(actor, { locationId: fridge.id, fileName: 'bad.csv', content: backwards }).catch((e: unknown) => e);
    expect(refusal).toBeInstanceOf(VeilError);
    expect(refusal).toMatchObject({ code: 'validation', key: 'coldChain.timeBackwards', params: { line: 10 } });
    expect([await count(store, 'temperature_imports'), await count(store, 'temperature_readings'), await count(store, 'excursions')]).toEqual([0, 0, 0]);
    expect(await status(store, '1001')).toBe('available');
  });

  it('stores every reading of a long file as read (statements of 2,000 rows, the last one shorter)', async () => {
    const { store, service, actor, fridge } = await setup(engine);
    const lines = ['timestamp;temperature'];
    for (let i = 0; i < 4_500; i++) lines.push(`${new Date(Date.parse('2026-10-01T00:00:00Z') + i * 60_000).toISOString()};${((i % 50) / 10 + 2.5).toFixed(1)}`);
    expect((await service.importLog(actor, { locationId: fridge.id, fileName: 'long.csv', content: lines.join('\n') })).readings).toBe(4_500);
    const rows = await store.q().selectFrom('temperature_readings').select(['location_id', 'at_ms', 'centi', 'import_id']).orderBy('at_ms').execute();
    expect(rows).toHaveLength(4_500);
    // Every reading where the file put it: the 4,500 minutes, each with its own temperature (250 + 10 * (i mod 50)).
    expect(rows.every((r, i) => r.location_id === fridge.id && r.at_ms === Date.parse('2026-10-01T00:00:00Z') + i * 60_000 && r.centi === 250 + 10 * (i % 50))).toBe(true);
    expect(new Set(rows.map((r) => r.import_id)).size).toBe(1);
  });

  it('opens a case from a min/max check out of range since the previous check, and records the disposition per kit', async () => {
    const { store, service, clock, actor, pharmacist, fridge } = await setup(engine);
    await service.putAway(actor, { location: { barcode: 'LOC-A' }, kitNumbers: ['1001', '1002'], source: 'scanner' });
    clock.moment = at('2026-11-02T19:00:00Z');
    expect(await service.recordMinMax(actor, { locationId: fridge.id, readAt: '2026-11-02T08:00:00+01:00', minCelsius: 3, maxCelsius: 7 })).toMatchObject({ excursionIds: [] });
    // 12 hours later the maximum read 11.2 °C: the case spans the 12 hours since the previous check.
    const { excursionIds } = await service.recordMinMax(actor, { locationId: fridge.id, readAt: '2026-11-02T20:00:00+01:00', minCelsius: 3.5, maxCelsius: 11.2 });
    const view = await service.excursionCase(excursionIds[0]!);
    expect(view).toMatchObject({ source: 'min_max', start: '2026-11-02T07:00:00.000Z', end: '2026-11-02T19:00:00.000Z', durationSeconds: 43_200, worstCelsius: 11.2 });
    // Kits put away at 06:00Z: all 12 hours.
    expect(view.kits.map((k) => [k.kitNumber, k.secondsInExcursion])).toEqual([
      ['1001', 43_200],
      ['1002', 43_200],
    ]);
    const decided = await service.dispose(pharmacist, { userId: actor.userId, username: 'tech', printedName: 'Léa Martin', meaning: 'm' }, { excursionId: view.id, kitNumbers: ['1002'], decision: 'damaged', reason: 'Sponsor: outside stability data' }, null);
    expect(decided.case.kits.map((k) => [k.kitNumber, k.status, k.disposition])).toEqual([
      ['1001', 'quarantined', null],
      ['1002', 'damaged', 'damaged'],
    ]);
    expect(decided.case).toMatchObject({ pendingAssessment: 1, open: true });
    expect(await status(store, '1002')).toBe('damaged');
    // A release needs the key (the real expiry is checked); a kit decided already is refused.
    await expect(service.dispose(pharmacist, { userId: actor.userId, username: 'tech', printedName: 'Léa Martin', meaning: 'm' }, { excursionId: view.id, kitNumbers: ['1001'], decision: 'release', reason: 'Within stability' }, null)).rejects.toMatchObject({ key: 'coldChain.releaseNeedsKey' });
    await expect(service.dispose(pharmacist, { userId: actor.userId, username: 'tech', printedName: 'Léa Martin', meaning: 'm' }, { excursionId: view.id, kitNumbers: ['1002'], decision: 'damaged', reason: 'Again' }, null)).rejects.toMatchObject({ key: 'coldChain.alreadyDecided' });
    expect(await status(store, '1001')).toBe('quarantined');
  });

  it("keeps each study's kits apart in a shared fridge: kit 1001 of study 2 is never study 1's kit 1001", async () => {
    const { store, fridge, shelf, userId, signatureId } = await setup(engine);
    const other = await studyWithKits(store, 'BRAVE-AA2', ['1001'], userId, signatureId);
    const one = new ColdChainRepository(store, studyScope(1));
    const two = new ColdChainRepository(store, studyScope(other));
    // Both kits 1001 in Fridge A at once (one open stay per kit of a study); study 1's moves on to the cabinet.
    await one.startStay('1001', fridge.id, 1_000, userId);
    await two.startStay('1001', fridge.id, 2_000, userId);
    await one.endStay((await one.currentStay('1001'))!.id, 3_000);
    await one.startStay('1001', shelf.id, 3_000, userId);
    expect([(await one.currentStay('1001'))?.locationId, (await two.currentStay('1001'))?.locationId]).toEqual([shelf.id, fridge.id]);
    // Ending study 2's stay through study 1's repository ends nothing.
    await one.endStay((await two.currentStay('1001'))!.id, 4_000);
    expect((await two.currentStay('1001'))?.toMs).toBeNull();
    expect((await one.currentStays()).map((s) => [s.kitNumber, s.locationName])).toEqual([['1001', 'Cabinet B']]);
    expect((await two.currentStays()).map((s) => [s.kitNumber, s.locationName])).toEqual([['1001', 'Fridge A']]);
    expect([...(await one.kitCounts())]).toEqual([[shelf.id, 1]]);
    expect((await one.staysDuring(fridge.id, 0, 10_000)).map((s) => s.fromMs)).toEqual([1_000]);
    expect((await two.staysDuring(fridge.id, 0, 10_000)).map((s) => s.fromMs)).toEqual([2_000]);

    // The excursion is the site's; each study lists, weighs and decides its own kit 1001.
    const manualReadingId = await one.insertManualReading({ locationId: fridge.id, readMs: 10_000, minCenti: 300, maxCenti: 950, userId, recordedAt: AT });
    const excursionId = await one.insertExcursion({ locationId: fridge.id, importId: null, manualReadingId, startMs: 0, endMs: 10_000, ongoing: false, direction: 'above', worstCenti: 950, minCenti: 200, maxCenti: 800, createdAt: AT });
    await one.insertExcursionKit({ excursionId, kitNumber: '1001', exposureSeconds: 2, statusThen: 'available', quarantined: true });
    await two.insertExcursionKit({ excursionId, kitNumber: '1001', exposureSeconds: 8, statusThen: 'available', quarantined: true });
    expect((await one.excursionKits(excursionId)).map((k) => k.exposureSeconds)).toEqual([2]);
    expect((await two.excursionKits()).map((k) => k.exposureSeconds)).toEqual([8]);
    expect([...(await one.cumulativeExposure(['1001']))]).toEqual([['1001', 2]]);
    expect([...(await two.cumulativeExposure())]).toEqual([['1001', 8]]);
    await one.recordDisposition({ excursionId, kitNumber: '1001', disposition: 'damaged', reason: 'r', at: AT, userId, signatureId });
    expect((await two.excursionKits(excursionId))[0]?.disposition).toBeNull();
    expect(await two.otherOpenHolds('1001', excursionId + 1)).toBe(1);
    expect(await one.otherOpenHolds('1001', excursionId + 1)).toBe(0);

    await one.setKitStatus('1001', 'damaged');
    expect([(await one.kit('1001'))?.status, (await two.kit('1001'))?.status]).toEqual(['damaged', 'available']);
    expect([...(await two.kitStatuses(['1001']))]).toEqual([['1001', 'available']]);
  });
});
