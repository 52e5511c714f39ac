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

/**
 * `pg` loads its optional native binding (pg-native, libpq) only when `pg.native` is asked for, which Veil never does:
 * it uses the pure-JavaScript client. Left to esbuild, that lazy `require('pg-native')` would stay in main.cjs as a
 * package the installer does not carry; it is replaced by a module that says so if it is ever reached.
 */
const noPgNative = {
  name: 'no-pg-native',
  setup(build) {
    build.onResolve({ filter: /^pg-native$/ }, () => ({ path: 'pg-native', namespace: 'veil-not-shipped' }));
    build.onLoad({ filter: /.*/, namespace: 'veil-not-shipped' }, () => ({
      contents: "throw new Error('pg-native is not shipped with Veil: it uses the JavaScript PostgreSQL client (pg).');",
      loader: 'js',
    }));
  },
};

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
    plugins: [noPgNative],
    // JSON imports (package.json for the version, the study files) are inlined by esbuild.
    sourcemap: 'linked',
    logLevel: 'warning',
  };
}

/**
 * The `veil` command line bundled the way main.cjs is (dist/cli/veil.mjs): the bench runs `veil serve` from it, so its
 * memory is the core's as the desktop app ships it, without tsx compiling TypeScript in the same process (80 to 90 MB
 * more at start). ES module, as main/cli/veil.ts is (top-level await, import.meta.url finds dist/renderer beside it);
 * the CommonJS packages inside still call `require`, which the banner provides.
 */
export function cliBundleOptions(root) {
  return {
    ...mainBundleOptions(root),
    entryPoints: [path.join(root, 'main', 'cli', 'veil.ts')],
    outfile: path.join(root, 'dist', 'cli', 'veil.mjs'),
    format: 'esm',
    target: 'node20',
    banner: { js: "import { createRequire as veilCreateRequire } from 'node:module'; const require = veilCreateRequire(import.meta.url);" },
  };
}
