import { existsSync } from 'node:fs';
import type { App, BrowserWindow, BrowserWindowConstructorOptions, Dialog, IpcMain, Protocol, Session } from 'electron';
import { streamLogger, type Logger } from '../core/log';
import { createVeilCore, type CoreOptions, type VeilCore } from '../core/veilCore';
import { APP_ENTRY_URL, handleAppProtocol, registerAppScheme } from './appProtocol';
import { registerIpc } from './ipc';
import { appPaths, type AppPaths } from './paths';
import { hardenApp, hardenSession } from './security';
import { acquireSingleInstance } from './singleInstance';
import { mainWindowOptions } from './windowOptions';
import { openWindow, WindowRegistry } from './windows';

/** The parts of the `electron` module the shell uses; main.ts passes the real ones, tests pass fakes. */
export interface ElectronApi {
  app: Pick<
    App,
    'requestSingleInstanceLock' | 'quit' | 'on' | 'enableSandbox' | 'whenReady' | 'getAppPath' | 'getPath' | 'isPackaged'
  >;
  BrowserWindow: new (options: BrowserWindowConstructorOptions) => BrowserWindow;
  protocol: Pick<Protocol, 'registerSchemesAsPrivileged' | 'handle'>;
  /** Read only after 'ready': Electron throws when defaultSession is touched earlier. */
  session: { readonly defaultSession: Session };
  ipcMain: Pick<IpcMain, 'handle'>;
  dialog: Pick<Dialog, 'showErrorBox'>;
}

export interface StartOptions {
  createCore?: (options: CoreOptions) => VeilCore;
  logger?: Logger;
  /** process.resourcesPath in Electron (undefined under plain Node). */
  resourcesPath?: string;
}

export interface RunningVeil {
  registry: WindowRegistry;
  /** Resolves once the app is ready and the first window is open (or start-up failed and the app is quitting). */
  ready: Promise<void>;
}

/**
 * The shell's start-up, in the order Electron requires: everything that configures Chromium (sandbox, privileged
 * scheme) runs synchronously before 'ready'; sessions, protocol handlers, the core and windows after it.
 * Returns null when another instance already runs (this one quits).
 */
export function startVeil(electron: ElectronApi, options: StartOptions = {}): RunningVeil | null {
  const { app } = electron;
  const logger = options.logger ?? streamLogger((line) => process.stdout.write(line));
  const createCore = options.createCore ?? createVeilCore;
  const registry = new WindowRegistry();

  if (!acquireSingleInstance(app, () => registry.first())) return null;

  // Sandbox every renderer, including any created without our webPreferences.
  app.enableSandbox();
  registerAppScheme(electron.protocol);
  hardenApp(app, logger);

  let core: VeilCore | null = null;
  let paths: AppPaths | null = null;

  const createWindow = () => {
    if (!core || !paths) return;
    const running = core;
    openWindow({
      BrowserWindow: electron.BrowserWindow,
      options: mainWindowOptions(paths.preload, { devTools: !app.isPackaged }),
      url: APP_ENTRY_URL,
      registry,
      // Closing a window ends its session: the next window starts at the login screen.
      onClosed: (id) => running.windowClosed(id),
    });
  };

  app.on('window-all-closed', () => app.quit());
  app.on('will-quit', () => {
    core?.close();
    core = null;
  });
  // macOS keeps apps alive without windows until quit; a dock click brings one back.
  app.on('activate', () => {
    if (registry.size === 0) createWindow();
  });

  const ready = app.whenReady().then(() => {
    try {
      paths = appPaths({
        appRoot: app.getAppPath(),
        isPackaged: app.isPackaged,
        resourcesPath: options.resourcesPath ?? '',
        userData: app.getPath('userData'),
      });
      hardenSession(electron.session.defaultSession, logger);
      handleAppProtocol(electron.protocol, paths.rendererRoot);
      if (!existsSync(paths.nativeBinding)) {
        throw new Error(
          `The Electron build of better-sqlite3 is missing (${paths.nativeBinding}). ` +
            (app.isPackaged ? 'Reinstall Veil.' : 'Run `npm start`, which builds it with scripts/electron-native.mjs.'),
        );
      }
      core = createCore({ dbFile: paths.databaseFile, mode: 'desktop', nativeBinding: paths.nativeBinding, logger });
      registerIpc(electron.ipcMain, core, registry, logger);
      createWindow();
      logger.info('veil desktop started', { database: paths.databaseFile });
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      logger.error('veil desktop failed to start', { error: message });
      electron.dialog.showErrorBox('Veil cannot start', message);
      app.quit();
    }
  });

  return { registry, ready };
}
