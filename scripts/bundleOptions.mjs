// How esbuild bundles the Electron main process (dist/app/main.cjs). Shared by scripts/build.mjs and the test that
// checks package.json's "dependencies" hold exactly what the packaged app loads at run time
// (tests/unit/app/dependencies.test.ts): whatever is not external here is inside main.cjs and belongs in
// devDependencies, out of the installer.
import path from 'node:path';

/** Modules main.cjs requires at run time instead of bundling them. */
export const MAIN_EXTERNALS = [
  // Provided by the Electron runtime.
  'electron',
  // Native addons cannot be bundled: better-sqlite3 loads the Electron build of its addon through the nativeBinding
  // option; node-hid opens scanners and label printers.
  'better-sqlite3',
  'node-hid',
];

export function mainBundleOptions(root) {
  return {
    entryPoints: [path.join(root, 'main', 'app', 'main.ts')],
    outfile: path.join(root, 'dist', 'app', 'main.cjs'),
    bundle: true,
    platform: 'node',
    format: 'cjs',
    // Electron 45 runs Node 22.
    target: 'node22',
    external: MAIN_EXTERNALS,
    // JSON imports (package.json for the version, the study files) are inlined by esbuild.
    sourcemap: 'linked',
    logLevel: 'warning',
  };
}
