import { describe, expect, it } from 'vitest';
import { testStores } from '../helpers/stores';
import { type Engine, type Store } from '../../main/core/db/store';
import { EmergencyRepository } from '../../main/core/emergency/emergencyRepository';
import { studyScope } from '../../main/core/study/studyScope';
import { addStudy } from '../helpers/studyRows';

/** Issue 13, item 2: the emergency unblindings' SQL on the Store, the same answers on both engines; never an arm. */
const stores = testStores('emergency');
const storeOn = (engine: Engine) => stores.open(engine);

const at = '2026-02-10T14:30:00.000Z';

/** Two users, a signature each, a randomization list of two numbers and two randomized patients. */
async function seed(store: Store) {
  const q = store.q();
  const studyId = await addStudy(store);
  const user = async (username: string, display_name: string) =>
    (await q.insertInto('users').values({ username, display_name, role: 'investigator', password_hash: 'x', created_at: at }).returning('id').executeTakeFirstOrThrow()).id;
  const investigator = await user('inv', 'Dr Inès Moreau (investigator)');
  const nurse = await user('nurse', 'Paul Girard (study nurse)');
  const signature = async (userId: number) =>
    (
      await q
        .insertInto('signatures')
        .values({ user_id: userId, printed_name: 'x', meaning: 'Emergency unblinding', signed_at_utc: at, record_type: 'emergency_unblinding', record_id: 'S-001', record_hash: 'h' })
        .returning('id')
        .executeTakeFirstOrThrow()
    ).id;
  const signatureId = await signature(investigator);
  const importId = (
    await q
      .insertInto('list_imports')
      .values({ kind: 'randomization', file_name: 'r.csv', sha256: 's', row_count: 2, imported_at: at, user_id: investigator, signature_id: await signature(investigator), study_id: studyId })
      .returning('id')
      .executeTakeFirstOrThrow()
  ).id;
  const patient = async (screening_number: string, randomization_number: string, list_order: number) => {
    await q.insertInto('randomization_slots').values({ randomization_number, list_order, stratum: 'ALL', arm_sealed: 'sealed', import_id: importId, study_id: studyId }).execute();
    return (
      await q
        .insertInto('patients')
        .values({ screening_number, initials: 'AB', year_of_birth: 1970, investigator: 'Dr Inès Moreau', stratum: 'ALL', status: 'randomized', randomization_number, baseline_date: '2026-01-10', registered_at: at, study_id: studyId })
        .returning('id')
        .executeTakeFirstOrThrow()
    ).id;
  };
  return { investigator, nurse, signatureId, first: await patient('S-001', 'R001', 1), second: await patient('S-002', 'R002', 2) };
}

describe.each(['sqlite', 'postgres'] as const)('the emergency repository on %s', (engine) => {
  it('records unblindings and reads them back with who, when, why and which patient, oldest first', async () => {
    const { store } = await storeOn(engine);
    const s = await seed(store);
    const emergency = new EmergencyRepository(store, studyScope(1));
    expect(await emergency.records()).toEqual([]);
    expect(await emergency.unblindedPatientIds()).toEqual(new Set());

    const one = await emergency.insertUnblinding({ patientId: s.second, userId: s.investigator, at, reason: 'Anaphylaxis', adverseEvent: true, signatureId: s.signatureId });
    const two = await emergency.insertUnblinding({ patientId: s.second, userId: s.investigator, at: '2026-02-11T08:00:00.000Z', reason: 'Surgery', adverseEvent: false, signatureId: s.signatureId });
    expect(typeof one).toBe('number');
    expect(two).toBeGreaterThan(one);
    const first = { id: one, patientId: s.second, screeningNumber: 'S-002', randomizationNumber: 'R002', unblindedAt: at, by: 'Dr Inès Moreau (investigator)', reason: 'Anaphylaxis', adverseEvent: true, sponsorNotified: null };
    expect(await emergency.record(one)).toEqual(first);
    expect(await emergency.record(two)).toMatchObject({ id: two, adverseEvent: false, reason: 'Surgery' });
    expect(await emergency.record(two + 1)).toBeUndefined();
    expect((await emergency.records()).map((r) => r.id)).toEqual([one, two]);
    // Twice the same patient: one flag.
    expect(await emergency.unblindedPatientIds()).toEqual(new Set([s.second]));
  });

  it("records the sponsor's notification once, by whom and when, with its reference", async () => {
    const { store } = await storeOn(engine);
    const s = await seed(store);
    const emergency = new EmergencyRepository(store, studyScope(1));
    const id = await emergency.insertUnblinding({ patientId: s.first, userId: s.investigator, at, reason: 'Anaphylaxis', adverseEvent: true, signatureId: s.signatureId });
    await emergency.insertSponsorNotification({ unblindingId: id, userId: s.nurse, at: '2026-02-10T16:00:00.000Z', reference: 'CIOMS-2026-014' });
    expect((await emergency.record(id))!.sponsorNotified).toEqual({ at: '2026-02-10T16:00:00.000Z', by: 'Paul Girard (study nurse)', reference: 'CIOMS-2026-014' });
    expect((await emergency.records())[0]!.sponsorNotified).toEqual({ at: '2026-02-10T16:00:00.000Z', by: 'Paul Girard (study nurse)', reference: 'CIOMS-2026-014' });
    await expect(emergency.insertSponsorNotification({ unblindingId: id, userId: s.nurse, at, reference: null })).rejects.toThrow();
    const other = await emergency.insertUnblinding({ patientId: s.second, userId: s.investigator, at, reason: 'Overdose', adverseEvent: false, signatureId: s.signatureId });
    await emergency.insertSponsorNotification({ unblindingId: other, userId: s.investigator, at, reference: null });
    expect((await emergency.record(other))!.sponsorNotified).toEqual({ at, by: 'Dr Inès Moreau (investigator)', reference: null });
  });

  it('writes inside the unit of work it is called in: a unit that fails keeps none of it', async () => {
    const { store } = await storeOn(engine);
    const s = await seed(store);
    const emergency = new EmergencyRepository(store, studyScope(1));
    await expect(
      store.transaction(async () => {
        const id = await emergency.insertUnblinding({ patientId: s.first, userId: s.investigator, at, reason: 'Anaphylaxis', adverseEvent: true, signatureId: s.signatureId });
        await emergency.insertSponsorNotification({ unblindingId: id, userId: s.nurse, at, reference: null });
        expect(await emergency.unblindedPatientIds()).toEqual(new Set([s.first]));
        throw new Error('the step fails after its writes');
      }),
    ).rejects.toThrow('the step fails');
    expect(await emergency.records()).toEqual([]);
    expect(await emergency.unblindedPatientIds()).toEqual(new Set());
  });
});
