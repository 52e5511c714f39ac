import { existsSync } from 'node:fs';
import path from 'node:path';
import type { App, BrowserWindow, BrowserWindowConstructorOptions, CrashReporter, Dialog, IpcMain, Protocol, Session } from 'electron';
import { describePostgresUrl } from '../core/db/postgres';
import type { Logger } from '../core/log';
import { DATABASE_CHOICE_FILE, desktopDatabase } from '../core/system/databaseChoice';
import { openVeilCore, type CoreOptions, type VeilCore } from '../core/veilCore';
import { VEIL_VERSION } from '../core/version';
import { APP_ENTRY_URL, handleAppProtocol, registerAppScheme } from './appProtocol';
import { registerIpc } from './ipc';
import { startCrashReporter, watchForCrashes, type ProcessEvents } from './crashes';
import { openDesktopLog } from './desktopLog';
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
  crashReporter: Pick<CrashReporter, 'start'>;
}

export interface StartOptions {
  createCore?: (options: CoreOptions) => VeilCore | Promise<VeilCore>;
  /** Default: the rotating log file in `<userData>/logs` (desktopLog.ts), echoed to stdout when not packaged. */
  logger?: Logger;
  /** Where uncaught errors of the main process arrive (default: process). */
  processEvents?: ProcessEvents;
  /** The clock of the crash-loop guard (tests). */
  now?: () => number;
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
  const createCore = options.createCore ?? openVeilCore;
  const registry = new WindowRegistry();

  if (!acquireSingleInstance(app, () => registry.first())) return null;

  let core: VeilCore | null = null;
  let paths: AppPaths | null = null;
  const desktopLog = options.logger ? null : openDesktopLog(path.join(app.getPath('userData'), 'logs'), { echo: !app.isPackaged });
  const logger = options.logger ?? desktopLog!.logger;
  startCrashReporter(electron.crashReporter);
  watchForCrashes({
    app,
    dialog: electron.dialog,
    registry,
    logger,
    endSession: (id) => core?.windowClosed(id),
    processEvents: options.processEvents ?? process,
    ...(options.now ? { now: options.now } : {}),
  });

  // Sandbox every renderer, including any created without our webPreferences.
  app.enableSandbox();
  registerAppScheme(electron.protocol);
  hardenApp(app, logger);

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
    logger.info('veil desktop quit');
    void desktopLog?.close();
  });
  // macOS keeps apps alive without windows until quit; a dock click brings one back.
  app.on('activate', () => {
    if (registry.size === 0) createWindow();
  });

  const ready = app.whenReady().then(async () => {
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
      // The workstation's own file, unless VEIL_DATABASE_URL or the administrator's setting names a PostgreSQL server.
      const userData = app.getPath('userData');
      const choiceFile = path.join(userData, DATABASE_CHOICE_FILE);
      const database = desktopDatabase({ ownFile: paths.databaseFile, choiceFile });
      const location = database.location.engine === 'sqlite' ? { dbFile: database.location.file } : { database: database.location.url.href, dataFolder: userData, ...(database.caFile ? { caFile: database.caFile } : {}) };
      const desktopSetting = { choiceFile, ownFile: paths.databaseFile, fromEnvironment: database.from === 'environment' };
      const opened = await createCore({ ...location, desktopDatabase: desktopSetting, mode: 'desktop', nativeBinding: paths.nativeBinding, logger });
      core = opened;
      registerIpc(electron.ipcMain, opened, registry, logger);
      createWindow();
      logger.info('veil desktop started', { version: VEIL_VERSION, electron: process.versions.electron ?? null, database: database.location.engine === 'sqlite' ? database.location.file : describePostgresUrl(database.location.url), databaseFrom: database.from, log: desktopLog?.file ?? null, crashDumps: app.getPath('crashDumps') });
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      logger.error('veil desktop failed to start', { error: message });
      electron.dialog.showErrorBox('Veil cannot start', message);
      app.quit();
    }
  });

  return { registry, ready };
}
