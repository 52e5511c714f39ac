import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { inject } from 'vitest';
import { localDate } from '../../../shared/schedule/visitSchedule';
import { VEIL_CLI } from '../../helpers/veilCli';
import { REPO_ROOT } from './paths';
import type { DemoUser } from './veilServer';

/** What `veil demo` printed: the users, the code-break passphrase, the lists' files (in the template's folder). */
export interface DemoSummary {
  users: DemoUser[];
  codeBreakPassphrase: string;
  lists: { randomization: string; kits: string; loggers: string[] };
}

/**
 * The demo database built once per e2e run (and per day): `veil demo` seeds 131 days of history through the real
 * services, 20 to 45 s on CI's 2 cores, and almost every e2e file served a fresh one. Each server now gets a copy of
 * the folder (database, audit anchors and their key, lists) instead: the same bytes a seeded server would start from,
 * with the same users and passphrase across the run's files, which share nothing else (each copy is its own file).
 *
 * Keyed by the site's date: the history is laid out back from the day it was built, so a run that crosses midnight
 * builds the next day's. Null outside a vitest run with the e2e global setup (no folder provided): the caller seeds.
 */
export async function demoTemplate(studies: 'one' | 'both'): Promise<{ dir: string; summary: DemoSummary } | null> {
  let root: string | undefined;
  try {
    root = inject('demoTemplates');
  } catch {
    return null;
  }
  if (!root) return null;
  const dir = join(root, `${studies}-${localDate(new Date())}`);
  if (!existsSync(join(dir, 'summary.json'))) {
    // Built beside its final name and renamed into place: a file that failed half-way never passes for a template.
    const building = mkdtempSync(join(root, 'building-'));
    try {
      const args = [VEIL_CLI, 'demo', '--db', join(building, 'veil.db'), '--lists', building, ...(studies === 'one' ? ['--single-study'] : [])];
      const { stdout } = await promisify(execFile)(process.execPath, args, { cwd: REPO_ROOT, env: { ...process.env, NODE_ENV: 'test' }, timeout: 180_000 });
      writeFileSync(join(building, 'summary.json'), stdout.trim().split('\n').at(-1)!);
      if (existsSync(dir)) rmSync(building, { recursive: true, force: true });
      else renameSync(building, dir);
    } catch (error) {
      rmSync(building, { recursive: true, force: true });
      throw error;
    }
  }
  return { dir, summary: JSON.parse(readFileSync(join(dir, 'summary.json'), 'utf8')) as DemoSummary };
}

declare module 'vitest' {
  export interface ProvidedContext {
    /** The folder the e2e run's demo templates are built in (tests/e2e/globalSetup.ts), removed at the run's end. */
    demoTemplates: string;
  }
}
