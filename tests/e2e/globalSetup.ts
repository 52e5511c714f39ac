import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { REPO_ROOT } from './helpers/paths';

/** The newest modification time of the files under the given paths (folders walked, node_modules skipped). */
function newestMtime(paths: string[]): number {
  let newest = 0;
  const visit = (path: string) => {
    if (!existsSync(path)) return;
    const stat = statSync(path);
    if (stat.isDirectory()) {
      for (const entry of readdirSync(path)) if (entry !== 'node_modules') visit(join(path, entry));
    } else {
      newest = Math.max(newest, stat.mtimeMs);
    }
  };
  paths.forEach(visit);
  return newest;
}

/** A renderer built with React's development runtime (what a build under NODE_ENV=test gave before). */
function isDevelopmentBuild(): boolean {
  const assets = join(REPO_ROOT, 'dist', 'renderer', 'assets');
  if (!existsSync(assets)) return false;
  return readdirSync(assets).some((f) => f.endsWith('.js') && readFileSync(join(assets, f), 'utf8').includes('jsxDEV'));
}

/**
 * Builds dist/renderer when it is missing, older than the renderer's sources (renderer/ and shared/ it imports), or
 * a development build. Always as production: vitest sets NODE_ENV=test, which Vite would otherwise follow and build
 * React's development runtime, several times slower on every render than what Veil ships.
 */
export function buildRenderer(): void {
  const builtIndex = join(REPO_ROOT, 'dist', 'renderer', 'index.html');
  const sources = newestMtime([join(REPO_ROOT, 'renderer'), join(REPO_ROOT, 'shared'), join(REPO_ROOT, 'package.json')]);
  if (existsSync(builtIndex) && statSync(builtIndex).mtimeMs >= sources && !isDevelopmentBuild()) return;
  process.stdout.write('e2e: building the renderer (dist/renderer is missing, older than its sources or a development build)\n');
  execFileSync(join(REPO_ROOT, 'node_modules', '.bin', 'vite'), ['build', '--config', 'renderer/vite.config.ts', '--logLevel', 'warn'], {
    cwd: REPO_ROOT,
    stdio: 'inherit',
    env: { ...process.env, NODE_ENV: 'production' },
  });
}

/**
 * The renderer built (above), and a folder for the run's demo templates (helpers/demoTemplate.ts: the demo seeded once,
 * each server serving a copy), removed when the run ends.
 */
export default function setup(project: TestProject): () => void {
  buildRenderer();
  const templates = mkdtempSync(join(tmpdir(), 'veil-e2e-demos-'));
  project.provide('demoTemplates', templates);
  return () => rmSync(templates, { recursive: true, force: true });
}
