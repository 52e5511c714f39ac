import { mkdirSync, renameSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { cliBundleOptions } from '../../scripts/bundleOptions.mjs';
import { REPO_ROOT } from '../e2e/helpers/paths';

/** The `veil` command line as the suites run it: main/cli/veil.ts bundled (dist/cli/veil.mjs), run by node. */
export const VEIL_CLI = join(REPO_ROOT, 'dist', 'cli', 'veil.mjs');

/** Where a suite's bundled worker scripts go (bundleScript): inside the repository, beside the command line's. */
export const TEST_BUNDLES = join(REPO_ROOT, 'dist', 'tests');

/**
 * Bundles a TypeScript entry point with the main process's esbuild options (cliBundleOptions: an ES module, the native
 * addons left outside) to `outfile`, for node to run. Under tsx each start-up compiled the sources again, about two
 * seconds of a 2-core machine each time, and the suites start the command line and their worker scripts hundreds of
 * times. Written beside its name and renamed into place, so a process starting it meanwhile never reads half a file.
 * `outfile` must lie inside the repository: the packages left outside are found from its folder (node_modules).
 */
export async function bundleScript(entry: string, outfile: string): Promise<string> {
  const esbuild = await import('esbuild');
  mkdirSync(dirname(outfile), { recursive: true });
  const building = join(dirname(outfile), `.${basename(outfile)}.${process.pid}.mjs`);
  await esbuild.build({ ...cliBundleOptions(REPO_ROOT), entryPoints: [entry], outfile: building, sourcemap: false });
  renameSync(building, outfile);
  return outfile;
}

/** The command line bundled from the sources as they stand (VEIL_CLI). */
export function buildVeilCli(): Promise<string> {
  return bundleScript(join(REPO_ROOT, 'main', 'cli', 'veil.ts'), VEIL_CLI);
}

/** Global setup of the core and e2e suites: the command line bundled once per run. */
export default async function setup(): Promise<void> {
  await buildVeilCli();
}
