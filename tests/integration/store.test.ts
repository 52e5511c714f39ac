import { setImmediate as nextTurn } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { testStores } from '../helpers/stores';
import { type Engine, type Store, type StoreOptions } from '../../main/core/db/store';

/**
 * Issue 13, item 2: one query layer, two engines, and a unit of work that is entirely done or not done on both, also
 * when requests (or workstations) run at once.
 */
const stores = testStores('store');
const storeOn = async (engine: Engine, options: StoreOptions = {}): Promise<Store> => (await stores.open(engine, { ...options, poolSize: 20 })).store;

const readCounter = async (store: Store) =>
  Number((await store.q().selectFrom('settings').select('value').where('key', '=', 'counter').executeTakeFirst())?.value ?? 'NaN');

/** A read-modify-write of one row, with an await between the read and the write (where another request gets in). */
const increment = (store: Store) =>
  store.transaction(async () => {
    const value = await readCounter(store);
    await nextTurn();
    await store.q().updateTable('settings').set({ value: String(value + 1) }).where('key', '=', 'counter').execute();
  });

describe.each(['sqlite', 'postgres'] as const)('the store on %s', (engine) => {
  it('writes and reads typed rows', async () => {
    const store = await storeOn(engine);
    await store.q().insertInto('settings').values({ key: 'site_name', value: 'Hôpital Saint-Louis' }).execute();
    expect(await store.q().selectFrom('settings').selectAll().where('key', '=', 'site_name').execute()).toEqual([{ key: 'site_name', value: 'Hôpital Saint-Louis' }]);
    const count = await store.q().selectFrom('settings').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
    expect(count.n).toBe(1);
  });

  it('keeps nothing of a unit of work that fails half-way, and everything of one that ends', async () => {
    const store = await storeOn(engine);
    await expect(
      store.transaction(async () => {
        await store.q().insertInto('settings').values({ key: 'a', value: '1' }).execute();
        await store.q().insertInto('settings').values({ key: 'a', value: 'duplicate' }).execute();
      }),
    ).rejects.toThrow();
    expect(await store.q().selectFrom('settings').selectAll().execute()).toEqual([]);
    await store.transaction(async () => {
      await store.q().insertInto('settings').values({ key: 'a', value: '1' }).execute();
      await store.q().insertInto('settings').values({ key: 'b', value: '2' }).execute();
    });
    expect((await store.q().selectFrom('settings').select('key').orderBy('key').execute()).map((r) => r.key)).toEqual(['a', 'b']);
  });

  it('joins an inner unit of work to the outer one: one rollback undoes both', async () => {
    const store = await storeOn(engine);
    await expect(
      store.transaction(async () => {
        await store.transaction(async () => {
          await store.q().insertInto('settings').values({ key: 'inner', value: '1' }).execute();
        });
        throw new Error('the step fails after its inner part');
      }),
    ).rejects.toThrow('the step fails');
    expect(await store.q().selectFrom('settings').selectAll().execute()).toEqual([]);
  });

  it('runs a prepared query many times with new values, inside the unit of work it is called in', async () => {
    const store = await storeOn(engine);
    const put = store.prepare((q, key: string, value: string) => q.insertInto('settings').values({ key, value }));
    const get = store.prepare((q, key: string) => q.selectFrom('settings').select(['key', 'value']).where('key', '=', key));
    for (let i = 0; i < 5; i++) await put.run(`k${i}`, `v${i}`);
    expect(await get.run('k3')).toEqual([{ key: 'k3', value: 'v3' }]);
    expect(await get.run('k4')).toEqual([{ key: 'k4', value: 'v4' }]);
    expect(await get.run('none')).toEqual([]);
    // Run inside a unit of work that fails, a prepared insert leaves nothing.
    await expect(
      store.transaction(async () => {
        await put.run('rolled-back', 'x');
        throw new Error('step fails');
      }),
    ).rejects.toThrow('step fails');
    expect(await get.run('rolled-back')).toEqual([]);
  });

  it('refuses to prepare a query that does not use one of its parameters as a value', async () => {
    const store = await storeOn(engine);
    expect(() => store.prepare((q, _key: string) => q.selectFrom('settings').selectAll().where('key', '=', 'fixed'))).toThrow(/parameter 1 is not used/);
  });

  it("checks a guarded call's condition in each unit of work that writes, just before its commit, and rolls it back when refused", async () => {
    const store = await storeOn(engine);
    const closed = async () => (await store.q().selectFrom('settings').select('key').where('key', '=', 'closed').executeTakeFirst()) !== undefined;
    const checks: string[] = [];
    const check = async () => {
      checks.push('checked');
      if (await closed()) throw new Error('closed meanwhile');
    };
    // Open: the write lands; the check ran once, at the outer unit's commit (the inner one joined it).
    await store.guarded(check, () =>
      store.transaction(async () => {
        await store.q().insertInto('settings').values({ key: 'first', value: '1' }).execute();
        await store.transaction(async () => store.q().insertInto('settings').values({ key: 'second', value: '2' }).execute());
      }),
    );
    expect(checks).toEqual(['checked']);
    // A unit that only reads is not checked, nor work sent outside the call's units of work.
    await store.guarded(check, async () => {
      await store.transaction(async () => store.q().selectFrom('settings').selectAll().execute());
      await store.outside(() => store.transaction(async () => store.q().insertInto('settings').values({ key: 'outside', value: '1' }).execute()));
    });
    expect(checks).toEqual(['checked']);
    // Closed after the call began (as by another workstation): the condition is read in the unit of work, which rolls back.
    await expect(
      store.guarded(check, async () => {
        await store.q().insertInto('settings').values({ key: 'closed', value: 'by another workstation' }).execute();
        await store.transaction(async () => store.q().insertInto('settings').values({ key: 'late', value: '1' }).execute());
      }),
    ).rejects.toThrow('closed meanwhile');
    expect((await store.q().selectFrom('settings').select('key').orderBy('key').execute()).map((r) => r.key)).toEqual(['closed', 'first', 'outside', 'second']);
  });

  it('loses no update when 25 requests change the same row at once', async () => {
    const store = await storeOn(engine);
    await store.q().insertInto('settings').values({ key: 'counter', value: '0' }).execute();
    await Promise.all(Array.from({ length: 25 }, () => increment(store)));
    expect(await readCounter(store)).toBe(25);
  });
});

describe('the store on postgres without retries', () => {
  it('fails concurrent units of work that conflict: the retry is what makes them all land', async () => {
    const store = await storeOn('postgres', { maxAttempts: 1 });
    await store.q().insertInto('settings').values({ key: 'counter', value: '0' }).execute();
    const results = await Promise.allSettled(Array.from({ length: 25 }, () => increment(store)));
    const failed = results.filter((r) => r.status === 'rejected');
    expect(failed.length).toBeGreaterThan(0);
    // Out of turns, each is refused in words a person can act on (never an unexpected problem).
    for (const r of failed) expect((r as PromiseRejectedResult).reason).toMatchObject({ code: 'conflict', key: 'storage.busy', message: expect.stringMatching(/could not get its turn after 1 tries: nothing was changed/) });
    // Nothing half-done: every success is counted, every failure left no trace.
    expect(await readCounter(store)).toBe(25 - failed.length);
  });
});

describe('the store on sqlite', () => {
  it('refuses a query on the database itself from inside a unit of work, which would wait for its own transaction', async () => {
    const store = await storeOn('sqlite');
    const root = store.q();
    await expect(store.transaction(async () => root.selectFrom('settings').selectAll().execute())).rejects.toThrow(/outside the unit of work/);
    // The refused query did not keep the connection: the next unit of work runs.
    await store.transaction(async () => store.q().insertInto('settings').values({ key: 'after', value: '1' }).execute());
    expect(await store.q().selectFrom('settings').select('key').execute()).toEqual([{ key: 'after' }]);
  });

  it("runs a prepared read at once when nothing else holds the connection, and never inside another unit of work's transaction", async () => {
    const store = await storeOn('sqlite');
    const read = store.prepare((q, key: string) => q.selectFrom('settings').select('value').where('key', '=', key));
    await store.q().insertInto('settings').values({ key: 'a', value: 'committed' }).execute();
    expect(await read.run('a')).toEqual([{ value: 'committed' }]);
    // Another unit of work writes, then waits before it rolls back: a read from outside it waits its turn and never
    // sees the uncommitted value (run straight on the connection, it would have: the transaction is open on it).
    let letGo!: () => void;
    const gate = new Promise<void>((resolve) => (letGo = resolve));
    let written!: () => void;
    const wrote = new Promise<void>((resolve) => (written = resolve));
    const failing = store.transaction(async () => {
      await store.q().updateTable('settings').set({ value: 'uncommitted' }).where('key', '=', 'a').execute();
      written();
      await gate;
      throw new Error('rolled back');
    });
    await wrote;
    const seen = read.run('a');
    letGo();
    await expect(failing).rejects.toThrow('rolled back');
    expect(await seen).toEqual([{ value: 'committed' }]);
    // Inside a unit of work, the same prepared read sees its own write.
    expect(await store.transaction(async () => {
      await store.q().updateTable('settings').set({ value: 'mine' }).where('key', '=', 'a').execute();
      return read.run('a');
    })).toEqual([{ value: 'mine' }]);
  });
});
