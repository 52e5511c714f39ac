import { describe, expect, it } from 'vitest';
import { openAllocationKeysFromStore } from '../../main/core/allocation/keyHolderCredential';
import { EMERGENCY_HOLDER, KeyRepository, userHolder } from '../../main/core/allocation/keyRepository';
import { PostgresRecordedStateRepository } from '../../main/core/audit/postgresRecordedStateRepository';
import type { RecordedState } from '../../main/core/audit/recordedState';
import { RecordedStateRepository } from '../../main/core/audit/recordedStateRepository';
import { checkSealedValues } from '../../main/core/audit/sealedValueCheck';
import { hashPassword } from '../../main/core/auth/passwords';
import { open, SealBrokenError, seal, sealedField } from '../../main/core/crypto/allocationCipher';
import { createUserKeyPair, newDataKey, openUserPrivateKey, unwrapForUser, wrapForEmergency, wrapForUser } from '../../main/core/crypto/keyCustody';
import type { Engine, Store } from '../../main/core/db/store';
import { studyScope } from '../../main/core/study/studyScope';
import { testStores } from '../helpers/stores';
import { addStudy } from '../helpers/studyRows';

/**
 * One allocation key per study (issue 14, docs/multi-study-plan.md step 4, migration 22). Two studies number their kits
 * alike (kit 1001 in both), so the associated data of kit 1001's arm is the same in both ("kit:1001:arm"): only the
 * study's own key tells them apart, and an arm of one study must not open with the other's key, even for a pharmacist
 * who holds both. A monitor granted the first study's key holds no wrap of the second.
 */
const stores = testStores('key-per-study');
const at = '2026-03-02T09:00:00.000Z';
const PASSWORD = 'pharmacist password 1';

interface TwoStudies {
  store: Store;
  state: <T>(use: (state: RecordedState) => Promise<T>) => Promise<T>;
  keys: Map<number, Buffer>;
  pharmacist: number;
  monitor: number;
  brave: number;
}

async function twoStudies(engine: Engine): Promise<TwoStudies> {
  const { store, db } = await stores.open(engine);
  const q = store.q();
  const user = async (username: string, role: string) =>
    (await q.insertInto('users').values({ username, display_name: username, role, password_hash: await hashPassword(PASSWORD), created_at: at }).returning('id').executeTakeFirstOrThrow()).id;
  const pharmacist = await user('ph', 'unblinded_pharmacist');
  const monitor = await user('um', 'unblinded_monitor');
  const signatureId = (
    await q.insertInto('signatures').values({ user_id: pharmacist, printed_name: 'P', meaning: 'm', signed_at_utc: at, record_type: 't', record_id: '1', record_hash: 'h' }).returning('id').executeTakeFirstOrThrow()
  ).id;
  const pairs = new Map<number, Awaited<ReturnType<typeof createUserKeyPair>>>();
  for (const id of [pharmacist, monitor]) {
    const pair = await createUserKeyPair(id, PASSWORD);
    pairs.set(id, pair);
    await new KeyRepository(store, studyScope(1)).saveUserKey(id, pair.publicKey, pair.sealedPrivateKey, at);
  }
  const keys = new Map<number, Buffer>();
  let brave = 0;
  for (const code of ['NS-DUPI', 'BRAVE-AA2']) {
    const studyId = await addStudy(store, code);
    if (code === 'BRAVE-AA2') brave = studyId;
    const key = newDataKey();
    keys.set(studyId, key);
    const wraps = new KeyRepository(store, studyScope(studyId, code));
    await wraps.saveWrap(EMERGENCY_HOLDER, null, await wrapForEmergency(key, `${code}-passphrase-of-the-envelope`), pharmacist, at);
    await wraps.saveWrap(userHolder(pharmacist), pharmacist, wrapForUser(key, pharmacist, pairs.get(pharmacist)!.publicKey), pharmacist, at);
    // The monitor is unblinded in the first study only.
    if (code === 'NS-DUPI') await wraps.saveWrap(userHolder(monitor), monitor, wrapForUser(key, monitor, pairs.get(monitor)!.publicKey), pharmacist, at);
    const importId = (
      await q.insertInto('list_imports').values({ kind: 'kits', file_name: 'k.csv', sha256: 's', row_count: 1, imported_at: at, user_id: pharmacist, signature_id: signatureId, study_id: studyId }).returning('id').executeTakeFirstOrThrow()
    ).id;
    const arm = code === 'NS-DUPI' ? 'DUPI300' : 'BARI4';
    await q
      .insertInto('kits')
      .values({
        kit_number: '1001',
        arm_sealed: seal(key, arm, sealedField.kitArm('1001')),
        lot_sealed: seal(key, `LOT-${code}`, sealedField.kitLot('1001')),
        expiry_sealed: seal(key, '2027-06-30', sealedField.kitExpiry('1001')),
        blinded_lot: 'BL',
        use_before: '2027-06-30',
        import_id: importId,
        study_id: studyId,
      })
      .execute();
  }
  const state = <T,>(use: (state: RecordedState) => Promise<T>): Promise<T> => (db ? use(new RecordedStateRepository(db)) : PostgresRecordedStateRepository.inSnapshot(store.q(), use));
  return { store, state, keys, pharmacist, monitor, brave };
}

async function opened(store: Store, studyId: number, userId: number): Promise<Buffer | undefined> {
  const keys = new KeyRepository(store, studyScope(studyId));
  const [pair, wrap] = [await keys.userKey(userId), await keys.userWrap(userId)];
  if (!pair || !wrap) return undefined;
  return unwrapForUser(wrap, userId, await openUserPrivateKey(userId, PASSWORD, pair.sealedPrivateKey), pair.publicKey);
}

describe.each(['sqlite', 'postgres'] as const)('one allocation key per study, on %s', (engine) => {
  it("opens each study's key from its own wrap, and the monitor's wrap of the first study gives nothing of the second", async () => {
    const t = await twoStudies(engine);
    expect((await opened(t.store, 1, t.pharmacist))!.equals(t.keys.get(1)!)).toBe(true);
    expect((await opened(t.store, t.brave, t.pharmacist))!.equals(t.keys.get(t.brave)!)).toBe(true);
    expect(t.keys.get(1)!.equals(t.keys.get(t.brave)!)).toBe(false);
    expect((await opened(t.store, 1, t.monitor))!.equals(t.keys.get(1)!)).toBe(true);
    expect(await opened(t.store, t.brave, t.monitor)).toBeUndefined();
    // Each study's holders and set-up are its own.
    expect((await new KeyRepository(t.store, studyScope(1)).holders()).map((h) => h.userId).sort()).toEqual([t.pharmacist, t.monitor].sort());
    expect((await new KeyRepository(t.store, studyScope(t.brave)).holders()).map((h) => h.userId)).toEqual([t.pharmacist]);
    expect(await new KeyRepository(t.store, studyScope(3)).isSetUp()).toBe(false);
  });

  it("never opens one study's arm with the other study's key, though the kit number and its associated data are the same", async () => {
    const t = await twoStudies(engine);
    const sealedArm = async (studyId: number) =>
      (await t.store.q().selectFrom('kits').select('arm_sealed').where('study_id', '=', studyId).where('kit_number', '=', '1001').executeTakeFirstOrThrow()).arm_sealed;
    const braveArm = await sealedArm(t.brave);
    expect(open(t.keys.get(t.brave)!, braveArm, sealedField.kitArm('1001'))).toBe('BARI4');
    expect(() => open(t.keys.get(1)!, braveArm, sealedField.kitArm('1001'))).toThrow(SealBrokenError);
    const nsDupiArm = await sealedArm(1);
    expect(() => open(t.keys.get(t.brave)!, nsDupiArm, sealedField.kitArm('1001'))).toThrow(SealBrokenError);
  });

  it("verify authenticates each study's values with its key, names values moved between studies, and says which it could not check", async () => {
    const t = await twoStudies(engine);
    const check = (keys: Map<number, Buffer>) =>
      t.state(async (state) => {
        const findings: string[] = [];
        const result = await checkSealedValues(state, keys, (text) => findings.push(text));
        return { ...result, findings };
      });
    expect(await check(t.keys)).toEqual({ authenticated: 6, unchecked: [], findings: [] });
    // The monitor's keys: the first study's only.
    expect(await check(new Map([[1, t.keys.get(1)!]]))).toEqual({ authenticated: 3, unchecked: [{ study: 'BRAVE-AA2', values: 3 }], findings: [] });

    // Kit 1001's arms swapped between the studies: each row's value is still a sound ciphertext, of the other study.
    const arms = await t.store.q().selectFrom('kits').select(['study_id', 'arm_sealed']).where('kit_number', '=', '1001').orderBy('study_id').execute();
    for (const [row, other] of [
      [arms[0]!, arms[1]!],
      [arms[1]!, arms[0]!],
    ] as const) {
      await t.store.q().updateTable('kits').set({ arm_sealed: other.arm_sealed }).where('study_id', '=', row.study_id).where('kit_number', '=', '1001').execute();
    }
    const moved = await check(t.keys);
    expect(moved.authenticated).toBe(4);
    expect(moved.findings).toEqual([
      "kit 1001: its sealed arm does not open with the study's allocation key: it was altered, moved from another row or study, or damaged on disk (bit rot)",
      "kit 1001 of BRAVE-AA2: its sealed arm does not open with the study's allocation key: it was altered, moved from another row or study, or damaged on disk (bit rot)",
    ]);
  });

  it("verify's key holder opens the key of every study they hold, and no other", async () => {
    const t = await twoStudies(engine);
    const pharmacist = await openAllocationKeysFromStore(t.store, 'ph', PASSWORD);
    expect([...pharmacist.keys()]).toEqual([1, t.brave]);
    expect(pharmacist.get(t.brave)!.equals(t.keys.get(t.brave)!)).toBe(true);
    const monitor = await openAllocationKeysFromStore(t.store, 'um', PASSWORD);
    expect([...monitor.keys()]).toEqual([1]);
  });

  it("a reset deletes the user's wraps in every study, and only theirs", async () => {
    const t = await twoStudies(engine);
    expect((await new KeyRepository(t.store, studyScope(1)).deleteUserWraps(t.pharmacist)).sort()).toEqual([1, t.brave]);
    expect(await opened(t.store, t.brave, t.pharmacist)).toBeUndefined();
    expect(await opened(t.store, 1, t.pharmacist)).toBeUndefined();
    expect((await opened(t.store, 1, t.monitor))!.equals(t.keys.get(1)!)).toBe(true);
    expect(await new KeyRepository(t.store, studyScope(t.brave)).isSetUp()).toBe(true);
  });
});
