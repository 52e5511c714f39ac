#!/usr/bin/env node
// Builds better-sqlite3 for Electron's ABI into .electron-native/better_sqlite3.node.
//
// Why a separate copy: node_modules/better-sqlite3 is built for plain Node, which `npm test`, the CLI and browser mode
// use. Rebuilding it in place for Electron (what electron-builder's npmRebuild or `electron-rebuild` do) would break
// the tests until the next `npm rebuild`, and the other way round. So the Electron build happens on a copy, and the
// shell loads it through better-sqlite3's `nativeBinding` option (main/app/paths.ts); the packaged app ships it as an
// extra resource (electron-builder.yml).
//
// Needs the network (a prebuilt binary from better-sqlite3's GitHub releases, or Electron's headers from
// electronjs.org plus a C++ toolchain); it is not run by the tests.
import { cp, mkdir, rm, stat, writeFile, readFile, copyFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const outDir = path.join(root, '.electron-native');
const output = path.join(outDir, 'better_sqlite3.node');
const stampFile = path.join(outDir, 'stamp.json');
const buildPath = path.join(outDir, 'build');
const sourceModule = path.join(root, 'node_modules', 'better-sqlite3');
const electronPackage = path.join(root, 'node_modules', 'electron', 'package.json');
const rebuildModule = path.join(root, 'node_modules', '@electron', 'rebuild', 'lib', 'main.js');

function fail(message) {
  console.error(`electron-native: ${message}`);
  process.exit(1);
}

async function readJson(file) {
  return JSON.parse(await readFile(file, 'utf8'));
}

async function mtime(file) {
  return (await stat(file)).mtimeMs;
}

async function main() {
  if (!existsSync(path.join(sourceModule, 'package.json'))) fail('node_modules/better-sqlite3 is missing; run `npm ci` first.');
  if (!existsSync(electronPackage)) fail('node_modules/electron is missing; run `npm ci` first.');
  if (!existsSync(rebuildModule)) {
    fail('@electron/rebuild is missing (it comes with electron-builder); run `npm ci` first.');
  }

  const electronVersion = (await readJson(electronPackage)).version;
  const sqliteVersion = (await readJson(path.join(sourceModule, 'package.json'))).version;
  const stamp = { electron: electronVersion, betterSqlite3: sqliteVersion, platform: process.platform, arch: process.arch };

  // Up to date when the binary is newer than its inputs and was built for the same versions and machine.
  if (existsSync(output) && existsSync(stampFile)) {
    const previous = await readJson(stampFile).catch(() => null);
    const inputs = [electronPackage, path.join(sourceModule, 'package.json'), fileURLToPath(import.meta.url)];
    const newest = Math.max(...(await Promise.all(inputs.map(mtime))));
    if (JSON.stringify(previous) === JSON.stringify(stamp) && (await mtime(output)) >= newest) {
      console.error(`electron-native: better_sqlite3.node for Electron ${electronVersion} is up to date.`);
      return;
    }
  }

  console.error(`electron-native: building better-sqlite3 ${sqliteVersion} for Electron ${electronVersion} (${process.platform}-${process.arch})...`);
  await rm(buildPath, { recursive: true, force: true });
  const target = path.join(buildPath, 'node_modules', 'better-sqlite3');
  await mkdir(path.dirname(target), { recursive: true });
  // The sources without the Node build output, so nothing of the Node-ABI binary can end up in the result.
  await cp(sourceModule, target, {
    recursive: true,
    filter: (src) => path.relative(sourceModule, src).split(path.sep)[0] !== 'build',
  });
  // A minimal project whose only dependency is better-sqlite3: @electron/rebuild walks a package.json's dependencies.
  await writeFile(
    path.join(buildPath, 'package.json'),
    JSON.stringify({ name: 'veil-electron-native', version: '0.0.0', private: true, dependencies: { 'better-sqlite3': sqliteVersion } }, null, 2),
  );

  const { rebuild } = await import(pathToFileURL(rebuildModule).href);
  try {
    await rebuild({
      buildPath,
      // Stops the module search at the copy: the repository's own node_modules must stay built for Node.
      projectRootPath: buildPath,
      electronVersion,
      onlyModules: ['better-sqlite3'],
      force: true,
    });
  } catch (error) {
    fail(
      [
        `could not build better-sqlite3 for Electron ${electronVersion}: ${error instanceof Error ? error.message : String(error)}`,
        'This step downloads a prebuilt binary (github.com) or Electron headers (electronjs.org, then compiles with a C++',
        'toolchain: python3, make, g++). Without network access the desktop window cannot start here;',
        '`npm run demo` runs the same app in a browser with no Electron at all.',
      ].join('\n  '),
    );
  }

  const built = path.join(target, 'build', 'Release', 'better_sqlite3.node');
  if (!existsSync(built)) fail(`the rebuild finished but ${path.relative(root, built)} is missing.`);
  await copyFile(built, output);
  await writeFile(stampFile, JSON.stringify(stamp, null, 2));
  console.error(`electron-native: wrote ${path.relative(root, output)}`);
}

main().catch((error) => fail(error instanceof Error ? error.message : String(error)));
