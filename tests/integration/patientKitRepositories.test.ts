import { describe, expect, it } from 'vitest';
import { testStores } from '../helpers/stores';
import { type Engine, type Store } from '../../main/core/db/store';
import { KitRepository } from '../../main/core/kits/kitRepository';
import { PatientRepository } from '../../main/core/patients/patientRepository';
import { studyScope } from '../../main/core/study/studyScope';
import { addStudy } from '../helpers/studyRows';

/** Issue 13, item 2: the kits' and the patients' SQL on the Store, the same answers on both engines. */
const stores = testStores('patient-kit');
const storeOn = (engine: Engine) => stores.open(engine);

const at = '2026-02-10T14:30:00.000Z';

/** A user with a signature, a kit list of four kits and a randomization list of three numbers over two strata. */
async function seed(store: Store) {
  const q = store.q();
  const studyId = await addStudy(store);
  const userId = (await q.insertInto('users').values({ username: 'ph', display_name: 'Claire Martin', role: 'unblinded_pharmacist', password_hash: 'x', created_at: at }).returning('id').executeTakeFirstOrThrow()).id;
  const signatureId = (
    await q
      .insertInto('signatures')
      .values({ user_id: userId, printed_name: 'Claire Martin', meaning: 'Dispensing', signed_at_utc: at, record_type: 'dispensing', record_id: 'S-001/D1', record_hash: 'h' })
      .returning('id')
      .executeTakeFirstOrThrow()
  ).id;
  const importOf = async (kind: string) =>
    (
      await q
        .insertInto('list_imports')
        .values({ kind, file_name: `${kind}.csv`, sha256: 's', row_count: 4, imported_at: at, user_id: userId, signature_id: signatureId, study_id: studyId })
        .returning('id')
        .executeTakeFirstOrThrow()
    ).id;
  const kitImport = await importOf('kits');
  const kit = (kit_number: string, status: string, serial: string | null, expiry_hold = 0) =>
    q
      .insertInto('kits')
      .values({ kit_number, arm_sealed: `arm-${kit_number}`, lot_sealed: `lot-${kit_number}`, expiry_sealed: `exp-${kit_number}`, serial, blinded_lot: 'BL-1', use_before: '2027-06-30', status, import_id: kitImport, expiry_hold, study_id: studyId })
      .execute();
  await kit('100003', 'available', '9000003');
  await kit('100001', 'available', null);
  await kit('100002', 'quarantined', null, 1);
  await kit('100004', 'expected', null);
  const slotImport = await importOf('randomization');
  // List order is not the order of the numbers: the next free slot follows list order.
  for (const [randomization_number, list_order, stratum] of [
    ['R002', 1, 'A'],
    ['R001', 2, 'A'],
    ['R003', 3, 'B'],
  ] as const) {
    await q.insertInto('randomization_slots').values({ randomization_number, list_order, stratum, arm_sealed: 'sealed', import_id: slotImport, study_id: studyId }).execute();
  }
  return { userId, signatureId, studyId };
}

const patient = (screeningNumber: string, stratum = 'A') => ({ screeningNumber, initials: 'AB', yearOfBirth: 1970, investigator: 'Dr Inès Moreau', stratum, registeredAt: at });

describe.each(['sqlite', 'postgres'] as const)('the kit repository on %s', (engine) => {
  it('reads kits by number and by serial, their shelf state, hold and sealed fields, and changes a status', async () => {
    const { store } = await storeOn(engine);
    await seed(store);
    const kits = new KitRepository(store, studyScope(1));
    expect(await kits.get('100003')).toEqual({ kitNumber: '100003', kitType: null, status: 'available', blindedLot: 'BL-1', useBefore: '2027-06-30', serial: '9000003' });
    expect(await kits.get('999999')).toBeUndefined();
    expect(await kits.kitNumberBySerial('9000003')).toBe('100003');
    expect(await kits.kitNumberBySerial('9000001')).toBeUndefined();
    expect((await kits.shelfStatesOf(['100002', 'no-such-kit'])).get('100002')).toEqual({ status: 'quarantined', useBefore: '2027-06-30' });
    expect((await kits.shelfStatesOf(['100002', 'no-such-kit'])).has('no-such-kit')).toBe(false);
    expect(await kits.expiryHeld('100002')).toBe(true);
    expect(await kits.expiryHeld('100001')).toBe(false);
    expect(await kits.expiryHeld('999999')).toBe(false);
    expect(await kits.sealed('100001')).toEqual({ armSealed: 'arm-100001', expirySealed: 'exp-100001', lotSealed: 'lot-100001' });

    await store.transaction(async () => {
      await kits.setStatus('100001', 'dispensed');
      expect((await kits.get('100001'))?.status).toBe('dispensed');
    });
    expect((await kits.shelfStatesOf(['100001'])).get('100001')?.status).toBe('dispensed');
    // A unit of work that fails takes its status change with it.
    await expect(
      store.transaction(async () => {
        await kits.setStatus('100003', 'dispensed');
        throw new Error('the step fails after the status change');
      }),
    ).rejects.toThrow('the step fails');
    expect((await kits.get('100003'))?.status).toBe('available');
  });

  it('counts kits by status (numbers on both engines) and lists every kit with its sealed fields', async () => {
    const { store } = await storeOn(engine);
    const kits = new KitRepository(store, studyScope(1));
    expect(await kits.lastListImport()).toBe(0);
    expect(await kits.countsByStatus()).toEqual({});
    await seed(store);
    expect(await kits.countsByStatus()).toEqual({ available: 2, quarantined: 1, expected: 1 });
    // Two lists: the kits, then the randomization list.
    expect(await kits.lastListImport()).toBe(2);
    expect((await kits.all()).map((k) => k.kitNumber).sort()).toEqual(['100001', '100002', '100003', '100004']);
    const sealed = (await kits.sealedByStatus(new Set(['available', 'expected']))).sort((a, b) => a.kitNumber.localeCompare(b.kitNumber));
    expect(sealed[0]).toEqual({ kitNumber: '100001', kitType: null, armSealed: 'arm-100001', expirySealed: 'exp-100001' });
    // The quarantined kit is left out: only the statuses asked for.
    expect(sealed.map((k) => k.kitNumber)).toEqual(['100001', '100003', '100004']);
  });
});

describe.each(['sqlite', 'postgres'] as const)('the patient repository on %s', (engine) => {
  it('registers patients, finds them by id and screening number, lists them in screening-number order', async () => {
    const { store } = await storeOn(engine);
    await seed(store);
    const patients = new PatientRepository(store, studyScope(1));
    const second = await patients.insert(patient('S-010'));
    const first = await patients.insert(patient('S-002'));
    expect(typeof first).toBe('number');
    expect(first).not.toBe(second);
    expect(await patients.get(first)).toEqual({
      id: first,
      screeningNumber: 'S-002',
      initials: 'AB',
      yearOfBirth: 1970,
      investigator: 'Dr Inès Moreau',
      stratum: 'A',
      status: 'registered',
      randomizationNumber: null,
      baselineDate: null,
      registeredAt: at,
      withdrawnAt: null,
      withdrawalReason: null,
    });
    expect((await patients.byScreeningNumber('S-010'))?.id).toBe(second);
    expect(await patients.byScreeningNumber('S-999')).toBeUndefined();
    expect(await patients.get(first + second + 100)).toBeUndefined();
    await patients.insert(patient('s-001'));
    // Binary text order on both engines: capitals before lower case, whatever the server's collation.
    expect((await patients.list()).map((p) => p.screeningNumber)).toEqual(['S-002', 'S-010', 's-001']);
  });

  it('gives the next free randomization number of a stratum in list order, randomizes and withdraws', async () => {
    const { store } = await storeOn(engine);
    await seed(store);
    const patients = new PatientRepository(store, studyScope(1));
    const a = await patients.insert(patient('S-001'));
    expect(await patients.nextFreeSlot('A')).toBe('R002');
    await patients.randomize(a, 'R002', '2026-02-10');
    expect(await patients.get(a)).toMatchObject({ status: 'randomized', randomizationNumber: 'R002', baselineDate: '2026-02-10' });
    expect(await patients.nextFreeSlot('A')).toBe('R001');
    expect(await patients.nextFreeSlot('B')).toBe('R003');
    const b = await patients.insert(patient('S-002'));
    await patients.randomize(b, 'R001', '2026-02-11');
    expect(await patients.nextFreeSlot('A')).toBeUndefined();
    expect(await patients.nextFreeSlot('C')).toBeUndefined();
    await patients.withdraw(b, '2026-03-01T09:00:00.000Z', 'Consent withdrawn');
    expect(await patients.get(b)).toMatchObject({ status: 'withdrawn', withdrawnAt: '2026-03-01T09:00:00.000Z', withdrawalReason: 'Consent withdrawn', randomizationNumber: 'R001' });
  });

  it('records dispensings with their kits and reads them back in the order they were made', async () => {
    const { store } = await storeOn(engine);
    const { userId, signatureId } = await seed(store);
    const patients = new PatientRepository(store, studyScope(1));
    const p = await patients.insert(patient('S-001'));
    const other = await patients.insert(patient('S-002'));
    expect(await patients.dispensings(p)).toEqual([]);
    const d1 = await store.transaction(async () => {
      const id = await patients.recordDispensing({ patientId: p, visitCode: 'D1', dispensedAt: at, userId, signatureId, outOfWindowReason: null });
      await patients.addDispensedKit(id, '100003', 'scanner');
      await patients.addDispensedKit(id, '100001', 'manual');
      return id;
    });
    const d2 = await patients.recordDispensing({ patientId: p, visitCode: 'W2', dispensedAt: '2026-02-24T10:00:00.000Z', userId, signatureId, outOfWindowReason: 'Patient came late' });
    await patients.addDispensedKit(d2, '100002', 'keyboard_wedge');
    await patients.recordDispensing({ patientId: other, visitCode: 'D1', dispensedAt: at, userId, signatureId, outOfWindowReason: null });
    expect(d2).toBeGreaterThan(d1);
    expect(await patients.dispensings(p)).toEqual([
      { id: d1, visitCode: 'D1', dispensedAt: at, outOfWindowReason: null, signatureId, extra: null, kits: ['100001', '100003'] },
      { id: d2, visitCode: 'W2', dispensedAt: '2026-02-24T10:00:00.000Z', outOfWindowReason: 'Patient came late', signatureId, extra: null, kits: ['100002'] },
    ]);
    expect((await patients.dispensings(other)).map((d) => d.kits)).toEqual([[]]);
    // The same, read for several patients at once (a page of the due list), or for every patient.
    const both = await patients.dispensingsByPatient([p, other]);
    expect(both.get(p)).toEqual(await patients.dispensings(p));
    expect(both.get(other)).toEqual(await patients.dispensings(other));
    expect([...(await patients.dispensingsByPatient([other])).keys()]).toEqual([other]);
    expect((await patients.dispensingsByPatient([other])).get(other)).toEqual(await patients.dispensings(other));
    expect((await patients.dispensingsByPatient([])).size).toBe(0);
    expect(await patients.dispensingsByPatient()).toEqual(both);
    const sources = await store.q().selectFrom('dispensing_kits').select(['kit_number', 'source']).where('dispensing_id', '=', d1).orderBy('kit_number').execute();
    expect(sources).toEqual([
      { kit_number: '100001', source: 'manual' },
      { kit_number: '100003', source: 'scanner' },
    ]);
  });

  it('reads only the randomized patients with a visit of the schedule still to dispense, then their dispensed visits', async () => {
    const { store } = await storeOn(engine);
    const { userId, signatureId } = await seed(store);
    const patients = new PatientRepository(store, studyScope(1));
    const schedule = ['D1', 'W2'];
    const dispense = (patientId: number, visitCode: string) => patients.recordDispensing({ patientId, visitCode, dispensedAt: at, userId, signatureId, outOfWindowReason: null });
    const [done, extraOnly, halfway, fresh, registered] = [await patients.insert(patient('S-004')), await patients.insert(patient('S-003')), await patients.insert(patient('S-002')), await patients.insert(patient('S-001', 'B')), await patients.insert(patient('S-005'))];
    await patients.randomize(done, 'R002', '2026-02-10');
    await patients.randomize(extraOnly, 'R001', '2026-02-10');
    await patients.randomize(fresh, 'R003', '2026-02-10');
    // `halfway` is randomized without a slot of its own here: the status is what counts.
    await store.q().updateTable('patients').set({ status: 'randomized', baseline_date: '2026-02-10' }).where('id', '=', halfway).execute();
    await dispense(done, 'D1');
    await dispense(done, 'W2');
    // Two dispensings outside the schedule (a replacement and an unscheduled kit) do not finish a patient's schedule.
    await dispense(extraOnly, 'D1');
    await dispense(extraOnly, 'D1/R1');
    await dispense(extraOnly, 'U1');
    await dispense(halfway, 'W2');
    // A registered patient with a dispensing (impossible through the services) is still not randomized.
    await dispense(registered, 'D1');
    const due = await patients.withVisitsToDispense(schedule);
    expect(due.map((p) => p.screeningNumber)).toEqual(['S-001', 'S-002', 'S-003']);
    const dispensed = await patients.dispensedVisits(due.map((p) => p.id));
    expect([...dispensed.keys()].sort((a, b) => a - b)).toEqual([extraOnly, halfway].sort((a, b) => a - b));
    expect(dispensed.get(extraOnly)).toEqual(new Set(['D1', 'D1/R1', 'U1']));
    expect(dispensed.get(halfway)).toEqual(new Set(['W2']));
  });

  it('keeps nothing of a dispensing whose unit of work fails', async () => {
    const { store } = await storeOn(engine);
    const { userId, signatureId } = await seed(store);
    const patients = new PatientRepository(store, studyScope(1));
    const p = await patients.insert(patient('S-001'));
    await expect(
      store.transaction(async () => {
        const id = await patients.recordDispensing({ patientId: p, visitCode: 'D1', dispensedAt: at, userId, signatureId, outOfWindowReason: null });
        await patients.addDispensedKit(id, '100003', 'scanner');
        await patients.addDispensedKit(id, '100003', 'scanner'); // the same kit twice: refused by the schema
      }),
    ).rejects.toThrow();
    expect(await patients.dispensings(p)).toEqual([]);
  });
});

describe.each(['sqlite', 'postgres'] as const)('two studies in one database on %s (issue 14, migration 20)', (engine) => {
  it('holds the same kit, randomization and screening numbers in each study, and each repository sees its own study only', async () => {
    const { store } = await storeOn(engine);
    const { userId, signatureId, studyId: first } = await seed(store);
    const second = await addStudy(store, 'BRAVE-AA2');
    // Another sponsor numbers its kits and its randomization list the same way: kit 100001, R002, even the pack's serial.
    const q = store.q();
    const importId = (
      await q
        .insertInto('list_imports')
        .values({ kind: 'kits', file_name: 'brave-kits.csv', sha256: 't', row_count: 1, imported_at: at, user_id: userId, signature_id: signatureId, study_id: second })
        .returning('id')
        .executeTakeFirstOrThrow()
    ).id;
    const braveKit = { kit_number: '100001', arm_sealed: 'arm-2', lot_sealed: 'lot-2', expiry_sealed: 'exp-2', serial: '9000003', blinded_lot: 'BL-2', use_before: '2027-01-31', status: 'quarantined', import_id: importId, study_id: second };
    await q.insertInto('kits').values(braveKit).execute();
    await q.insertInto('randomization_slots').values({ randomization_number: 'R002', list_order: 1, stratum: 'A', arm_sealed: 'sealed-2', import_id: importId, study_id: second }).execute();

    const [dupi, brave] = [new KitRepository(store, studyScope(first)), new KitRepository(store, studyScope(second))];
    expect((await dupi.get('100001'))?.blindedLot).toBe('BL-1');
    expect(await brave.get('100001')).toEqual({ kitNumber: '100001', kitType: null, status: 'quarantined', blindedLot: 'BL-2', useBefore: '2027-01-31', serial: '9000003' });
    expect(await brave.get('100003')).toBeUndefined();
    expect(await dupi.kitNumberBySerial('9000003')).toBe('100003');
    expect(await brave.kitNumberBySerial('9000003')).toBe('100001');
    expect(await brave.countsByStatus()).toEqual({ quarantined: 1 });
    expect(await brave.sealed('100001')).toEqual({ armSealed: 'arm-2', expirySealed: 'exp-2', lotSealed: 'lot-2' });
    expect(await brave.sealedKits(['100001', '100003'])).toEqual([{ kitNumber: '100001', kitType: null, armSealed: 'arm-2', expirySealed: 'exp-2' }]);
    expect([...(await dupi.shelfStatesOf(['100001'])).values()]).toEqual([{ status: 'available', useBefore: '2027-06-30' }]);
    // A status changed in one study leaves the other study's kit of the same number alone.
    await brave.setStatus('100001', 'destroyed');
    expect((await dupi.get('100001'))?.status).toBe('available');

    const [dupiPatients, bravePatients] = [new PatientRepository(store, studyScope(first)), new PatientRepository(store, studyScope(second))];
    const a = await dupiPatients.insert(patient('S-001'));
    const b = await bravePatients.insert(patient('S-001'));
    expect(await bravePatients.nextFreeSlot('A')).toBe('R002');
    await dupiPatients.randomize(a, 'R002', '2026-02-10');
    // R002 is taken in NS-DUPI, not in BRAVE-AA2: each study's list is its own.
    expect(await bravePatients.nextFreeSlot('A')).toBe('R002');
    await bravePatients.randomize(b, 'R002', '2026-02-11');
    expect(await dupiPatients.nextFreeSlot('A')).toBe('R001');
    expect(await bravePatients.nextFreeSlot('A')).toBeUndefined();
    expect((await bravePatients.byScreeningNumber('S-001'))?.id).toBe(b);
    // Another study's patient is not found, even by its id.
    expect(await dupiPatients.get(b)).toBeUndefined();
    await dupiPatients.withdraw(b, at, 'wrong study');
    expect((await bravePatients.get(b))?.status).toBe('randomized');
    expect((await bravePatients.list()).map((p) => p.id)).toEqual([b]);
    expect((await bravePatients.withVisitsToDispense(['D1'])).map((p) => p.id)).toEqual([b]);

    // Kit 100001 given in BRAVE-AA2 does not use up NS-DUPI's kit 100001: "a kit once" holds within a study.
    const dispensing = (patientId: number, repository: PatientRepository) => repository.recordDispensing({ patientId, visitCode: 'D1', dispensedAt: at, userId, signatureId, outOfWindowReason: null });
    const d2 = await dispensing(b, bravePatients);
    await bravePatients.addDispensedKit(d2, '100001', 'scanner');
    const d1 = await dispensing(a, dupiPatients);
    await dupiPatients.addDispensedKit(d1, '100001', 'scanner');
    expect([...(await dupiPatients.dispensingsByPatient()).entries()].map(([id, list]) => [id, list.map((d) => d.kits)])).toEqual([[a, [['100001']]]]);
    expect([...(await bravePatients.dispensingsByPatient()).entries()].map(([id, list]) => [id, list.map((d) => d.kits)])).toEqual([[b, [['100001']]]]);
    // Asked for by id, another study's patient has no dispensings here.
    expect((await dupiPatients.dispensingsByPatient([b])).size).toBe(0);
    expect([...(await dupiPatients.dispensingsByPatient([b, a])).keys()]).toEqual([a]);
    expect(await dupiPatients.dispensings(b)).toEqual([]);

    // Within a study the numbers stay unique, and a row cannot point at a kit its study does not have.
    await expect(bravePatients.insert(patient('S-001'))).rejects.toThrow();
    await expect(q.insertInto('kits').values(braveKit).execute()).rejects.toThrow();
    await expect(bravePatients.addDispensedKit(d2, '100003', 'scanner')).rejects.toThrow();
    await expect(bravePatients.addDispensedKit(d2, '100001', 'manual')).rejects.toThrow();
  });
});
