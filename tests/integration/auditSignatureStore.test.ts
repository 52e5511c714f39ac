import { describe, expect, it } from 'vitest';
import { testStores } from '../helpers/stores';
import { AuditRepository } from '../../main/core/audit/auditRepository';
import { AuditTrail } from '../../main/core/audit/auditTrail';
import { SignatureRepository } from '../../main/core/signatures/signatureRepository';
import { type Engine, type Store } from '../../main/core/db/store';
import { FakeClock } from '../helpers/core';

/** Issue 13: the audit trail and signatures on the Store, the same answers on both engines, one chain under concurrency. */
const stores = testStores('auditsignatures');
const system = { userId: null, username: 'system' };

function trailOn(store: Store) {
  return new AuditTrail(store, new AuditRepository(store), new FakeClock());
}

describe.each(['sqlite', 'postgres'] as const)('the audit trail and signatures on %s', (engine: Engine) => {
  it("names the current study on a study's events, none on the site's, the one given where the action does not decide; the hash covers it", async () => {
    const { store } = await stores.open(engine);
    let current: string | null = null;
    const trail = new AuditTrail(store, new AuditRepository(store), new FakeClock(), () => current);
    const append = (action: string, study?: string | null) => store.transaction(() => trail.append(system, { action, entityType: 'kit', entityId: '1', ...(study === undefined ? {} : { study }) }));
    // No study loaded yet: nothing to name.
    expect((await append('kit.status_changed')).study).toBeNull();
    current = 'NS-DUPI';
    expect((await append('kit.status_changed')).study).toBe('NS-DUPI');
    expect((await append('dispensing.confirmed')).study).toBe('NS-DUPI');
    // An action the scope list does not know is taken as the study's.
    expect((await append('zz.unknown')).study).toBe('NS-DUPI');
    expect((await append('session.login')).study).toBeNull();
    expect((await append('user.created')).study).toBeNull();
    expect((await append('credential.failed', 'BRAVE-AA2')).study).toBe('BRAVE-AA2');
    expect((await append('study.loaded', 'BRAVE-AA2')).study).toBe('BRAVE-AA2');
    expect((await trail.page({ study: 'NS-DUPI' }, { order: 'oldest', offset: 0, limit: 10 })).events.map((e) => e.action)).toEqual(['kit.status_changed', 'dispensing.confirmed', 'zz.unknown']);
    expect((await trail.facets()).studies).toEqual(['BRAVE-AA2', 'NS-DUPI']);
    expect(await trail.verifyChain()).toEqual({ ok: true, events: 8 });
    await store.close();
  });

  it('appends only inside a unit of work, seals, pages, facets and verifies the chain', async () => {
    const { store } = await stores.open(engine);
    const trail = trailOn(store);
    await expect(trail.append(system, { action: 'x.y', entityType: 'x', entityId: '1' })).rejects.toThrow(/unit of work/);
    expect(await trail.seal()).toEqual({ seq: 0, hash: '0'.repeat(64) });
    await store.transaction(async () => {
      for (let i = 1; i <= 5; i++) await trail.append({ userId: null, username: i % 2 ? 'b' : 'a' }, { action: `act.${i % 2}`, entityType: 'kit', entityId: String(i), after: { i } });
    });
    const seal = await trail.seal();
    expect(seal.seq).toBe(5);
    const page = await trail.page({ entityType: 'kit' }, { order: 'newest', offset: 1, limit: 2 });
    expect(page.total).toBe(5);
    expect(page.events.map((e) => e.entityId)).toEqual(['4', '3']);
    expect((await trail.page({ username: 'a' }, { order: 'oldest', offset: 0, limit: 10 })).total).toBe(2);
    expect(await trail.facets()).toEqual({ usernames: ['a', 'b'], actions: ['act.0', 'act.1'], entityTypes: ['kit'], studies: [] });
    expect(await trail.verifyChain()).toEqual({ ok: true, events: 5 });
    // A rolled-back unit of work leaves no event.
    await store.transaction(async () => {
      await trail.append(system, { action: 'gone', entityType: 'x', entityId: '1' });
      throw new Error('rolled back');
    }).catch(() => undefined);
    expect(await trail.seal()).toEqual(seal);
    await store.close();
  });

  it('records a signature bound to the chain head, and reads it back by record and by id', async () => {
    const { store } = await stores.open(engine);
    const trail = trailOn(store);
    const signatures = new SignatureRepository(store);
    const userId = (await store.q().insertInto('users').values({ username: 'ph', display_name: 'P', role: 'unblinded_pharmacist', password_hash: 'x', created_at: 'now' }).returning('id').executeTakeFirstOrThrow()).id;
    const id = await store.transaction(async () => {
      await trail.append(system, { action: 'x', entityType: 'x', entityId: '1' });
      const head = await trail.seal();
      return signatures.insert({ userId, printedName: 'P', meaning: 'Dispensing', signedAtUtc: 'now', recordType: 'dispensing', recordId: '7', recordHash: 'h', chainSeq: head.seq, chainHash: head.hash });
    });
    const [signature] = await signatures.forRecord('dispensing', '7');
    expect(signature).toMatchObject({ id, printedName: 'P', meaning: 'Dispensing', recordType: 'dispensing', recordId: '7', chainSeq: 1 });
    expect(await signatures.byId(id)).toEqual(signature);
    await store.close();
  });
});

describe('two workstations appending at once (PostgreSQL)', () => {
  it('leaves one unbroken chain: the loser of each race runs again on the new head', async () => {
    const { store } = await stores.open('postgres', { poolSize: 4 });
    const trail = trailOn(store);
    await Promise.all(
      Array.from({ length: 8 }, (_, i) =>
        store.transaction(async () => {
          // Something read first, as a workflow does, so the snapshot predates the other appends.
          await store.q().selectFrom('users').select('id').execute();
          await trail.append(system, { action: 'race', entityType: 'x', entityId: String(i) });
        }),
      ),
    );
    expect(await trail.verifyChain()).toEqual({ ok: true, events: 8 });
    await store.close();
  });
});
