import { execFileSync } from 'node:child_process';
import { builtinModules } from 'node:module';
import path from 'node:path';
import { build } from 'esbuild';
import { describe, expect, it } from 'vitest';
import { MAIN_EXTERNALS, mainBundleOptions } from '../../../scripts/bundleOptions.mjs';
import { LABEL_FONT_FILES } from '../../../main/core/labels/fonts';
import packageJson from '../../../package.json';

const root = path.resolve(import.meta.dirname, '../../..');

/** The npm package a bare import names ('pdf-lib/x' -> 'pdf-lib', '@scope/a/b' -> '@scope/a'). */
function packageOf(specifier: string): string {
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0]!;
}

/**
 * What the packaged app loads from node_modules at run time: the packages main.cjs requires or imports (read from
 * the bundle esbuild writes, not from its metafile, which also lists imports that only carried types), and the files
 * it reads by package path (the label fonts). Everything else is inside the bundles.
 */
async function bundleRuntimePackages(): Promise<string[]> {
  const result = await build({ ...mainBundleOptions(root), write: false, logLevel: 'silent' });
  const bundle = result.outputFiles!.find((f) => f.path.endsWith('main.cjs'))!.text;
  const builtins = new Set([...builtinModules, ...builtinModules.map((m) => `node:${m}`)]);
  const required = new Set<string>();
  for (const [, specifier] of bundle.matchAll(/\b(?:require|import)\("([^"]+)"\)/g)) {
    if (!builtins.has(specifier!) && !specifier!.startsWith('.')) required.add(packageOf(specifier!));
  }
  required.delete('electron'); // the runtime itself, a devDependency for electron-builder
  for (const file of Object.values(LABEL_FONT_FILES)) required.add(packageOf(file));
  return [...required].sort();
}

/** Bundled once for the file (about a second each time): every test reads the same answer. */
let bundled: Promise<string[]> | undefined;
const runtimePackages = () => (bundled ??= bundleRuntimePackages());

describe('the installer carries only what the app loads at run time (issue 17, item 5)', () => {
  it('package.json "dependencies" are exactly the packages main.cjs requires or reads at run time', async () => {
    const runtime = await runtimePackages();
    expect(runtime).toEqual(expect.arrayContaining(MAIN_EXTERNALS.filter((m) => m !== 'electron')));
    expect(Object.keys(packageJson.dependencies).sort()).toEqual(runtime);
    // electron-builder refuses electron among the dependencies; it is the runtime, not a module of the app.
    expect(packageJson.devDependencies).toHaveProperty('electron');
  }, 60_000);

  it('`npm ls --omit=dev` lists only those packages at the top', async () => {
    const runtime = await runtimePackages();
    const listed = JSON.parse(execFileSync('npm', ['ls', '--omit=dev', '--depth=0', '--json'], { cwd: root, encoding: 'utf8' })) as { dependencies?: Record<string, unknown> };
    expect(Object.keys(listed.dependencies ?? {}).sort()).toEqual(runtime);
  }, 60_000);

  it('the check bites: a bundled library declared as a dependency is found', async () => {
    const runtime = await runtimePackages();
    expect([...Object.keys(packageJson.dependencies), 'zod'].sort()).not.toEqual(runtime);
    expect(runtime).not.toContain('zod');
  }, 60_000);
});
