import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PostgresRecordedStateRepository } from '../../main/core/audit/postgresRecordedStateRepository';
import type { RecordedState } from '../../main/core/audit/recordedState';
import { RecordedStateRepository } from '../../main/core/audit/recordedStateRepository';
import { verifyRecord } from '../../main/core/audit/recordVerification';
import type { DelegationLine } from '../../shared/contract/delegations';
import { demoCore, TEST_ENGINE, type TestCore } from '../helpers/core';

/**
 * `veil verify` holds the delegation log to its events (issue 14, item 2): a delegation is what lets a user work in a
 * study in a role, so a row written, changed or deleted without its event is a finding, as for kits and patients.
 */
let t: TestCore;
beforeAll(async () => {
  t = await demoCore();
  const admin = await t.loginAs('administrator', 'admin');
  const sign = { username: t.userOf('administrator').username, password: t.userOf('administrator').password };
  const idOf = async (role: Parameters<TestCore['userOf']>[0]) => (await t.core.repositories.users.byUsername(t.userOf(role).username))!.id;
  const call = async (channel: string, input: unknown) => {
    const result = await t.core.dispatch(admin, channel, input);
    if (!result.ok) throw new Error(`${channel}: ${result.error.message}`);
    return result.value;
  };
  // A role change, an end, and an account created with its delegation: every kind of event the log has.
  await call('delegations.grant', { userId: await idOf('investigator'), role: 'study_nurse', startsOn: '2026-11-25', endsOn: '2026-12-31', reason: 'Covers the visits', signature: sign });
  const log = (await call('delegations.log', {})) as DelegationLine[];
  await call('delegations.end', { delegationId: log.find((l) => l.role === 'monitor')!.id, reason: 'Left the team', signature: { password: sign.password } });
  await call('users.create', { username: 'new.tech', displayName: 'New Technician', role: 'pharmacy_technician', temporaryPassword: 'temporary password 3' });
}, 120_000);
afterAll(() => t?.dispose());

async function findings(): Promise<string[]> {
  const texts = async (state: RecordedState) => (await verifyRecord(state)).findings.map((f) => f.text);
  return TEST_ENGINE === 'sqlite' ? texts(new RecordedStateRepository(t.core.db)) : PostgresRecordedStateRepository.inSnapshot(t.core.store.q(), texts);
}
const delegationOf = async (username: string, role: string) => {
  const user = (await t.core.repositories.users.byUsername(username))!;
  return (await t.core.store.q().selectFrom('delegations').select(['id', 'role']).where('user_id', '=', user.id).where('role', '=', role).executeTakeFirstOrThrow()).id;
};

describe('verify and the delegation log', () => {
  it('finds nothing after grants, a role change, an end and an account with its delegation', async () => {
    expect(await findings()).toEqual([]);
  });

  it('finds a delegation whose role was changed in the table', async () => {
    const id = await delegationOf(t.userOf('pharmacy_technician').username, 'pharmacy_technician');
    await t.core.store.q().updateTable('delegations').set({ role: 'unblinded_pharmacist' }).where('id', '=', id).execute();
    try {
      expect(await findings()).toEqual([expect.stringMatching(/^the delegation log of user technician: the table has unblinded_pharmacist from .*, but its audit events leave pharmacy_technician from .*: the row was changed without its event$/)]);
    } finally {
      await t.core.store.q().updateTable('delegations').set({ role: 'pharmacy_technician' }).where('id', '=', id).execute();
    }
  });

  it('finds an ended delegation brought back in the table', async () => {
    const id = await delegationOf(t.userOf('monitor').username, 'monitor');
    const row = await t.core.store.q().selectFrom('delegations').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
    await t.core.store.q().updateTable('delegations').set({ ended_at: null, ends_on: null }).where('id', '=', id).execute();
    try {
      expect(await findings()).toEqual([expect.stringMatching(/^the delegation log of user monitor: the table has monitor from \S+, but its audit events leave monitor from \S+ to \S+, ended/)]);
    } finally {
      await t.core.store.q().updateTable('delegations').set({ ended_at: row.ended_at, ends_on: row.ends_on }).where('id', '=', id).execute();
    }
  });

  it('finds a delegation written without its event, even one made to look carried over from the upgrade', async () => {
    const nurse = (await t.core.repositories.users.byUsername(t.userOf('study_nurse').username))!;
    const { id } = await t.core.store
      .q()
      .insertInto('delegations')
      .values({ user_id: nurse.id, study_id: 1, role: 'unblinded_monitor', starts_on: '2026-11-25', granted_at: '2026-11-25T09:00:00.000Z' })
      .returning('id')
      .executeTakeFirstOrThrow();
    try {
      expect(await findings()).toEqual([expect.stringMatching(/^the delegation log of user nurse: a delegation as unblinded_monitor from 2026-11-25 has no grantor, signature or reason/)]);
      await t.core.store.q().updateTable('delegations').set({ reason: 'Looks real' }).where('id', '=', id).execute();
      expect(await findings()).toEqual(['the delegation log of user nurse: a delegation as unblinded_monitor from 2026-11-25 is in the table, but no audit event grants it: the row was written without its event']);
    } finally {
      await t.core.store.q().deleteFrom('delegations').where('id', '=', id).execute();
    }
    expect(await findings()).toEqual([]);
  });

  it('finds a delegation deleted without its event', async () => {
    const id = await delegationOf('new.tech', 'pharmacy_technician');
    const row = await t.core.store.q().selectFrom('delegations').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
    await t.core.store.q().deleteFrom('delegations').where('id', '=', id).execute();
    try {
      expect(await findings()).toEqual([expect.stringMatching(/^the delegation log of user new.tech: event \d+, .* granted a delegation as pharmacy_technician from 2026-11-25, but there is no such row/)]);
    } finally {
      await t.core.store.q().insertInto('delegations').values(row).execute();
    }
  });
});
