import type { BuildOptions } from 'esbuild';

/** Types of bundleOptions.mjs, for the TypeScript that imports it (tests/unit/app/dependencies.test.ts). */
export declare const MAIN_EXTERNALS: string[];
export declare function mainBundleOptions(root: string): BuildOptions;
export declare function cliBundleOptions(root: string): BuildOptions;
