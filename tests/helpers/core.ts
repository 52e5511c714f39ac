import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TravellingClock } from '../../main/core/clock';
import type { Logger } from '../../main/core/log';
import { openVeilCoreInternals, type CoreOptions, type VeilCoreInternals } from '../../main/core/veilCore';
import { seedDemo, type DemoResult, type DemoUser } from '../../main/core/demo/demoSeed';
import Papa from 'papaparse';
import type { Role } from '../../shared/roles';
import { rawRows } from './rawSql';
import { copyPostgresDatabase, createPostgresDatabase, untilPostgresDatabaseUnused } from './postgres';

/**
 * The engine the demo cores of this run are on: SQLite files, or with VEIL_TEST_ENGINE=postgres a new database on the
 * suite's throw-away PostgreSQL server for each core (tests/run-all.sh runs the workflow files that never touch the
 * SQLite file directly a second time that way, counted as their own suite).
 */
export const TEST_ENGINE: 'sqlite' | 'postgres' = process.env.VEIL_TEST_ENGINE === 'postgres' ? 'postgres' : 'sqlite';

/** A clock tests move by hand. */
export class FakeClock implements TravellingClock {
  private readonly present: Date;
  constructor(private current = new Date('2026-11-25T09:00:00.000Z')) {
    this.present = new Date(current);
  }
  travelTo(moment: Date): void {
    this.current = new Date(moment);
  }
  backToPresent(): void {
    this.current = new Date(this.present);
  }
  now(): Date {
    return new Date(this.current);
  }
  advanceMinutes(minutes: number): void {
    this.current = new Date(this.current.getTime() + minutes * 60_000);
  }
}

export interface TestCore {
  core: VeilCoreInternals;
  clock: FakeClock;
  dir: string;
  /** The SQLite file (empty on PostgreSQL: a test that reads the file runs on SQLite only). */
  dbFile: string;
  /** The PostgreSQL database's URL (empty on SQLite). */
  database: string;
  users: DemoUser[];
  demo: DemoResult;
  /** The sponsor's truth, read independently from the demo's CSV lists: kit or slot number to arm code. */
  armOf: Map<string, string>;
  /** Logs `role`'s demo user in to `windowId` (default: the role name) and returns the window id. */
  loginAs(role: Role, windowId?: string): Promise<string>;
  userOf(role: Role): DemoUser;
  /**
   * Closes the core, runs `work` once nothing is connected to its database any more (on PostgreSQL, once the server
   * has seen the pool's last session end: a database to copy with CREATE DATABASE ... TEMPLATE), then opens a new core
   * on the same database in its place (`core`; sessions are not kept).
   */
  whileClosed<T>(work: () => Promise<T>): Promise<T>;
  /**
   * The rows of one SQL statement run on the core's Store, on either engine (`?` placeholders, as in SQLite): how a
   * test reads the tables, or plants a state no channel can make, without caring which engine the run is on. On
   * PostgreSQL an unquoted alias is folded to lower case: quote camel-case aliases ("patientId").
   */
  sql<T = Record<string, unknown>>(text: string, ...params: unknown[]): Promise<T[]>;
  dispose(): void;
}

/**
 * A second core on a copy of `t`'s database as it stands, opened with `options` (a later clock, a sweep): a workstation
 * reopened after days closed. SQLite: an online backup of the file into `t.dir`; PostgreSQL: the database copied while
 * `t.core` is closed (its sessions end; it is opened again), left to the run's throw-away server. The caller closes it.
 */
export async function openCopy(t: TestCore, options: Partial<CoreOptions>): Promise<VeilCoreInternals> {
  const folder = mkdtempSync(join(t.dir, 'copy-'));
  if (!t.database) {
    const file = join(folder, 'veil.db');
    await t.core.db.backup(file);
    return openVeilCoreInternals({ dbFile: file, mode: 'browser', idleSweepMs: 0, ...options });
  }
  const copy = await t.whileClosed(() => copyPostgresDatabase(t.database));
  return openVeilCoreInternals({ database: copy, dataFolder: folder, mode: 'browser', idleSweepMs: 0, ...options });
}

/** A core on a fresh database file in a temporary folder, seeded with the NS-DUPI demo users. */
export async function demoCore(options: { history?: boolean; logger?: Logger } = {}): Promise<TestCore> {
  const dir = mkdtempSync(join(tmpdir(), 'veil-test-'));
  const dbFile = TEST_ENGINE === 'sqlite' ? join(dir, 'veil.db') : '';
  const database = TEST_ENGINE === 'postgres' ? await createPostgresDatabase() : '';
  const location = database ? { database, dataFolder: dir } : { dbFile };
  const clock = new FakeClock();
  const open = () => openVeilCoreInternals({ ...location, mode: 'browser', clock, idleSweepMs: 0, ...(options.logger ? { logger: options.logger } : {}) });
  const core = await open();
  const demo = await seedDemo(core, clock, { history: options.history ?? false });
  const { users } = demo;
  const armOf = new Map<string, string>();
  for (const text of [demo.lists.randomization, demo.lists.kits]) {
    const rows = Papa.parse<Record<string, string>>(text.trim(), { header: true }).data;
    for (const row of rows) armOf.set(row.randomization_number ?? row.kit_number!, row.arm!);
  }
  const userOf = (role: Role) => users.find((u) => u.role === role)!;
  const t: TestCore = {
    core,
    clock,
    dir,
    dbFile,
    database,
    users,
    demo,
    armOf,
    userOf,
    async loginAs(role, windowId = role) {
      const user = userOf(role);
      const result = await t.core.dispatch(windowId, 'session.login', { username: user.username, password: user.password });
      if (!result.ok) throw new Error(`login as ${role} failed: ${result.error.message}`);
      return windowId;
    },
    async whileClosed(work) {
      t.core.close();
      try {
        if (database) await untilPostgresDatabaseUnused(database);
        return await work();
      } finally {
        t.core = await open();
      }
    },
    sql: (text, ...params) => rawRows(t.core.store, text, params),
    dispose() {
      t.core.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
  return t;
}
