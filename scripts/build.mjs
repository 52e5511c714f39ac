#!/usr/bin/env node
// Builds Veil: the renderer with Vite (dist/renderer), the Electron main process and the preload with esbuild
// (dist/app/main.cjs, dist/preload/preload.cjs).
//   node scripts/build.mjs                  everything
//   node scripts/build.mjs --renderer-only  the renderer only (npm run demo: browser mode needs no Electron bundle)
//   node scripts/build.mjs --no-renderer    main and preload only (working on the shell with a renderer already built)
import { rm } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { mainBundleOptions } from './bundleOptions.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const args = new Set(process.argv.slice(2));
const known = new Set(['--renderer-only', '--no-renderer']);
for (const arg of args) {
  if (!known.has(arg)) {
    console.error(`build: unknown argument ${arg} (known: ${[...known].join(', ')})`);
    process.exit(2);
  }
}
if (args.has('--renderer-only') && args.has('--no-renderer')) {
  console.error('build: --renderer-only and --no-renderer exclude each other');
  process.exit(2);
}

async function buildRenderer() {
  // What Veil ships is a production build, whatever the shell exports: Vite follows NODE_ENV, and under
  // NODE_ENV=test or development it builds React's development runtime (several times slower on every render).
  process.env.NODE_ENV = 'production';
  // Vite's JS API with the renderer's own config file: the same as `vite build --config renderer/vite.config.ts`,
  // without a second process. The config sets root, base and outDir (dist/renderer).
  const { build } = await import('vite');
  await build({ configFile: path.join(root, 'renderer', 'vite.config.ts'), logLevel: 'warn' });
}

async function buildMain(esbuild) {
  await rm(path.join(root, 'dist', 'app'), { recursive: true, force: true });
  await esbuild.build(mainBundleOptions(root));
}

async function buildPreload(esbuild) {
  await rm(path.join(root, 'dist', 'preload'), { recursive: true, force: true });
  await esbuild.build({
    entryPoints: [path.join(root, 'preload', 'preload.ts')],
    outfile: path.join(root, 'dist', 'preload', 'preload.cjs'),
    bundle: true,
    // A sandboxed preload gets a browser-like environment with a reduced `require` that only knows `electron` and a
    // few polyfills, so everything else (the contract, zod) is bundled in, and platform 'browser' makes the build
    // fail if a Node built-in sneaks into the preload's imports.
    platform: 'browser',
    format: 'cjs',
    target: 'chrome130',
    external: ['electron'],
    sourcemap: 'linked',
    logLevel: 'warning',
  });
}

async function main() {
  const started = Date.now();
  if (!args.has('--no-renderer')) await buildRenderer();
  if (!args.has('--renderer-only')) {
    const esbuild = await import('esbuild');
    await Promise.all([buildMain(esbuild), buildPreload(esbuild)]);
  }
  const what = args.has('--renderer-only') ? 'renderer' : args.has('--no-renderer') ? 'main and preload' : 'renderer, main and preload';
  console.error(`build: ${what} built in ${Date.now() - started} ms`);
}

main().catch((error) => {
  console.error(`build failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
