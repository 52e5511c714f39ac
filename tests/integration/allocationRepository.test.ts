import { describe, expect, it } from 'vitest';
import { testStores } from '../helpers/stores';
import { AllocationRepository } from '../../main/core/allocation/allocationRepository';
import { type Engine, type Store } from '../../main/core/db/store';
import { studyScope } from '../../main/core/study/studyScope';
import { addStudy } from '../helpers/studyRows';

/** Issue 13, item 2: the allocation workflow's SQL (slots, kits, list imports, blocks of migration 5) on the Store, the same answers on both engines. */
const stores = testStores('allocation');
const storeOn = (engine: Engine) => stores.open(engine);

const at = '2026-02-10T14:30:00.000Z';

/** The study the lists are imported into, a user and a signature. */
async function signedUser(store: Store) {
  await addStudy(store);
  const q = store.q();
  const userId = (await q.insertInto('users').values({ username: 'ph', display_name: 'Claire Martin', role: 'unblinded_pharmacist', password_hash: 'x', created_at: at }).returning('id').executeTakeFirstOrThrow()).id;
  const signatureId = (
    await q
      .insertInto('signatures')
      .values({ user_id: userId, printed_name: 'Claire Martin', meaning: 'List import', signed_at_utc: at, record_type: 'list_import', record_id: 'sha', record_hash: 'h' })
      .returning('id')
      .executeTakeFirstOrThrow()
  ).id;
  return { userId, signatureId };
}

const kit = (kitNumber: string, importId: number, extra: { gtinSealed?: string | null; serial?: string | null } = {}) => ({
  kitNumber,
  kitType: null,
  armSealed: `arm-${kitNumber}`,
  lotSealed: `lot-${kitNumber}`,
  expirySealed: `exp-${kitNumber}`,
  gtinSealed: extra.gtinSealed ?? null,
  serial: extra.serial ?? null,
  blindedLot: 'BL-1',
  useBefore: '2027-06-30',
  status: 'expected',
  importId,
});

describe.each(['sqlite', 'postgres'] as const)('the allocation repository on %s', (engine) => {
  it('records list imports, slots in list order and kits, and counts them', async () => {
    const { store } = await storeOn(engine);
    const allocation = new AllocationRepository(store, studyScope(1));
    expect(await allocation.counts()).toEqual({ slots: 0, kits: 0 });
    expect(await allocation.nextListOrder()).toBe(1);
    expect(await allocation.imports()).toEqual([]);
    expect(await allocation.slotNumbers()).toEqual(new Set());
    expect(await allocation.kitNumbers()).toEqual(new Set());

    const { userId, signatureId } = await signedUser(store);
    const { slotImport, kitImport } = await store.transaction(async () => {
      const slotImport = await allocation.insertImport({ kind: 'randomization', fileName: 'slots.csv', sha256: 'a1', rowCount: 3, importedAt: at, userId, signatureId });
      // List order is not the order of the numbers, and a block may still wait for its seal (migration 5).
      await allocation.insertSlot({ randomizationNumber: 'R002', listOrder: 1, blockSealed: 'blk-2', stratum: 'A', armSealed: 'arm-R002', importId: slotImport });
      await allocation.insertSlot({ randomizationNumber: 'R001', listOrder: 2, blockSealed: null, stratum: 'A', armSealed: 'arm-R001', importId: slotImport });
      await allocation.insertSlot({ randomizationNumber: 'R003', listOrder: 10, blockSealed: 'blk-3', stratum: 'B', armSealed: 'arm-R003', importId: slotImport });
      const kitImport = await allocation.insertImport({ kind: 'kits', fileName: 'kits.csv', sha256: 'b2', rowCount: 2, importedAt: at, userId, signatureId });
      await allocation.insertKit(kit('100002', kitImport, { gtinSealed: 'gtin-100002', serial: '9000002' }));
      await allocation.insertKit(kit('100001', kitImport));
      return { slotImport, kitImport };
    });
    expect(typeof slotImport).toBe('number');
    expect(kitImport).toBeGreaterThan(slotImport);

    expect(await allocation.imports()).toEqual([
      { id: slotImport, kind: 'randomization', fileName: 'slots.csv', sha256: 'a1', rowCount: 3, importedAt: at, userId, signatureId },
      { id: kitImport, kind: 'kits', fileName: 'kits.csv', sha256: 'b2', rowCount: 2, importedAt: at, userId, signatureId },
    ]);
    expect((await allocation.slots()).map((s) => s.randomizationNumber)).toEqual(['R002', 'R001', 'R003']);
    expect(await allocation.slot('R001')).toEqual({ randomizationNumber: 'R001', listOrder: 2, blockSealed: null, stratum: 'A', armSealed: 'arm-R001' });
    expect(await allocation.slot('R003')).toEqual({ randomizationNumber: 'R003', listOrder: 10, blockSealed: 'blk-3', stratum: 'B', armSealed: 'arm-R003' });
    expect(await allocation.slot('R999')).toBeUndefined();
    expect(await allocation.nextListOrder()).toBe(11);
    expect(await allocation.slotNumbers()).toEqual(new Set(['R001', 'R002', 'R003']));
    expect(await allocation.kitNumbers()).toEqual(new Set(['100001', '100002']));
    const kits = (await allocation.kits()).sort((a, b) => a.kitNumber.localeCompare(b.kitNumber));
    expect(kits).toEqual([
      { kitNumber: '100001', kitType: null, armSealed: 'arm-100001', lotSealed: 'lot-100001', expirySealed: 'exp-100001', gtinSealed: null, serial: null, blindedLot: 'BL-1', useBefore: '2027-06-30', status: 'expected' },
      { kitNumber: '100002', kitType: null, armSealed: 'arm-100002', lotSealed: 'lot-100002', expirySealed: 'exp-100002', gtinSealed: 'gtin-100002', serial: '9000002', blindedLot: 'BL-1', useBefore: '2027-06-30', status: 'expected' },
    ]);
    expect(await allocation.counts()).toEqual({ slots: 3, kits: 2 });
  });

  it('changes the blinded label fields and the expiry hold of one kit only', async () => {
    const { store } = await storeOn(engine);
    const allocation = new AllocationRepository(store, studyScope(1));
    const { userId, signatureId } = await signedUser(store);
    await store.transaction(async () => {
      const importId = await allocation.insertImport({ kind: 'kits', fileName: 'kits.csv', sha256: 'c3', rowCount: 2, importedAt: at, userId, signatureId });
      await allocation.insertKit(kit('100001', importId));
      await allocation.insertKit(kit('100002', importId));
    });
    await store.transaction(async () => {
      await allocation.setBlindedLabelFields('100001', 'BL-2', '2027-05-31');
      await allocation.setUseBefore('100002', '2027-04-30');
      await allocation.setExpiryHold('100002');
    });
    const byNumber = new Map((await allocation.kits()).map((k) => [k.kitNumber, k]));
    expect(byNumber.get('100001')).toMatchObject({ blindedLot: 'BL-2', useBefore: '2027-05-31' });
    expect(byNumber.get('100002')).toMatchObject({ blindedLot: 'BL-1', useBefore: '2027-04-30' });
    const holds = await store.q().selectFrom('kits').select(['kit_number', 'expiry_hold']).orderBy('kit_number').execute();
    expect(holds).toEqual([
      { kit_number: '100001', expiry_hold: 0 },
      { kit_number: '100002', expiry_hold: 1 },
    ]);
  });

  it('writes nothing of an import whose unit of work fails, and refuses a kit number twice', async () => {
    const { store } = await storeOn(engine);
    const allocation = new AllocationRepository(store, studyScope(1));
    const { userId, signatureId } = await signedUser(store);
    await expect(
      store.transaction(async () => {
        const importId = await allocation.insertImport({ kind: 'kits', fileName: 'kits.csv', sha256: 'd4', rowCount: 2, importedAt: at, userId, signatureId });
        await allocation.insertKit(kit('100001', importId));
        await allocation.insertKit(kit('100001', importId));
      }),
    ).rejects.toThrow();
    expect(await allocation.counts()).toEqual({ slots: 0, kits: 0 });
    expect(await allocation.imports()).toEqual([]);
  });

  it('reads the blocks an upgrade left in transition, seals them one by one and deletes the transition wraps', async () => {
    const { store } = await storeOn(engine);
    const allocation = new AllocationRepository(store, studyScope(1));
    const { userId, signatureId } = await signedUser(store);
    await store.transaction(async () => {
      const importId = await allocation.insertImport({ kind: 'randomization', fileName: 'slots.csv', sha256: 'e5', rowCount: 2, importedAt: at, userId, signatureId });
      await allocation.insertSlot({ randomizationNumber: 'R001', listOrder: 1, blockSealed: null, stratum: 'A', armSealed: 'arm-R001', importId });
      await allocation.insertSlot({ randomizationNumber: 'R002', listOrder: 2, blockSealed: null, stratum: 'A', armSealed: 'arm-R002', importId });
      await store.q().insertInto('blocks_in_transition').values([
        { randomization_number: 'R001', sealed: 'transition-sealed-1', plain: null, study_id: 1 },
        { randomization_number: 'R002', sealed: null, plain: 'B7', study_id: 1 },
      ]).execute();
      await store.q().insertInto('block_transition_wraps').values({ user_id: userId, wrap_json: JSON.stringify({ v: 1, wrapped: 'w' }) }).execute();
    });
    expect((await allocation.blocksInTransition()).sort((a, b) => a.randomizationNumber.localeCompare(b.randomizationNumber))).toEqual([
      { randomizationNumber: 'R001', sealed: 'transition-sealed-1', plain: null },
      { randomizationNumber: 'R002', sealed: null, plain: 'B7' },
    ]);
    expect(await allocation.blockTransitionWrap(userId)).toEqual({ v: 1, wrapped: 'w' });
    expect(await allocation.blockTransitionWrap(userId + 1)).toBeUndefined();

    await store.transaction(async () => {
      await allocation.sealBlock('R001', 'sealed-under-key-1');
    });
    expect((await allocation.slot('R001'))?.blockSealed).toBe('sealed-under-key-1');
    expect((await allocation.slot('R002'))?.blockSealed).toBeNull();
    expect((await allocation.blocksInTransition()).map((b) => b.randomizationNumber)).toEqual(['R002']);

    await store.transaction(async () => {
      await allocation.sealBlock('R002', 'sealed-under-key-2');
      await allocation.deleteBlockTransitionWraps();
    });
    expect(await allocation.blocksInTransition()).toEqual([]);
    expect(await allocation.blockTransitionWrap(userId)).toBeUndefined();
    expect((await allocation.slot('R002'))?.blockSealed).toBe('sealed-under-key-2');
  });
});
