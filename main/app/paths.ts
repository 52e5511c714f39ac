import path from 'node:path';

export interface AppPaths {
  /** The built renderer served at app://veil/. */
  rendererRoot: string;
  /** The bundled preload (one file: sandboxed preloads cannot require other modules). */
  preload: string;
  /** better-sqlite3 compiled against Electron's ABI; the one in node_modules is built for plain Node (tests, CLI). */
  nativeBinding: string;
  databaseFile: string;
}

/**
 * Where things are at run time. `appRoot` is app.getAppPath(): the repository in development, the asar archive when
 * packaged. The native addon cannot be loaded from inside an asar, so the packaged app ships it as an extra resource
 * (electron-builder.yml: extraResources -> native/better_sqlite3.node); in development scripts/electron-native.mjs
 * builds it into .electron-native/.
 */
export function appPaths(input: { appRoot: string; isPackaged: boolean; resourcesPath: string; userData: string }): AppPaths {
  return {
    rendererRoot: path.join(input.appRoot, 'dist', 'renderer'),
    preload: path.join(input.appRoot, 'dist', 'preload', 'preload.cjs'),
    nativeBinding: input.isPackaged
      ? path.join(input.resourcesPath, 'native', 'better_sqlite3.node')
      : path.join(input.appRoot, '.electron-native', 'better_sqlite3.node'),
    databaseFile: path.join(input.userData, 'veil.db'),
  };
}
