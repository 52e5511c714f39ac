import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openVeilCore, type VeilCore } from '../../main/core/veilCore';
import { FakeClock, TEST_ENGINE } from '../helpers/core';
import { createPostgresDatabase } from '../helpers/postgres';

/**
 * Issue 13, item 7: the core the windows, the command line and the server hold is the channels and the events only.
 * Whatever holds it (an IPC bridge, the HTTP host, a script loaded into the main process) cannot reach the database,
 * a repository or a service around the router's checks: the object has nothing else, not even hidden.
 */
let folder: string;
let core: VeilCore;

beforeAll(async () => {
  folder = mkdtempSync(join(tmpdir(), 'veil-surface-'));
  const location = TEST_ENGINE === 'postgres' ? { database: await createPostgresDatabase(), dataFolder: folder } : { dbFile: join(folder, 'veil.db') };
  core = await openVeilCore({ ...location, mode: 'browser', idleSweepMs: 0, clock: new FakeClock(), devices: 'none' });
});

afterAll(() => {
  core.close();
  rmSync(folder, { recursive: true, force: true });
});

describe('the core handed to the windows', () => {
  it('has the four members of the channels and events, and no database, store, repository or service', () => {
    expect(Object.getOwnPropertyNames(core).sort()).toEqual(['close', 'dispatch', 'onEvent', 'windowClosed']);
    const reach = core as unknown as Record<string, unknown>;
    for (const part of ['db', 'store', 'repositories', 'router', 'audit', 'custody', 'dispensing', 'unsealedStock', 'site']) {
      expect(reach[part], part).toBeUndefined();
    }
    expect(Object.getPrototypeOf(core)).toBe(Object.prototype);
  });

  it('still answers through its router', async () => {
    const answer = (await core.dispatch('w1', 'system.info', {})) as { ok: boolean; value?: { schemaVersion: number } };
    expect(answer.ok).toBe(true);
    expect(answer.value?.schemaVersion).toBeGreaterThan(0);
  });
});
