import { copyFileSync, existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { inject } from 'vitest';
import { ANCHOR_FILE_SUFFIX, ANCHOR_KEY_FILE } from '../../main/core/audit/chainAnchors';
import { postgresAnchorPath } from '../../main/core/db/openedDatabase';
import type { TravellingClock } from '../../main/core/clock';
import { seedDemo, type DemoResult } from '../../main/core/demo/demoSeed';
import { openVeilCoreInternals } from '../../main/core/veilCore';
import { copyPostgresDatabase, createPostgresDatabase, untilPostgresDatabaseUnused } from './postgres';

/**
 * The seeded NS-DUPI demo, built once per run, engine and variant (with or without its 131 days of history) and copied
 * for each test that asks for one (demoCore): seeding takes seconds, a copy milliseconds. A copy is the seeded
 * database as it was, with its audit anchors and their key, so it is the same as a fresh seed at the same moment,
 * except that every copy of a run holds the same drawn lists and passwords. The first worker to need a variant builds
 * it in a folder it creates (mkdir is atomic: one worker wins); the others wait for its description. Without the run's cache folder (a script outside the
 * suites), nothing is cached.
 */
export interface DemoSnapshot {
  /** SQLite: the seeded file; PostgreSQL: the seeded database, never opened again (a template to copy). */
  source: string;
  /** The folder that holds the seeded database's anchors and their key. */
  folder: string;
  demo: DemoResult;
}

type Engine = 'sqlite' | 'postgres';

function cacheDir(): string | null {
  try {
    return inject('demoCacheDir') ?? null;
  } catch {
    return null;
  }
}

/** Seeds a new database on `engine` in `folder` at `clock`'s present, closes it, and says where it is. */
async function seed(engine: Engine, folder: string, clock: TravellingClock, history: boolean): Promise<DemoSnapshot> {
  const source = engine === 'sqlite' ? join(folder, 'veil.db') : await createPostgresDatabase();
  const core = await openVeilCoreInternals({ ...(engine === 'sqlite' ? { dbFile: source } : { database: source, dataFolder: folder }), mode: 'browser', clock, idleSweepMs: 0 });
  let demo: DemoResult;
  try {
    demo = await seedDemo(core, clock, { history });
  } finally {
    core.close();
  }
  // The last anchor is written as the core closes; on PostgreSQL, once its pool has ended.
  if (engine === 'postgres') await untilPostgresDatabaseUnused(source);
  return { source, folder, demo };
}

/** The run's seeded demo of this variant, building it if no worker has yet; null when the run keeps no cache. */
export async function demoSnapshot(engine: Engine, history: boolean, clock: () => TravellingClock): Promise<DemoSnapshot | null> {
  const root = cacheDir();
  if (!root) return null;
  const folder = join(root, `${engine}-${history ? 'history' : 'plain'}`);
  const description = join(folder, 'snapshot.json');
  try {
    mkdirSync(folder);
  } catch {
    // Another worker builds it: its description is written last, renamed into place whole.
    for (let waited = 0; !existsSync(description); waited += 100) {
      if (waited > 300_000) throw new Error(`the seeded demo in ${folder} was not ready after 5 minutes`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    return JSON.parse(readFileSync(description, 'utf8')) as DemoSnapshot;
  }
  const built = await seed(engine, folder, clock(), history);
  writeFileSync(`${description}.part`, JSON.stringify(built));
  renameSync(`${description}.part`, description);
  return built;
}

/**
 * Copies the snapshot into `dir` for a test of its own: the SQLite file (or a new PostgreSQL database) with the
 * anchors and key beside it, as the core that opens it expects them. Returns the copy's location.
 */
export async function copySnapshot(snapshot: DemoSnapshot, engine: Engine, dir: string): Promise<{ dbFile: string; database: string }> {
  copyFileSync(join(snapshot.folder, ANCHOR_KEY_FILE), join(dir, ANCHOR_KEY_FILE));
  if (engine === 'sqlite') {
    const dbFile = join(dir, 'veil.db');
    copyFileSync(snapshot.source, dbFile);
    copyFileSync(`${snapshot.source}${ANCHOR_FILE_SUFFIX}`, `${dbFile}${ANCHOR_FILE_SUFFIX}`);
    return { dbFile, database: '' };
  }
  const database = await copyPostgresDatabase(snapshot.source);
  const from = `${postgresAnchorPath(new URL(snapshot.source), snapshot.folder)}${ANCHOR_FILE_SUFFIX}`;
  copyFileSync(from, `${postgresAnchorPath(new URL(database), dir)}${ANCHOR_FILE_SUFFIX}`);
  return { dbFile: '', database };
}

