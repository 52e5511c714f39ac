import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { afterAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../../main/core/db/database';
import { guardLegacyTransactions } from '../../main/core/db/legacyTransactions';
import { sqliteStore } from '../../main/core/db/store';

/** Issue 13, while the workflows move onto the Store: old synchronous transactions and Store units share a connection. */
const dir = mkdtempSync(join(tmpdir(), 'veil-legacy-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function opened(name: string) {
  const db = openDatabase(join(dir, `${name}.db`));
  const store = sqliteStore(db);
  guardLegacyTransactions(db, store);
  const put = db.transaction((key: string) => db.prepare('INSERT INTO settings (key, value) VALUES (?, ?)').run(key, 'x'));
  const keys = () => (db.prepare('SELECT key FROM settings ORDER BY key').all() as { key: string }[]).map((r) => r.key);
  return { db, store, put, keys };
}

describe('synchronous transactions beside Store units of work', () => {
  it('a synchronous step inside a unit of work is part of it: rolled back with it, kept with it', async () => {
    const { store, put, keys } = opened('nested');
    await expect(
      store.transaction(async () => {
        await store.q().insertInto('settings').values({ key: 'a', value: '1' }).execute();
        put('b');
        throw new Error('half-way');
      }),
    ).rejects.toThrow('half-way');
    expect(keys()).toEqual([]);
    await store.transaction(async () => {
      await store.q().insertInto('settings').values({ key: 'a', value: '1' }).execute();
      put('b');
    });
    expect(keys()).toEqual(['a', 'b']);
  });

  it('a synchronous transaction nested in another still works (no unit of work open)', () => {
    const { db, put, keys } = opened('sync');
    db.transaction(() => {
      put('a');
      put('b');
    })();
    expect(keys()).toEqual(['a', 'b']);
  });

  it("refuses another request's synchronous transaction while a unit of work is open, and the unit's rollback takes nothing of it", async () => {
    const { store, put, keys } = opened('interleaved');
    let other: unknown;
    // Another request, arriving on its own (its timer is set outside the unit of work, as an IPC message would be).
    const arrives = new Promise<void>((resolve) =>
      setTimeout(() => {
        try {
          put('from-another-request');
        } catch (error) {
          other = error;
        }
        resolve();
      }, 5),
    );
    const unit = store.transaction(async () => {
      await store.q().insertInto('settings').values({ key: 'a', value: '1' }).execute();
      // A unit of work that awaits real I/O lets the other request in: the guard must stop its transaction.
      await arrives;
      await nextTurn();
      throw new Error('rolled back');
    });
    await expect(unit).rejects.toThrow('rolled back');
    expect(String(other)).toMatch(/another request's unit of work/);
    expect(keys()).toEqual([]);
    put('after');
    expect(keys()).toEqual(['after']);
  });
});
