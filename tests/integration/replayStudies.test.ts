import { describe, expect, it } from 'vitest';
import type { StoredAuditEvent } from '../../main/core/audit/auditRepository';
import { PostgresRecordedStateRepository } from '../../main/core/audit/postgresRecordedStateRepository';
import type { RecordedState } from '../../main/core/audit/recordedState';
import { RecordedStateRepository } from '../../main/core/audit/recordedStateRepository';
import { StudiesOfRecord, TrailReplay, type ReplayFinding } from '../../main/core/audit/trailReplay';
import type { Engine, Store } from '../../main/core/db/store';
import { testStores } from '../helpers/stores';
import { addStudy } from '../helpers/studyRows';

/**
 * `veil verify`'s replay of the trail against the tables with two studies that number alike (issue 14, migration 20):
 * NS-DUPI's kit 1001 was dispensed to its S-001, BRAVE-AA2's kit 1001 is on the shelf and its S-001 registered only.
 * Keyed by number alone, the last event of "1001" would stand for both kits and one of them would be reported changed.
 */
const stores = testStores('replay-studies');
const at = '2026-03-02T09:00:00.000Z';

async function twoStudies(store: Store): Promise<void> {
  const q = store.q();
  const userId = (await q.insertInto('users').values({ username: 'ph', display_name: 'P', role: 'unblinded_pharmacist', password_hash: 'x', created_at: at }).returning('id').executeTakeFirstOrThrow()).id;
  const signatureId = (
    await q.insertInto('signatures').values({ user_id: userId, printed_name: 'P', meaning: 'm', signed_at_utc: at, record_type: 't', record_id: '1', record_hash: 'h' }).returning('id').executeTakeFirstOrThrow()
  ).id;
  for (const code of ['NS-DUPI', 'BRAVE-AA2']) {
    const study_id = await addStudy(store, code);
    const import_id = (
      await q.insertInto('list_imports').values({ kind: 'kits', file_name: 'k.csv', sha256: 's', row_count: 1, imported_at: at, user_id: userId, signature_id: signatureId, study_id }).returning('id').executeTakeFirstOrThrow()
    ).id;
    await q.insertInto('randomization_slots').values({ randomization_number: 'R001', list_order: 1, stratum: 'ALL', arm_sealed: 'a', import_id, study_id }).execute();
    const dispensed = code === 'NS-DUPI';
    await q.insertInto('kits').values({ kit_number: '1001', arm_sealed: 'a', lot_sealed: 'l', expiry_sealed: 'e', blinded_lot: 'BL', use_before: '2027-06-30', status: dispensed ? 'dispensed' : 'available', import_id, study_id }).execute();
    const shipment_id = (await q.insertInto('shipments').values({ reference: 'SH-1', created_at: at, created_by: userId, study_id }).returning('id').executeTakeFirstOrThrow()).id;
    await q.insertInto('shipment_kits').values({ shipment_id, kit_number: '1001', outcome: 'received', scanned_at: at, source: 'scanner', study_id }).execute();
    const patientId = (
      await q
        .insertInto('patients')
        .values({ screening_number: 'S-001', initials: 'AB', year_of_birth: 1970, investigator: 'Dr', stratum: 'ALL', registered_at: at, study_id, ...(dispensed ? { status: 'randomized', randomization_number: 'R001', baseline_date: '2026-03-02' } : {}) })
        .returning('id')
        .executeTakeFirstOrThrow()
    ).id;
    if (dispensed) {
      const dispensingId = (await q.insertInto('dispensings').values({ patient_id: patientId, visit_code: 'D1', dispensed_at: at, user_id: userId, signature_id: signatureId }).returning('id').executeTakeFirstOrThrow()).id;
      await q.insertInto('dispensing_kits').values({ dispensing_id: dispensingId, kit_number: '1001', source: 'scanner', study_id }).execute();
    }
  }
}

/** The trail that explains both studies' rows: NS-DUPI's events written before events named a study (migration 18). */
function trail(): StoredAuditEvent[] {
  let seq = 0;
  const event = (study_code: string | null, action: string, entity_type: string, entity_id: string, before: unknown, after: unknown): StoredAuditEvent => ({
    seq: ++seq,
    at_utc: at,
    at_offset: '+00:00',
    user_id: 1,
    username: 'ph',
    action,
    entity_type,
    entity_id,
    before_json: before === null ? null : JSON.stringify(before),
    after_json: after === null ? null : JSON.stringify(after),
    reason: null,
    source: null,
    signature_id: null,
    prev_hash: '',
    hash: '',
    study_code,
  });
  return [
    event(null, 'shipment.kit_received', 'kit', '1001', null, { outcome: 'received' }),
    event(null, 'kit.status_changed', 'kit', '1001', { status: 'expected' }, { status: 'available' }),
    event(null, 'patient.registered', 'patient', 'S-001', null, {}),
    event(null, 'patient.randomized', 'patient', 'S-001', null, { randomizationNumber: 'R001', baselineDate: '2026-03-02' }),
    event(null, 'dispensing.confirmed', 'patient', 'S-001', null, { visit: 'D1', kits: ['1001'] }),
    event(null, 'kit.status_changed', 'kit', '1001', { status: 'available' }, { status: 'dispensed' }),
    // Then BRAVE-AA2's kit 1001 and patient S-001, named by their study.
    event('BRAVE-AA2', 'shipment.kit_received', 'kit', '1001', null, { outcome: 'received' }),
    event('BRAVE-AA2', 'kit.status_changed', 'kit', '1001', { status: 'expected' }, { status: 'available' }),
    event('BRAVE-AA2', 'patient.registered', 'patient', 'S-001', null, {}),
    // The site's user, named by no study.
    event(null, 'user.created', 'user', 'ph', null, { role: 'unblinded_pharmacist' }),
  ];
}

async function replayed(state: RecordedState): Promise<ReplayFinding[]> {
  const findings: ReplayFinding[] = [];
  const replay = new TrailReplay((f) => findings.push(f), new StudiesOfRecord(await state.studies()));
  for (const e of trail()) replay.observe(e);
  await replay.compare(state);
  return findings;
}

async function findingsOn(engine: Engine, plant?: (store: Store) => Promise<unknown>): Promise<ReplayFinding[]> {
  const { store, db } = await stores.open(engine);
  await twoStudies(store);
  if (plant) await plant(store);
  return db ? replayed(new RecordedStateRepository(db)) : PostgresRecordedStateRepository.inSnapshot(store.q(), (state) => replayed(state));
}

describe.each(['sqlite', 'postgres'] as const)("verify's replay with two studies numbering alike, on %s", (engine) => {
  it('finds every row of both studies explained by its own study\'s events', async () => {
    expect(await findingsOn(engine)).toEqual([]);
  });

  it('names the study of a changed row when it is not the first, and leaves the other study\'s kit of that number alone', async () => {
    const findings = await findingsOn(engine, (store) => store.q().updateTable('kits').set({ status: 'lost' }).where('study_id', '=', 2).where('kit_number', '=', '1001').execute());
    expect(findings.map((f) => f.text)).toEqual([`kit 1001 (BRAVE-AA2): its status is "lost", but its audit events leave it "available" (event 8, ${at}): the row was changed without its event`]);
  });

  it('names a row of the first study as before', async () => {
    const findings = await findingsOn(engine, (store) => store.q().updateTable('patients').set({ status: 'withdrawn' }).where('study_id', '=', 1).execute());
    expect(findings.map((f) => f.text)).toEqual([`patient S-001: its status is "withdrawn", but its audit events leave it "randomized" (event 4, ${at}): the row was changed without its event`]);
  });
});
