import { describe, expect, it } from 'vitest';
import { compareKitNumbers } from '../../shared/allocation/kitOrder';
import { testStores } from '../helpers/stores';
import { type Engine, type Store } from '../../main/core/db/store';
import { ReconciliationRepository } from '../../main/core/reconciliation/reconciliationRepository';
import { ReportReadModel } from '../../main/core/reports/reportReadModel';
import { studyScope } from '../../main/core/study/studyScope';
import { addStudy } from '../helpers/studyRows';

/** Issue 13, item 2: the reconciliation's and the reports' SQL on the Store, the same answers on both engines. */
const stores = testStores('reconciliation-reports');
const storeOn = async (engine: Engine): Promise<Store> => (await stores.open(engine)).store;

const AT = '2026-01-05T08:00:00.000Z';

/**
 * Two users and a study: a signed kit-list import and kits 100002, 99, 100010, 100003, 100001; two randomized
 * patients (S-010, S-002); a closed shipment (100002 and 100010 received, 99 missing); 100010 dispensed to S-010 and
 * returned used (and verified); 100002 destroyed. `records(code)` writes the same records in another study (every
 * number the same). `event` appends audit events numbered 1, 2, ... (a day apart).
 */
async function seed(store: Store) {
  const q = store.q();
  const user = (username: string, display_name: string, role: string) =>
    q.insertInto('users').values({ username, display_name, role, password_hash: 'x', created_at: AT }).returning('id').executeTakeFirstOrThrow();
  const { id: techId } = await user('tech', 'Léa Martin', 'pharmacy_technician');
  const { id: monitorId } = await user('monitor', 'Paul Roux', 'monitor');
  const signature = async (userId: number, record_type: string, record_id: string) =>
    (await q.insertInto('signatures').values({ user_id: userId, printed_name: 'Signer', meaning: 'Meaning', signed_at_utc: AT, record_type, record_id, record_hash: 'h' }).returning('id').executeTakeFirstOrThrow()).id;
  const records = async (code: string) => {
    const study_id = await addStudy(store, code);
    const { id: importId } = await q
      .insertInto('list_imports')
      .values({ kind: 'kits', file_name: 'kits.csv', sha256: 's', row_count: 5, imported_at: AT, user_id: techId, signature_id: await signature(techId, 'list_import', 'kits.csv'), study_id })
      .returning('id')
      .executeTakeFirstOrThrow();
    const kit = (kit_number: string, status: string, use_before: string) =>
      q.insertInto('kits').values({ kit_number, arm_sealed: `arm-${kit_number}`, lot_sealed: `lot-${kit_number}`, expiry_sealed: `exp-${kit_number}`, blinded_lot: 'BL-1', use_before, import_id: importId, status, study_id }).execute();
    await kit('100002', 'destroyed', '2027-06-30');
    await kit('99', 'lost', '2027-06-30');
    await kit('100010', 'returned', '2027-06-30');
    await kit('100003', 'available', '2026-03-01');
    await kit('100001', 'quarantined', '2026-02-01');
    const { id: shipmentId } = await q
      .insertInto('shipments')
      .values({ reference: 'SHIP-1', created_at: AT, created_by: techId, closed_at: '2026-01-06T10:00:00.000Z', closed_by: techId, study_id })
      .returning('id')
      .executeTakeFirstOrThrow();
    await q
      .insertInto('shipment_kits')
      .values([
        { shipment_id: shipmentId, kit_number: '100002', outcome: 'received', scanned_at: '2026-01-06T09:00:00.000Z', source: 'scanner', study_id },
        { shipment_id: shipmentId, kit_number: '99', outcome: 'missing', scanned_at: null, source: null, study_id },
        { shipment_id: shipmentId, kit_number: '100010', outcome: 'received', scanned_at: '2026-01-06T09:01:00.000Z', source: 'scanner', study_id },
      ])
      .execute();
    let order = 0;
    for (const randomization_number of ['R-S-010', 'R-S-002']) {
      await q.insertInto('randomization_slots').values({ randomization_number, list_order: ++order, stratum: 's', arm_sealed: 'a', import_id: importId, study_id }).execute();
    }
    const patient = (screening_number: string) =>
      q
        .insertInto('patients')
        .values({ screening_number, initials: screening_number === 'S-010' ? 'AB' : 'CD', year_of_birth: 1970, investigator: 'Dr X', stratum: 's', registered_at: AT, randomization_number: `R-${screening_number}`, baseline_date: '2026-01-07', study_id })
        .returning('id')
        .executeTakeFirstOrThrow();
    const { id: first } = await patient('S-010');
    const { id: second } = await patient('S-002');
    const { id: dispensingId } = await q
      .insertInto('dispensings')
      .values({ patient_id: first, visit_code: 'V2', dispensed_at: '2026-01-10T09:00:00.000Z', user_id: techId, signature_id: await signature(techId, 'dispensing', 'S-010:V2') })
      .returning('id')
      .executeTakeFirstOrThrow();
    await q.insertInto('dispensing_kits').values({ dispensing_id: dispensingId, kit_number: '100010', source: 'scanner', study_id }).execute();
    await q
      .insertInto('kit_returns')
      .values({ kit_number: '100010', patient_id: first, returned_at: '2026-01-20T09:00:00.000Z', user_id: techId, condition: 'used', units_returned: 1, units_missing: 0, note: null, source: 'scanner', verified_by: monitorId, verified_at: '2026-01-21T09:00:00.000Z', study_id })
      .execute();
    const { id: destructionId } = await q
      .insertInto('destructions')
      .values({ destroyed_on: '2026-02-01', method: 'Incineration', place: 'Pharmacy', recorded_at: '2026-02-01T15:00:00.000Z', user_id: techId, signature_id: await signature(techId, 'destruction', '1'), witness_id: monitorId, witness_signature_id: await signature(monitorId, 'destruction', '1'), study_id })
      .returning('id')
      .executeTakeFirstOrThrow();
    await q.insertInto('destruction_kits').values({ destruction_id: destructionId, kit_number: '100002', study_id }).execute();
    return { studyId: study_id, scope: studyScope(study_id, code), first, second, dispensingId };
  };
  const { studyId, scope, first, second, dispensingId } = await records('NS-DUPI');
  let seq = 0;
  // An event names its study from migration 18 on; null is an event written before (the first study's).
  const event = (action: string, entity_id: string, before: unknown, after: unknown, username = 'tech', study_code: string | null = null) =>
    q
      .insertInto('audit_events')
      .values({ seq: ++seq, at_utc: `2026-01-0${seq}T12:00:00.000Z`, at_offset: '+00:00', user_id: techId, username, action, entity_type: 'kit', entity_id, before_json: before === null ? null : JSON.stringify(before), after_json: after === null ? null : JSON.stringify(after), prev_hash: `p${seq}`, hash: `h${seq}`, study_code })
      .execute();
  return { techId, monitorId, first, second, signature, event, dispensingId, studyId, scope, records };
}

describe.each(['sqlite', 'postgres'] as const)('the reconciliation repository on %s', (engine) => {
  it("reads each kit's accountability facts through receipt, dispensing, return and destruction", async () => {
    const store = await storeOn(engine);
    const { scope } = await seed(store);
    const facts = (await new ReconciliationRepository(store, scope).kitFacts(undefined, { sealed: true })).sort((a, b) => compareKitNumbers(a.kit_number, b.kit_number));
    expect(facts.map((f) => f.kit_number)).toEqual(['99', '100001', '100002', '100003', '100010']);
    // The blinded view's read: the same facts, without any sealed lot.
    const blinded = (await new ReconciliationRepository(store, scope).kitFacts(undefined, { sealed: false })).sort((a, b) => compareKitNumbers(a.kit_number, b.kit_number));
    expect(blinded).toEqual(facts.map((f) => ({ ...f, lot_sealed: null })));
    const none = { shipment: null, outcome: null, scanned_at: null, screening_number: null, visit_code: null, dispensed_at: null, baseline_date: null, condition: null, units_returned: null, returned_at: null, verified_at: null, destroyed_on: null, destruction_recorded_at: null };
    expect(facts[0]).toEqual({ ...none, kit_number: '99', status: 'lost', blinded_lot: 'BL-1', lot_sealed: 'lot-99', outcome: 'missing', shipment: 'SHIP-1' });
    expect(facts[1]).toEqual({ ...none, kit_number: '100001', status: 'quarantined', blinded_lot: 'BL-1', lot_sealed: 'lot-100001' });
    expect(facts[2]).toEqual({ ...none, kit_number: '100002', status: 'destroyed', blinded_lot: 'BL-1', lot_sealed: 'lot-100002', outcome: 'received', shipment: 'SHIP-1', scanned_at: '2026-01-06T09:00:00.000Z', destroyed_on: '2026-02-01', destruction_recorded_at: '2026-02-01T15:00:00.000Z' });
    expect(facts[4]).toEqual({
      ...none,
      kit_number: '100010',
      status: 'returned',
      blinded_lot: 'BL-1',
      lot_sealed: 'lot-100010',
      outcome: 'received',
      shipment: 'SHIP-1',
      scanned_at: '2026-01-06T09:01:00.000Z',
      screening_number: 'S-010',
      visit_code: 'V2',
      dispensed_at: '2026-01-10T09:00:00.000Z',
      baseline_date: '2026-01-07',
      condition: 'used',
      units_returned: 1,
      returned_at: '2026-01-20T09:00:00.000Z',
      verified_at: '2026-01-21T09:00:00.000Z',
    });
  });

  it('keeps sign-offs and comments, and finds the events after a sign-off', async () => {
    const store = await storeOn(engine);
    const { monitorId, signature, event, scope } = await seed(store);
    const reconciliation = new ReconciliationRepository(store, scope);
    expect(await reconciliation.latestSignOff()).toBeUndefined();
    await event('kit.status_changed', '100003', { status: 'expected' }, { status: 'available' });
    await event('reconciliation.signed', 'abc', null, { snapshotHash: 'abc' }, 'monitor');
    await event('return.verified', '100010', null, { verified: true }, 'monitor');
    await event('return.verified', '100010', null, { verified: true }, 'monitor');
    await event('dispensing.confirmed', '100010', null, {});
    await event('return.recorded', '99', null, { condition: 'missing' });
    const first = await signature(monitorId, 'reconciliation', 'abc');
    const second = await signature(monitorId, 'reconciliation', 'def');
    await reconciliation.insertSignOff({ signedAt: '2026-01-02T12:00:00.000Z', userId: monitorId, signatureId: first, auditSeq: 2, snapshotHash: 'abc', discrepancies: 1 });
    await reconciliation.insertSignOff({ signedAt: '2026-01-03T12:00:00.000Z', userId: monitorId, signatureId: second, auditSeq: 3, snapshotHash: 'def', discrepancies: 2 });
    const latest = await reconciliation.latestSignOff();
    expect(latest).toEqual({ id: expect.any(Number), signedAt: '2026-01-03T12:00:00.000Z', signatureId: second, auditSeq: 3, snapshotHash: 'def', discrepancies: 2 });

    const voiding = ['kit.status_changed', 'return.recorded', 'dispensing.confirmed'];
    expect(await reconciliation.firstEventAfter(2, voiding)).toEqual({ seq: 5, action: 'dispensing.confirmed', username: 'tech', atUtc: '2026-01-05T12:00:00.000Z', entityId: '100010' });
    expect(await reconciliation.firstEventAfter(0, voiding)).toMatchObject({ seq: 1, entityId: '100003' });
    expect(await reconciliation.firstEventAfter(6, voiding)).toBeUndefined();
    // Each kit once, however many events touched it; only events of the actions asked, after the sequence number.
    expect((await reconciliation.kitsTouchedAfter(1, ['return.verified', 'return.recorded'])).sort(compareKitNumbers)).toEqual(['99', '100010']);
    expect(await reconciliation.kitsTouchedAfter(1, ['kit.status_changed'])).toEqual([]);

    await reconciliation.insertComment({ kitNumber: '99', discrepancies: ['missing_at_receipt', 'lost_on_site'], comment: 'Courier confirmed', userId: monitorId, at: '2026-01-04T10:00:00.000Z' });
    await reconciliation.insertComment({ kitNumber: '100002', discrepancies: [], comment: 'Seen', userId: monitorId, at: '2026-01-04T11:00:00.000Z' });
    expect(await reconciliation.comments()).toEqual([
      { kitNumber: '99', discrepancies: ['missing_at_receipt', 'lost_on_site'], comment: 'Courier confirmed', by: 'Paul Roux', at: '2026-01-04T10:00:00.000Z' },
      { kitNumber: '100002', discrepancies: [], comment: 'Seen', by: 'Paul Roux', at: '2026-01-04T11:00:00.000Z' },
    ]);
  });

  it("keeps to its study: another study's kits of the same numbers, its sign-offs and comments change nothing it reads", async () => {
    const store = await storeOn(engine);
    const { monitorId, signature, scope, records, event } = await seed(store);
    const ours = new ReconciliationRepository(store, scope);
    await ours.insertSignOff({ signedAt: '2026-01-02T12:00:00.000Z', userId: monitorId, signatureId: await signature(monitorId, 'reconciliation', 'abc'), auditSeq: 0, snapshotHash: 'abc', discrepancies: 1 });
    await ours.insertComment({ kitNumber: '99', discrepancies: ['missing_at_receipt'], comment: 'Ours', userId: monitorId, at: '2026-01-04T10:00:00.000Z' });
    const read = async () => ({ facts: (await ours.kitFacts(undefined, { sealed: true })).sort((a, b) => compareKitNumbers(a.kit_number, b.kit_number)), signOff: await ours.latestSignOff(), comments: await ours.comments() });
    const before = await read();

    // The same kits, shipment, patients, dispensing, return and destruction in a second study, signed off after ours.
    const other = await records('BRAVE-AA2');
    const theirs = new ReconciliationRepository(store, other.scope);
    await theirs.insertSignOff({ signedAt: '2026-01-03T12:00:00.000Z', userId: monitorId, signatureId: await signature(monitorId, 'reconciliation', 'def'), auditSeq: 0, snapshotHash: 'def', discrepancies: 0 });
    await theirs.insertComment({ kitNumber: '99', discrepancies: [], comment: 'Theirs', userId: monitorId, at: '2026-01-04T11:00:00.000Z' });

    expect(await read()).toEqual(before);
    expect(before.facts).toHaveLength(5);
    expect(await theirs.kitFacts(undefined, { sealed: true })).toHaveLength(5);
    expect(await theirs.latestSignOff()).toMatchObject({ snapshotHash: 'def' });
    expect((await theirs.comments()).map((c) => c.comment)).toEqual(['Theirs']);

    // Their kit 99 moving after both sign-offs voids theirs, not ours; an event of before events named their study
    // (migration 18) is the first study's, and one naming ours is ours.
    const voiding = ['kit.status_changed', 'return.recorded', 'dispensing.confirmed'];
    await event('kit.status_changed', '99', { status: 'available' }, { status: 'lost' }, 'tech', 'BRAVE-AA2');
    expect(await ours.firstEventAfter(0, voiding)).toBeUndefined();
    expect(await ours.kitsTouchedAfter(0, voiding)).toEqual([]);
    expect(await theirs.firstEventAfter(0, voiding)).toMatchObject({ seq: 1, entityId: '99' });
    expect(await theirs.kitsTouchedAfter(0, voiding)).toEqual(['99']);
    await event('return.recorded', '100010', null, { condition: 'used' });
    await event('kit.status_changed', '100003', { status: 'available' }, { status: 'lost' }, 'tech', 'NS-DUPI');
    expect(await ours.firstEventAfter(0, voiding)).toMatchObject({ seq: 2, entityId: '100010' });
    expect((await ours.kitsTouchedAfter(0, voiding)).sort(compareKitNumbers)).toEqual(['100003', '100010']);
    expect(await theirs.kitsTouchedAfter(0, voiding)).toEqual(['99']);
  });
});

describe.each(['sqlite', 'postgres'] as const)('the reports read model on %s', (engine) => {
  it('reads the kits, their stock and the shelf the expiry report lists', async () => {
    const store = await storeOn(engine);
    const { scope } = await seed(store);
    const reads = new ReportReadModel(store, scope);
    const byKit = <T extends { kitNumber: string }>(rows: T[]) => rows.sort((a, b) => compareKitNumbers(a.kitNumber, b.kitNumber));
    expect(byKit(await reads.kitLots()).map((k) => [k.kitNumber, k.blindedLot, k.lotSealed, k.armSealed])).toEqual(
      ['99', '100001', '100002', '100003', '100010'].map((k) => [k, 'BL-1', `lot-${k}`, `arm-${k}`]),
    );
    expect(byKit(await reads.kitStock()).map((k) => [k.kitNumber, k.status])).toEqual([['99', 'lost'], ['100001', 'quarantined'], ['100002', 'destroyed'], ['100003', 'available'], ['100010', 'returned']]);
    expect(await reads.kitsOnShelfForExpiry('available')).toEqual([{ kitNumber: '100003', kitType: null, status: 'available', useBefore: '2026-03-01', blindedLot: 'BL-1', expirySealed: 'exp-100003', lotSealed: 'lot-100003', armSealed: 'arm-100003' }]);
    expect(byKit(await reads.kitsOnShelfForExpiry('available_or_quarantined')).map((k) => k.kitNumber)).toEqual(['100001', '100003']);
  });

  it("reads every movement the accountability log counts, and only those", async () => {
    const store = await storeOn(engine);
    const { event, scope } = await seed(store);
    const reads = new ReportReadModel(store, scope);
    // Received into stock at the shipment's close, by who closed it; the missing kit is not a receipt.
    expect(byKitNumber(await reads.receipts())).toEqual([
      { kitNumber: '100002', at: '2026-01-06T10:00:00.000Z', recordedBy: 'Léa Martin' },
      { kitNumber: '100010', at: '2026-01-06T10:00:00.000Z', recordedBy: 'Léa Martin' },
    ]);
    expect(await reads.dispensedKits()).toEqual([{ kitNumber: '100010', at: '2026-01-10T09:00:00.000Z', patientInitials: 'AB', randomizationNumber: 'R-S-010', recordedBy: 'Léa Martin' }]);
    expect(await reads.returnedKits()).toEqual([{ kitNumber: '100010', at: '2026-01-20T09:00:00.000Z', condition: 'used', patientInitials: 'AB', randomizationNumber: 'R-S-010', recordedBy: 'Léa Martin' }]);
    expect(await reads.dispensedKitNumbers()).toEqual(['100010']);
    expect((await reads.receivedKitNumbers()).sort(compareKitNumbers)).toEqual(['100002', '100010']);
    expect(await reads.destroyedKits()).toEqual([{ kitNumber: '100002', at: '2026-02-01T15:00:00.000Z', recordedBy: 'Léa Martin' }]);

    // Lost from the shelf: available, then lost. Not a kit never received, nor one whose other fields say "lost".
    await event('kit.status_changed', '99', { status: 'expected' }, { status: 'lost' });
    await event('kit.status_changed', '100003', { status: 'available' }, { status: 'lost', step: 'lost' });
    await event('kit.status_changed', '100001', { status: 'available' }, { status: 'quarantined', note: 'lost seal' });
    await event('kit.status_changed', '100010', { status: 'dispensed', was: 'available' }, { status: 'lost' });
    await event('return.recorded', '100002', { status: 'available' }, { status: 'lost' });
    expect(await reads.kitsLostFromShelf()).toEqual([{ kitNumber: '100003', at: '2026-01-02T12:00:00.000Z', recordedBy: 'tech' }]);
  });

  it('reads patients in screening-number order with their emergency flag as 0 or 1, and a history in dispensing then kit order', async () => {
    const store = await storeOn(engine);
    const { techId, first, second, signature, dispensingId, studyId, scope } = await seed(store);
    const q = store.q();
    await q.insertInto('patients').values({ screening_number: 's-001', initials: 'EF', year_of_birth: 1980, investigator: 'Dr X', stratum: 's', registered_at: AT, study_id: studyId }).execute();
    await q.insertInto('emergency_unblindings').values({ patient_id: second, user_id: techId, unblinded_at: AT, reason: 'Reaction', adverse_event: 1, signature_id: await signature(techId, 'emergency', 'S-002') }).execute();
    const reads = new ReportReadModel(store, scope);
    const patients = await reads.patients();
    // Code-unit order ('S' before 's'), as SQLite compared them: never the PostgreSQL collation's.
    expect(patients.map((p) => [p.screeningNumber, p.initials, p.randomizationNumber, p.status, p.emergencyUnblinded])).toEqual([
      ['S-002', 'CD', 'R-S-002', 'registered', 1],
      ['S-010', 'AB', 'R-S-010', 'registered', 0],
      ['s-001', 'EF', null, 'registered', 0],
    ]);
    expect(await reads.patients(first)).toEqual([{ id: first, screeningNumber: 'S-010', initials: 'AB', randomizationNumber: 'R-S-010', status: 'registered', emergencyUnblinded: 0 }]);
    expect(await reads.patients(9999)).toEqual([]);

    // A later dispensing recorded first, and two kits in one dispensing ('99' before '100003' as kit numbers, not as text).
    const { id: later } = await q
      .insertInto('dispensings')
      .values({ patient_id: first, visit_code: 'V3', dispensed_at: '2026-02-10T09:00:00.000Z', user_id: techId, signature_id: await signature(techId, 'dispensing', 'S-010:V3'), out_of_window_reason: 'Patient travelling' })
      .returning('id')
      .executeTakeFirstOrThrow();
    await q.insertInto('dispensing_kits').values([{ dispensing_id: later, kit_number: '100003', source: 'manual', study_id: studyId }, { dispensing_id: later, kit_number: '99', source: 'manual', study_id: studyId }]).execute();
    expect(dispensingId).toBeLessThan(later);
    expect(await reads.dispensingHistory(first)).toEqual([
      { visit: 'V2', dispensedAt: '2026-01-10T09:00:00.000Z', kitNumber: '100010', outOfWindowReason: null, returnCondition: 'used', unitsReturned: 1 },
      { visit: 'V3', dispensedAt: '2026-02-10T09:00:00.000Z', kitNumber: '99', outOfWindowReason: 'Patient travelling', returnCondition: null, unitsReturned: null },
      { visit: 'V3', dispensedAt: '2026-02-10T09:00:00.000Z', kitNumber: '100003', outOfWindowReason: 'Patient travelling', returnCondition: null, unitsReturned: null },
    ]);
    expect(await reads.dispensingHistory(second)).toEqual([]);
  });

  it("keeps to its study: another study's kits, movements and patients of the same numbers are not read", async () => {
    const store = await storeOn(engine);
    const { scope, first, records, event } = await seed(store);
    const ours = new ReportReadModel(store, scope);
    const read = async () => ({
      lots: byKitNumber(await ours.kitLots()),
      stock: byKitNumber(await ours.kitStock()),
      shelf: byKitNumber(await ours.kitsOnShelfForExpiry('available_or_quarantined')),
      receipts: byKitNumber(await ours.receipts()),
      dispensed: await ours.dispensedKits(),
      returned: await ours.returnedKits(),
      dispensedNumbers: await ours.dispensedKitNumbers(),
      receivedNumbers: (await ours.receivedKitNumbers()).sort(compareKitNumbers),
      destroyed: await ours.destroyedKits(),
      patients: await ours.patients(),
      history: await ours.dispensingHistory(first),
    });
    const before = await read();
    const other = await records('BRAVE-AA2');
    expect(await read()).toEqual(before);
    expect(before.history).toHaveLength(1);
    // The other study's patient is not this study's, even asked for by id.
    expect(await ours.patients(other.first)).toEqual([]);
    expect(await ours.dispensingHistory(other.first)).toEqual([]);
    const theirs = new ReportReadModel(store, other.scope);
    expect((await theirs.patients(other.first)).map((p) => p.screeningNumber)).toEqual(['S-010']);
    expect(await theirs.dispensingHistory(other.first)).toEqual(before.history);
    // A kit lost from the other study's shelf is in its accountability log, not in ours.
    await event('kit.status_changed', '100003', { status: 'available' }, { status: 'lost' }, 'tech', 'BRAVE-AA2');
    expect(await ours.kitsLostFromShelf()).toEqual([]);
    expect(await theirs.kitsLostFromShelf()).toEqual([{ kitNumber: '100003', at: '2026-01-01T12:00:00.000Z', recordedBy: 'tech' }]);
  });
});

function byKitNumber<T extends { kitNumber: string }>(rows: T[]): T[] {
  return rows.sort((a, b) => compareKitNumbers(a.kitNumber, b.kitNumber));
}
