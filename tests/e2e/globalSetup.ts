import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
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

/** Builds dist/renderer when it is missing or older than the renderer's sources (renderer/ and shared/ it imports). */
export default function setup(): void {
  const builtIndex = join(REPO_ROOT, 'dist', 'renderer', 'index.html');
  const sources = newestMtime([join(REPO_ROOT, 'renderer'), join(REPO_ROOT, 'shared'), join(REPO_ROOT, 'package.json')]);
  if (existsSync(builtIndex) && statSync(builtIndex).mtimeMs >= sources) return;
  process.stdout.write('e2e: building the renderer (dist/renderer is missing or older than its sources)\n');
  execFileSync(join(REPO_ROOT, 'node_modules', '.bin', 'vite'), ['build', '--config', 'renderer/vite.config.ts', '--logLevel', 'warn'], {
    cwd: REPO_ROOT,
    stdio: 'inherit',
  });
}
