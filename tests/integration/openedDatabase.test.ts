import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { migrations } from '../../main/core/db/migrations/index';
import type { DatabaseLocation } from '../../main/core/db/location';
import { openDatabaseAt, type OpenedDatabase } from '../../main/core/db/openedDatabase';
import { parsePostgresUrl } from '../../main/core/db/postgres';
import { openVeilCoreInternals } from '../../main/core/veilCore';
import { createPostgresDatabase } from '../helpers/postgres';

/**
 * Issue 13, item 4: the core opens its database through one module whatever the engine; what differs between an
 * SQLite file and a PostgreSQL server (schema version, where the anchors go, how a storage fault is said) is
 * answered there once.
 */
const folders: string[] = [];
const opened: OpenedDatabase[] = [];
const folder = () => {
  const dir = mkdtempSync(join(tmpdir(), 'veil-opened-'));
  folders.push(dir);
  return dir;
};
afterAll(async () => {
  await Promise.all(opened.map((o) => o.close()));
  for (const dir of folders) rmSync(dir, { recursive: true, force: true });
});

async function openAt(location: DatabaseLocation, dataFolder?: string): Promise<OpenedDatabase> {
  const o = await openDatabaseAt(location, dataFolder ? { dataFolder } : {});
  opened.push(o);
  return o;
}

describe('the database the core opens', () => {
  it('on an SQLite file: the latest schema, a working store, the anchors beside the file', async () => {
    const file = join(folder(), 'veil.db');
    const o = await openAt({ engine: 'sqlite', file });
    expect(o.engine).toBe('sqlite');
    expect(o.sqlite).not.toBeNull();
    expect(o.schemaVersion).toBe(migrations.length);
    expect(o.anchorPath).toBe(file);
    expect(o.description).toBe(file);
    await o.store.transaction(async () => {
      await o.store.q().insertInto('settings').values({ key: 'opened.test', value: 'yes' }).execute();
    });
    expect((await o.store.q().selectFrom('settings').select('value').where('key', '=', 'opened.test').executeTakeFirst())?.value).toBe('yes');
    // A storage error of SQLite is said by key; anything else is not a storage fault.
    expect(o.faultOf(Object.assign(new Error('database or disk is full'), { code: 'SQLITE_FULL' }))?.key).toBe('storage.diskFull');
    expect(o.faultOf(new Error('a bug'))).toBeNull();
  });

  it('on PostgreSQL: the latest schema, a working store, the anchors in the workstation folder', async () => {
    const url = await createPostgresDatabase();
    const data = folder();
    const o = await openAt({ engine: 'postgres', url: parsePostgresUrl(url) }, data);
    expect(o.engine).toBe('postgres');
    expect(o.sqlite).toBeNull();
    expect(o.schemaVersion).toBe(migrations.length);
    expect(dirname(o.anchorPath)).toBe(data);
    await o.store.transaction(async () => {
      await o.store.q().insertInto('settings').values({ key: 'opened.test', value: 'yes' }).execute();
    });
    expect((await o.store.q().selectFrom('settings').select('value').where('key', '=', 'opened.test').executeTakeFirst())?.value).toBe('yes');
    // Two databases on one server keep their anchors apart; the same database at another time finds the same file.
    const other = await openAt({ engine: 'postgres', url: parsePostgresUrl(await createPostgresDatabase()) }, data);
    expect(other.anchorPath).not.toBe(o.anchorPath);
    const again = await openAt({ engine: 'postgres', url: parsePostgresUrl(url) }, data);
    expect(again.anchorPath).toBe(o.anchorPath);
    expect(o.description).toContain(new URL(url).pathname);
  });

  it('refuses a PostgreSQL database without a workstation folder for its anchors, before connecting', async () => {
    await expect(openDatabaseAt({ engine: 'postgres', url: parsePostgresUrl('postgres://nobody@127.0.0.1:1/none') })).rejects.toThrow(/anchors/);
  });

  it('the core opens on PostgreSQL: its system information is read, and the SQLite handle is refused by name', async () => {
    const url = await createPostgresDatabase();
    const core = await openVeilCoreInternals({ database: url, dataFolder: folder(), mode: 'browser', idleSweepMs: 0 });
    try {
      const info = await core.dispatch('w', 'system.info', {});
      expect(info.ok && (info.value as { schemaVersion: number }).schemaVersion).toBe(migrations.length);
      expect(() => core.db).toThrow(/PostgreSQL/);
    } finally {
      core.close();
    }
  });
});
