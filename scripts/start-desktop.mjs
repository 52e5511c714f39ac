#!/usr/bin/env node
// `npm start`: builds Veil and opens the desktop window.
//   1. makes sure Electron's runtime is downloaded (npm may have skipped it, e.g. ELECTRON_SKIP_BINARY_DOWNLOAD=1);
//   2. builds better-sqlite3 for Electron (scripts/electron-native.mjs);
//   3. builds renderer, main and preload (scripts/build.mjs);
//   4. runs Electron on this project (package.json "main" points at dist/app/main.cjs).
// Where Electron cannot be downloaded, `npm run demo` serves the same app to a browser.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const electronDir = path.join(root, 'node_modules', 'electron');

const NO_ELECTRON = [
  'The desktop window needs Electron\'s runtime, which is downloaded from github.com the first time',
  '(node node_modules/electron/install.js). That download failed or is not possible on this machine.',
  'Run `npm run demo` instead: it starts the same Veil app in your browser, without Electron.',
].join('\n  ');

function fail(message, code = 1) {
  console.error(`start: ${message}`);
  process.exit(code);
}

function run(label, args, env = process.env) {
  const result = spawnSync(process.execPath, args, { cwd: root, stdio: 'inherit', env });
  if (result.error) fail(`${label}: ${result.error.message}`);
  return result.status ?? 1;
}

function electronBinary() {
  // node_modules/electron/index.js exports the path of the binary (and throws when it was never downloaded).
  const require = createRequire(path.join(root, 'package.json'));
  const binary = require('electron');
  return typeof binary === 'string' && existsSync(binary) ? binary : null;
}

if (!existsSync(path.join(electronDir, 'package.json'))) fail('node_modules/electron is missing; run `npm ci` first.');

if (!existsSync(path.join(electronDir, 'dist')) || !safe(electronBinary)) {
  console.error('start: downloading the Electron runtime...');
  // The install script exits early, doing nothing, when this variable is set; here the download is wanted.
  const env = { ...process.env };
  delete env.ELECTRON_SKIP_BINARY_DOWNLOAD;
  if (run('electron install', [path.join(electronDir, 'install.js')], env) !== 0 || !safe(electronBinary)) fail(NO_ELECTRON);
}

if (run('electron-native', [path.join(root, 'scripts', 'electron-native.mjs')]) !== 0) {
  fail('building better-sqlite3 for Electron failed (see above). `npm run demo` runs Veil in a browser instead.');
}
if (run('build', [path.join(root, 'scripts', 'build.mjs')]) !== 0) fail('the build failed (see above).');

const binary = electronBinary();
if (!binary) fail(NO_ELECTRON);
const env = { ...process.env };
// Set by some tools; it would make Electron behave as plain Node and ignore the app.
delete env.ELECTRON_RUN_AS_NODE;
const child = spawn(binary, [root, ...process.argv.slice(2)], { cwd: root, stdio: 'inherit', env });
child.on('error', (error) => fail(`could not start Electron: ${error.message}\n  ${NO_ELECTRON}`));
// Ctrl+C in the terminal reaches Electron directly (same process group); the script just mirrors its exit.
child.on('exit', (code, signal) => process.exit(signal ? 1 : (code ?? 0)));

function safe(fn) {
  try {
    return fn();
  } catch {
    return null;
  }
}
