import { describe, expect, it } from 'vitest';
import { testStores } from '../helpers/stores';
import { type Engine, type Store } from '../../main/core/db/store';
import { DestructionRepository } from '../../main/core/destruction/destructionRepository';
import { ReturnsRepository } from '../../main/core/returns/returnsRepository';
import { studyScope } from '../../main/core/study/studyScope';
import { addKitList, addStudy } from '../helpers/studyRows';

/** Issue 13, item 2: the returns' and the destructions' SQL on the Store, the same answers on both engines. */
const stores = testStores('returns-destruction');
const storeOn = async (engine: Engine): Promise<Store> => (await stores.open(engine)).store;

const AT = '2026-01-05T08:00:00.000Z';

/**
 * Two users (technician, monitor), a study with a signed kit-list import, the given kits and two patients: what returns
 * and destructions refer to. `study` adds another study with its own kits and patient (numbers may repeat the first's).
 */
async function seed(store: Store, kitNumbers: string[]) {
  const q = store.q();
  const user = (username: string, display_name: string, role: string) =>
    q.insertInto('users').values({ username, display_name, role, password_hash: 'x', created_at: AT }).returning('id').executeTakeFirstOrThrow();
  const { id: techId } = await user('tech', 'Léa Martin (technician)', 'pharmacy_technician');
  const { id: monitorId } = await user('monitor', 'Paul Roux (monitor)', 'monitor');
  const signature = async (userId: number, record_type: string, record_id: string) =>
    (await q.insertInto('signatures').values({ user_id: userId, printed_name: 'Signer', meaning: 'Meaning', signed_at_utc: AT, record_type, record_id, record_hash: 'h' }).returning('id').executeTakeFirstOrThrow()).id;
  const importSignature = await signature(techId, 'list_import', 'kits.csv');
  const patient = (study_id: number, screening_number: string) =>
    q.insertInto('patients').values({ screening_number, initials: 'AB', year_of_birth: 1970, investigator: 'Dr X', stratum: 's', registered_at: AT, study_id }).returning('id').executeTakeFirstOrThrow();
  const study = async (code: string, numbers: string[]) => {
    const studyId = await addStudy(store, code);
    await addKitList(store, studyId, { userId: techId, signatureId: importSignature, kitNumbers: numbers });
    return { studyId, scope: studyScope(studyId), patientId: (await patient(studyId, 'S-001')).id };
  };
  const { studyId, scope, patientId: firstPatient } = await study('NS-DUPI', kitNumbers);
  const { id: secondPatient } = await patient(studyId, 'S-002');
  return { techId, monitorId, firstPatient, secondPatient, signature, studyId, scope, study };
}

describe.each(['sqlite', 'postgres'] as const)('the returns repository on %s', (engine) => {
  it('tells who a dispensed kit went to, and nothing for a kit never dispensed', async () => {
    const store = await storeOn(engine);
    const { techId, firstPatient, signature, studyId, scope } = await seed(store, ['100001', '100002']);
    const { id: dispensingId } = await store
      .q()
      .insertInto('dispensings')
      .values({ patient_id: firstPatient, visit_code: 'V2', dispensed_at: '2026-01-10T09:00:00.000Z', user_id: techId, signature_id: await signature(techId, 'dispensing', 'S-001:V2') })
      .returning('id')
      .executeTakeFirstOrThrow();
    await store.q().insertInto('dispensing_kits').values({ dispensing_id: dispensingId, kit_number: '100001', source: 'scanner', study_id: studyId }).execute();
    const returns = new ReturnsRepository(store, scope);
    expect(await returns.dispensedTo('100001')).toEqual({ patientId: firstPatient, screeningNumber: 'S-001', visitCode: 'V2', dispensedAt: '2026-01-10T09:00:00.000Z' });
    expect(await returns.dispensedTo('100002')).toBeUndefined();
  });

  it('records returns, reads them one by one and in kit-number order, corrects and verifies them', async () => {
    const store = await storeOn(engine);
    // '99' sorts after '100002' as text: the list must still give the kit-number order.
    const { techId, monitorId, firstPatient, secondPatient, scope } = await seed(store, ['100002', '99', '100010']);
    const returns = new ReturnsRepository(store, scope);
    const base = { returnedAt: '2026-02-01T10:00:00.000Z', userId: techId, source: 'scanner' };
    await returns.insert({ ...base, kitNumber: '100010', patientId: firstPatient, condition: 'used', unitsReturned: 1, unitsMissing: 0, note: null });
    await returns.insert({ ...base, kitNumber: '99', patientId: secondPatient, condition: 'missing', unitsReturned: 0, unitsMissing: 1, note: 'Lost on holiday' });
    await returns.insert({ ...base, kitNumber: '100002', patientId: firstPatient, condition: 'partly_used', unitsReturned: 1, unitsMissing: 1, note: null });

    expect(await returns.exists('99')).toBe(true);
    expect(await returns.exists('100001')).toBe(false);
    const missing = { kitNumber: '99', patientId: secondPatient, screeningNumber: 'S-002', returnedAt: base.returnedAt, condition: 'missing', unitsReturned: 0, unitsMissing: 1, note: 'Lost on holiday', source: 'scanner', verifiedBy: null, verifiedAt: null };
    expect(await returns.get('99')).toEqual(missing);
    expect(await returns.get('100001')).toBeUndefined();
    expect((await returns.list()).map((r) => r.kitNumber)).toEqual(['99', '100002', '100010']);
    expect(await returns.unverifiedKits()).toEqual(new Set(['99', '100002', '100010']));

    await returns.markVerified('100010', monitorId, '2026-02-02T10:00:00.000Z');
    expect(await returns.get('100010')).toMatchObject({ verifiedBy: 'Paul Roux (monitor)', verifiedAt: '2026-02-02T10:00:00.000Z' });
    expect(await returns.unverifiedKits()).toEqual(new Set(['99', '100002']));

    // A correction takes the new values and removes the verification.
    await returns.correct('100010', { condition: 'partly_used', unitsReturned: 1, unitsMissing: 1, note: 'Half left' });
    expect(await returns.get('100010')).toMatchObject({ condition: 'partly_used', unitsReturned: 1, unitsMissing: 1, note: 'Half left', verifiedBy: null, verifiedAt: null });
    expect(await returns.unverifiedKits()).toEqual(new Set(['99', '100002', '100010']));
    expect(await returns.get('100002')).toMatchObject({ condition: 'partly_used', note: null });

    // One return per kit: the database itself refuses a second.
    await expect(returns.insert({ ...base, kitNumber: '99', patientId: secondPatient, condition: 'used', unitsReturned: 1, unitsMissing: 0, note: null })).rejects.toThrow();
  });

  it("keeps to its study: another study's kit 1001, dispensed and returned there, is not this study's kit 1001", async () => {
    const store = await storeOn(engine);
    const { techId, monitorId, firstPatient, signature, scope, study } = await seed(store, ['1001', '1002']);
    const other = await study('BRAVE-AA2', ['1001']);
    const { id: dispensingId } = await store
      .q()
      .insertInto('dispensings')
      .values({ patient_id: other.patientId, visit_code: 'V2', dispensed_at: '2026-01-10T09:00:00.000Z', user_id: techId, signature_id: await signature(techId, 'dispensing', 'S-001:V2') })
      .returning('id')
      .executeTakeFirstOrThrow();
    await store.q().insertInto('dispensing_kits').values({ dispensing_id: dispensingId, kit_number: '1001', source: 'scanner', study_id: other.studyId }).execute();
    const ours = new ReturnsRepository(store, scope);
    const theirs = new ReturnsRepository(store, other.scope);
    const base = { kitNumber: '1001', returnedAt: '2026-02-01T10:00:00.000Z', userId: techId, unitsMissing: 0, source: 'scanner' };
    await theirs.insert({ ...base, patientId: other.patientId, condition: 'used', unitsReturned: 1, note: 'Theirs' });

    expect(await theirs.dispensedTo('1001')).toMatchObject({ patientId: other.patientId });
    expect(await ours.dispensedTo('1001')).toBeUndefined();
    expect(await ours.exists('1001')).toBe(false);
    expect(await ours.get('1001')).toBeUndefined();
    expect(await ours.list()).toEqual([]);
    expect(await ours.unverifiedKits()).toEqual(new Set());

    // The same kit number returned in this study too; verifying and correcting it leave the other study's return alone.
    await ours.insert({ ...base, patientId: firstPatient, condition: 'unused', unitsReturned: 2, note: null });
    await ours.markVerified('1001', monitorId, '2026-02-02T10:00:00.000Z');
    await ours.correct('1001', { condition: 'damaged', unitsReturned: 0, unitsMissing: 2, note: 'Ours' });
    expect((await ours.list()).map((r) => [r.kitNumber, r.patientId, r.condition, r.note])).toEqual([['1001', firstPatient, 'damaged', 'Ours']]);
    expect(await theirs.get('1001')).toMatchObject({ patientId: other.patientId, condition: 'used', unitsReturned: 1, note: 'Theirs', verifiedAt: null });
    await theirs.markVerified('1001', monitorId, '2026-02-03T10:00:00.000Z');
    expect(await ours.get('1001')).toMatchObject({ verifiedAt: null });
    expect(await ours.unverifiedKits()).toEqual(new Set(['1001']));
    expect(await theirs.unverifiedKits()).toEqual(new Set());
  });

  it('writes inside the unit of work it is called in: a unit that fails keeps none of it', async () => {
    const store = await storeOn(engine);
    const { techId, monitorId, firstPatient, scope } = await seed(store, ['100001', '100002']);
    const returns = new ReturnsRepository(store, scope);
    await returns.insert({ kitNumber: '100002', patientId: firstPatient, returnedAt: AT, userId: techId, condition: 'used', unitsReturned: 1, unitsMissing: 0, note: null, source: 'manual' });
    await expect(
      store.transaction(async () => {
        await returns.insert({ kitNumber: '100001', patientId: firstPatient, returnedAt: AT, userId: techId, condition: 'used', unitsReturned: 1, unitsMissing: 0, note: null, source: 'manual' });
        await returns.markVerified('100002', monitorId, AT);
        expect(await returns.exists('100001')).toBe(true);
        throw new Error('the step fails after its writes');
      }),
    ).rejects.toThrow('the step fails');
    expect(await returns.exists('100001')).toBe(false);
    expect(await returns.get('100002')).toMatchObject({ verifiedAt: null });
  });
});

describe.each(['sqlite', 'postgres'] as const)('the destruction repository on %s', (engine) => {
  it('records destructions with their kits, reads one by id and lists ids newest first', async () => {
    const store = await storeOn(engine);
    const { techId, monitorId, signature, scope } = await seed(store, ['100001', '100002', '100003']);
    const destructions = new DestructionRepository(store, scope);
    const record = async (destroyedOn: string) => {
      const signatureId = await signature(techId, 'destruction', destroyedOn);
      const witnessSignatureId = await signature(monitorId, 'destruction', destroyedOn);
      const id = await destructions.insert({ destroyedOn, method: 'Incineration', place: 'Pharmacy', recordedAt: `${destroyedOn}T15:00:00.000Z`, userId: techId, signatureId, witnessId: monitorId, witnessSignatureId });
      return { id, signatureId, witnessSignatureId };
    };
    const first = await record('2026-03-01');
    const second = await record('2026-03-02');
    expect(typeof first.id).toBe('number');
    expect(second.id).toBeGreaterThan(first.id);
    await destructions.addKit(first.id, '100002');
    await destructions.addKit(first.id, '100001');
    await destructions.addKit(second.id, '100003');

    expect(await destructions.byId(first.id)).toEqual({
      id: first.id,
      destroyedOn: '2026-03-01',
      method: 'Incineration',
      place: 'Pharmacy',
      recordedAt: '2026-03-01T15:00:00.000Z',
      signatureId: first.signatureId,
      witnessSignatureId: first.witnessSignatureId,
    });
    expect(await destructions.byId(second.id + 1)).toBeUndefined();
    expect((await destructions.kitsOf(first.id)).sort()).toEqual(['100001', '100002']);
    expect(await destructions.kitsOf(second.id)).toEqual(['100003']);
    expect(await destructions.kitsOf(second.id + 1)).toEqual([]);
    expect(await destructions.ids()).toEqual([second.id, first.id]);
    // A kit is destroyed once: the database itself refuses it in a second destruction.
    await expect(destructions.addKit(second.id, '100001')).rejects.toThrow();
  });

  it("keeps to its study: another study's destruction of its kit 1001 is not listed, and this study's kit 1001 may be destroyed too", async () => {
    const store = await storeOn(engine);
    const { techId, monitorId, signature, scope, study } = await seed(store, ['1001']);
    const other = await study('BRAVE-AA2', ['1001']);
    const ours = new DestructionRepository(store, scope);
    const theirs = new DestructionRepository(store, other.scope);
    const record = async (destructions: DestructionRepository, destroyedOn: string) =>
      destructions.insert({ destroyedOn, method: 'Incineration', place: 'Pharmacy', recordedAt: AT, userId: techId, signatureId: await signature(techId, 'destruction', destroyedOn), witnessId: monitorId, witnessSignatureId: await signature(monitorId, 'destruction', destroyedOn) });
    const theirId = await record(theirs, '2026-03-01');
    await theirs.addKit(theirId, '1001');
    expect(await ours.ids()).toEqual([]);
    expect(await ours.byId(theirId)).toBeUndefined();
    expect(await ours.kitsOf(theirId)).toEqual([]);

    const ourId = await record(ours, '2026-03-02');
    await ours.addKit(ourId, '1001');
    expect(await ours.ids()).toEqual([ourId]);
    expect(await ours.kitsOf(ourId)).toEqual(['1001']);
    expect(await theirs.ids()).toEqual([theirId]);
    expect(await theirs.kitsOf(theirId)).toEqual(['1001']);
  });

  it('writes inside the unit of work it is called in: a unit that fails keeps none of it', async () => {
    const store = await storeOn(engine);
    const { techId, monitorId, signature, scope } = await seed(store, ['100001']);
    const destructions = new DestructionRepository(store, scope);
    const signatureId = await signature(techId, 'destruction', 'd');
    const witnessSignatureId = await signature(monitorId, 'destruction', 'd');
    await expect(
      store.transaction(async () => {
        const id = await destructions.insert({ destroyedOn: '2026-03-01', method: 'Incineration', place: 'Pharmacy', recordedAt: AT, userId: techId, signatureId, witnessId: monitorId, witnessSignatureId });
        await destructions.addKit(id, '100001');
        expect(await destructions.kitsOf(id)).toEqual(['100001']);
        throw new Error('the step fails after its writes');
      }),
    ).rejects.toThrow('the step fails');
    expect(await destructions.ids()).toEqual([]);
    expect(await store.q().selectFrom('destruction_kits').selectAll().execute()).toEqual([]);
  });
});
