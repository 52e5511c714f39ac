import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'vitest';
import type { EventName, EventPayload } from '../../../shared/contract';
import type { Role } from '../../../shared/roles';
import { seedDemo, type DemoUser } from '../../../main/core/demo/demoSeed';
import type { CustomDevices } from '../../../main/core/devices/devices';
import { DeviceSimulator } from '../../../main/core/devices/simulator';
import { openVeilCoreInternals, type VeilCoreInternals } from '../../../main/core/veilCore';
import { FakeClock, TEST_ENGINE } from '../../helpers/core';
import { createPostgresDatabase } from '../../helpers/postgres';
import { rawRows } from '../../helpers/rawSql';

export interface DeviceTestCore {
  core: VeilCoreInternals;
  sim: DeviceSimulator;
  clock: FakeClock;
  users: DemoUser[];
  events: Array<{ window: string; event: EventName; payload: unknown }>;
  loginAs(role: Role): Promise<string>;
  /** Calls a channel as `window`, fails the test on an error result. */
  call<T = unknown>(window: string, channel: string, input?: unknown): Promise<T>;
  /** Calls a channel and answers the error result (fails the test when it succeeds). */
  refused(window: string, channel: string, input?: unknown): Promise<{ code: string; message: string }>;
  /** Kit numbers dispensed by the demo history. */
  dispensedKits(): Promise<string[]>;
  dispose(): Promise<void>;
}

/**
 * A core on a fresh database with the NS-DUPI demo history (dispensed kits), whose devices are the simulator's: the
 * production drivers and hub over the simulated HID bus and the loopback Zebra. No hot-plug timer unless asked. On the
 * run's engine (VEIL_TEST_ENGINE, tests/helpers/core.ts): a SQLite file, or a new database on the throw-away server.
 */
export async function deviceCore(devices: Partial<CustomDevices> = {}, sim = new DeviceSimulator()): Promise<DeviceTestCore> {
  const dir = mkdtempSync(join(tmpdir(), 'veil-devices-'));
  const clock = new FakeClock();
  const location = TEST_ENGINE === 'postgres' ? { database: await createPostgresDatabase(), dataFolder: dir } : { dbFile: join(dir, 'veil.db') };
  const core = await openVeilCoreInternals({ ...location, mode: 'browser', clock, idleSweepMs: 0, devices: { transport: sim.transport, simulator: sim, pollMs: 0, ...devices } });
  const events: DeviceTestCore['events'] = [];
  core.onEvent((window, event, payload) => events.push({ window, event, payload }));
  const demo = await seedDemo(core, clock, { history: true });
  await core.devices.ready;
  const call = async <T,>(window: string, channel: string, input: unknown = {}): Promise<T> => {
    const result = await core.dispatch(window, channel, input);
    if (!result.ok) throw new Error(`${channel} failed: ${result.error.code} ${result.error.message}`);
    return result.value as T;
  };
  return {
    core,
    sim,
    clock,
    users: demo.users,
    events,
    async loginAs(role) {
      const user = demo.users.find((u) => u.role === role)!;
      await call(role, 'session.login', { username: user.username, password: user.password });
      return role;
    },
    call,
    async refused(window, channel, input = {}) {
      const result = await core.dispatch(window, channel, input);
      expect(result.ok, `${channel} should have been refused`).toBe(false);
      return (result as { ok: false; error: { code: string; message: string } }).error;
    },
    dispensedKits: async () => (await rawRows<{ k: string }>(core.store, 'SELECT kit_number AS k FROM dispensing_kits ORDER BY kit_number')).map((r) => r.k),
    async dispose() {
      await core.devices.close();
      core.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export function eventsOf<E extends EventName>(t: DeviceTestCore, event: E): Array<EventPayload<E>> {
  return t.events.filter((e) => e.event === event).map((e) => e.payload as EventPayload<E>);
}

/** Waits until `check` holds (polling every 5 ms), or fails after `timeoutMs`. */
export async function until(check: () => boolean, what: string, timeoutMs = 3000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

export const tick = (ms = 0): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** A 64-byte Honeywell report written out byte by byte. */
export function report(bytes: Record<number, number | string>): Uint8Array {
  const r = new Uint8Array(64);
  for (const [at, v] of Object.entries(bytes)) {
    if (typeof v === 'number') r[Number(at)] = v;
    else for (let i = 0; i < v.length; i++) r[Number(at) + i] = v.charCodeAt(i);
  }
  return r;
}
