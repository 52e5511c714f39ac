import { describe, expect, it } from 'vitest';
import { testStores } from '../helpers/stores';
import { type Engine, type Store } from '../../main/core/db/store';
import { ShipmentRepository } from '../../main/core/receiving/shipmentRepository';
import { studyScope, type StudyScope } from '../../main/core/study/studyScope';
import { addKitList, addStudy } from '../helpers/studyRows';

/** Issue 13, item 2: the shipments' SQL on the Store, the same answers on both engines. */
const stores = testStores('shipments');
const storeOn = async (engine: Engine): Promise<Store> => (await stores.open(engine)).store;

/** A user, a study, a signed kit-list import and the given kits (status 'expected'): what shipment rows refer to. */
async function seed(store: Store, kitNumbers: string[]): Promise<{ userId: number; scope: StudyScope; study: (code: string, kitNumbers: string[]) => Promise<StudyScope> }> {
  const q = store.q();
  const { id: userId } = await q.insertInto('users').values({ username: 'tech', display_name: 'Léa Martin (technician)', role: 'pharmacy_technician', password_hash: 'x', created_at: '2026-01-05T08:00:00.000Z' }).returning('id').executeTakeFirstOrThrow();
  const { id: signatureId } = await q
    .insertInto('signatures')
    .values({ user_id: userId, printed_name: 'Léa Martin', meaning: 'Import', signed_at_utc: '2026-01-05T08:00:00.000Z', record_type: 'list_import', record_id: 'kits.csv', record_hash: 'h' })
    .returning('id')
    .executeTakeFirstOrThrow();
  // A study with its kit list; a second one may share kit numbers with the first.
  const study = async (code: string, numbers: string[]): Promise<StudyScope> => {
    const studyId = await addStudy(store, code);
    await addKitList(store, studyId, { userId, signatureId, kitNumbers: numbers });
    return studyScope(studyId);
  };
  return { userId, scope: await study('NS-DUPI', kitNumbers), study };
}

describe.each(['sqlite', 'postgres'] as const)('the shipment repository on %s', (engine) => {
  it('creates shipments and finds them by id and by reference; lists them newest first', async () => {
    const store = await storeOn(engine);
    const { userId, scope } = await seed(store, []);
    const shipments = new ShipmentRepository(store, scope);
    const first = await shipments.insert('SHP-001', '2026-01-06T09:00:00.000Z', userId);
    const second = await shipments.insert('SHP-002', '2026-01-07T09:00:00.000Z', userId);
    expect(typeof first).toBe('number');
    expect(second).toBeGreaterThan(first);
    const row = { id: first, reference: 'SHP-001', createdAt: '2026-01-06T09:00:00.000Z', temperature: null, closedAt: null };
    expect(await shipments.get(first)).toEqual(row);
    expect(await shipments.byReference('SHP-001')).toEqual(row);
    expect(await shipments.get(second + 1)).toBeUndefined();
    expect(await shipments.byReference('SHP-003')).toBeUndefined();
    expect((await shipments.list()).map((s) => s.reference)).toEqual(['SHP-002', 'SHP-001']);
    // The reference is unique: a second shipment of the same name is refused by the database itself.
    await expect(shipments.insert('SHP-001', '2026-01-08T09:00:00.000Z', userId)).rejects.toThrow();
  });

  it('carries kits, records each outcome, tells which shipment holds a kit, and closes', async () => {
    const store = await storeOn(engine);
    const { userId, scope } = await seed(store, ['100001', '100002', '100003']);
    const shipments = new ShipmentRepository(store, scope);
    const id = await shipments.insert('SHP-001', '2026-01-06T09:00:00.000Z', userId);
    await shipments.addKit(id, '100001');
    await shipments.addKit(id, '100002');
    expect(await shipments.shipmentOfKit('100001')).toBe(id);
    expect(await shipments.shipmentOfKit('100003')).toBeUndefined();
    expect(await shipments.shippedKitNumbers()).toEqual(new Set(['100001', '100002']));
    expect(await shipments.kit(id, '100002')).toEqual({ kitNumber: '100002', outcome: 'expected', scannedAt: null, source: null });
    expect(await shipments.kit(id, '100003')).toBeUndefined();

    await shipments.setOutcome(id, '100001', 'received', '2026-01-06T09:05:00.000Z', 'scanner');
    await shipments.setOutcome(id, '100002', 'damaged', '2026-01-06T09:06:00.000Z', 'manual');
    expect((await shipments.kits(id)).sort((a, b) => a.kitNumber.localeCompare(b.kitNumber))).toEqual([
      { kitNumber: '100001', outcome: 'received', scannedAt: '2026-01-06T09:05:00.000Z', source: 'scanner' },
      { kitNumber: '100002', outcome: 'damaged', scannedAt: '2026-01-06T09:06:00.000Z', source: 'manual' },
    ]);
    // A kit is in one shipment at most.
    const other = await shipments.insert('SHP-002', '2026-01-07T09:00:00.000Z', userId);
    await expect(shipments.addKit(other, '100001')).rejects.toThrow();

    await shipments.close(id, 'alarm', '2026-01-06T10:00:00.000Z', userId);
    expect(await shipments.get(id)).toMatchObject({ temperature: 'alarm', closedAt: '2026-01-06T10:00:00.000Z' });
    expect(await shipments.get(other)).toMatchObject({ temperature: null, closedAt: null });
  });

  it("keeps to its study: another study's shipment of the same reference and its kit of the same number are not seen nor changed", async () => {
    const store = await storeOn(engine);
    const { userId, scope, study } = await seed(store, ['1001', '1002']);
    const other = await study('BRAVE-AA2', ['1001']);
    const ours = new ShipmentRepository(store, scope);
    const theirs = new ShipmentRepository(store, other);
    // The same reference and the same kit number, once in each study: neither is refused.
    const theirId = await theirs.insert('SH-1', '2026-01-06T09:00:00.000Z', userId);
    await theirs.addKit(theirId, '1001');
    expect(await ours.byReference('SH-1')).toBeUndefined();
    expect(await ours.list()).toEqual([]);
    expect(await ours.get(theirId)).toBeUndefined();
    expect(await ours.shipmentOfKit('1001')).toBeUndefined();
    expect(await ours.shippedKitNumbers()).toEqual(new Set());
    expect(await ours.kits(theirId)).toEqual([]);
    expect(await ours.kit(theirId, '1001')).toBeUndefined();
    const ourId = await ours.insert('SH-1', '2026-01-07T09:00:00.000Z', userId);
    await ours.addKit(ourId, '1001');
    expect((await ours.list()).map((r) => r.id)).toEqual([ourId]);
    expect(await ours.shipmentOfKit('1001')).toBe(ourId);
    expect(await theirs.shipmentOfKit('1001')).toBe(theirId);

    // Writes through one study's repository leave the other study's rows as they were, even given their id.
    await ours.setOutcome(theirId, '1001', 'damaged', '2026-01-07T09:05:00.000Z', 'manual');
    await ours.close(theirId, 'alarm', '2026-01-07T10:00:00.000Z', userId);
    await ours.setOutcome(ourId, '1001', 'received', '2026-01-07T09:05:00.000Z', 'scanner');
    await ours.close(ourId, 'no_alarm', '2026-01-07T10:00:00.000Z', userId);
    expect(await theirs.kit(theirId, '1001')).toEqual({ kitNumber: '1001', outcome: 'expected', scannedAt: null, source: null });
    expect(await theirs.get(theirId)).toMatchObject({ reference: 'SH-1', temperature: null, closedAt: null });
    expect(await ours.kit(ourId, '1001')).toMatchObject({ outcome: 'received' });
    expect(await ours.byReference('SH-1')).toMatchObject({ id: ourId, temperature: 'no_alarm' });
  });

  it('writes inside the unit of work it is called in: a unit that fails keeps none of it', async () => {
    const store = await storeOn(engine);
    const { userId, scope } = await seed(store, ['100001', '100002']);
    const shipments = new ShipmentRepository(store, scope);
    await expect(
      store.transaction(async () => {
        const id = await shipments.insert('SHP-001', '2026-01-06T09:00:00.000Z', userId);
        await shipments.addKit(id, '100001');
        await shipments.setOutcome(id, '100001', 'received', '2026-01-06T09:05:00.000Z', 'scanner');
        expect(await shipments.kit(id, '100001')).toMatchObject({ outcome: 'received' });
        throw new Error('the step fails after its writes');
      }),
    ).rejects.toThrow('the step fails');
    expect(await shipments.list()).toEqual([]);
    expect(await shipments.shipmentOfKit('100001')).toBeUndefined();
    expect(await shipments.shippedKitNumbers()).toEqual(new Set());
  });
});
