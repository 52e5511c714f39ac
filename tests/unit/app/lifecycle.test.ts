import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

vi.mock('electron', async () => (await import('./fakeElectron')).fakeElectronModule());

import { startVeil, type ElectronApi } from '../../../main/app/lifecycle';
import { secureWebPreferences } from '../../../main/app/windowOptions';
import type { CoreOptions, VeilCore } from '../../../main/core/veilCore';
import { silentLogger } from '../../../main/core/log';
import { FakeApp, FakeBrowserWindow, FakeEmitter, fakeIpcMain, fakeProtocol, fakeSession } from './fakeElectron';

let appRoot: string;

beforeEach(() => {
  FakeBrowserWindow.instances = [];
  appRoot = mkdtempSync(path.join(os.tmpdir(), 'veil-app-'));
  // Stands for the Electron build of better-sqlite3 that scripts/electron-native.mjs produces.
  mkdirSync(path.join(appRoot, '.electron-native'));
  writeFileSync(path.join(appRoot, '.electron-native', 'better_sqlite3.node'), '');
});
afterEach(() => rmSync(appRoot, { recursive: true, force: true }));

function setup(lockGranted = true) {
  const app = new FakeApp();
  app.lockGranted = lockGranted;
  app.appPath = appRoot;
  const calls: string[] = [];
  app.enableSandbox.mockImplementation(() => calls.push('enableSandbox'));
  app.whenReady.mockImplementation(() => {
    calls.push('whenReady');
    return app.readyPromise;
  });
  const protocol = fakeProtocol();
  protocol.registerSchemesAsPrivileged.mockImplementation(() => calls.push('registerSchemesAsPrivileged'));
  const defaultSession = fakeSession();
  const ipcMain = fakeIpcMain();
  const dialog = { showErrorBox: vi.fn() };
  const core = { dispatch: vi.fn(), onEvent: vi.fn(), windowClosed: vi.fn(), close: vi.fn() };
  const createCore = vi.fn((_options: CoreOptions) => core as unknown as VeilCore);
  const crashReporter = { start: vi.fn() };
  const electron = { app, BrowserWindow: FakeBrowserWindow, protocol, session: { defaultSession }, ipcMain, dialog, crashReporter } as unknown as ElectronApi;
  const running = startVeil(electron, { createCore, logger: silentLogger, resourcesPath: '/opt/Veil/resources', processEvents: new FakeEmitter() });
  return { app, protocol, defaultSession, ipcMain, dialog, core, createCore, running, calls };
}

describe('single-instance lock', () => {
  it('quits at once, and sets nothing up, when another instance holds the lock', () => {
    const s = setup(false);
    expect(s.app.requestSingleInstanceLock).toHaveBeenCalledTimes(1);
    expect(s.app.quit).toHaveBeenCalledTimes(1);
    expect(s.running).toBeNull();
    expect(s.app.enableSandbox).not.toHaveBeenCalled();
    expect(s.app.whenReady).not.toHaveBeenCalled();
    expect(s.protocol.registerSchemesAsPrivileged).not.toHaveBeenCalled();
    expect(s.ipcMain.handle).not.toHaveBeenCalled();
    expect(s.createCore).not.toHaveBeenCalled();
  });

  it('a second launch brings the existing window to the front', async () => {
    const s = setup();
    await s.app.becomeReady();
    await s.running!.ready;
    const window = FakeBrowserWindow.instances[0]!;
    window.minimized = true;
    s.app.emit('second-instance', {}, ['veil'], '/');
    expect(window.restore).toHaveBeenCalled();
    expect(window.focus).toHaveBeenCalled();
    expect(FakeBrowserWindow.instances).toHaveLength(1);
    expect(s.app.quit).not.toHaveBeenCalled();
  });
});

describe('before ready', () => {
  it('enables the sandbox for all renderers and registers the app scheme before waiting for ready', () => {
    const s = setup();
    expect(s.calls).toEqual(['enableSandbox', 'registerSchemesAsPrivileged', 'whenReady']);
    expect(s.protocol.registerSchemesAsPrivileged).toHaveBeenCalledWith([
      { scheme: 'app', privileges: { standard: true, secure: true, supportFetchAPI: true } },
    ]);
    // Nothing that needs a ready app has happened yet.
    expect(s.protocol.handle).not.toHaveBeenCalled();
    expect(s.defaultSession.setPermissionRequestHandler).not.toHaveBeenCalled();
    expect(FakeBrowserWindow.instances).toHaveLength(0);
  });

  it('hardens every web contents Electron will create', () => {
    const s = setup();
    expect(s.app.count('web-contents-created')).toBe(1);
  });
});

describe('on ready', () => {
  it('installs the protocol handler and the session permission guards', async () => {
    const s = setup();
    await s.app.becomeReady();
    await s.running!.ready;
    expect(s.protocol.handle).toHaveBeenCalledWith('app', expect.any(Function));
    expect(s.defaultSession.setPermissionRequestHandler).toHaveBeenCalledTimes(1);
    expect(s.defaultSession.setPermissionCheckHandler).toHaveBeenCalledTimes(1);
    expect(s.defaultSession.setDevicePermissionHandler).toHaveBeenCalledTimes(1);
  });

  it('opens the core on userData/veil.db with the Electron build of better-sqlite3', async () => {
    const s = setup();
    await s.app.becomeReady();
    await s.running!.ready;
    expect(s.createCore).toHaveBeenCalledExactlyOnceWith(
      expect.objectContaining({
        dbFile: path.join(s.app.userData, 'veil.db'),
        mode: 'desktop',
        nativeBinding: path.join(appRoot, '.electron-native', 'better_sqlite3.node'),
      }),
    );
    expect(s.ipcMain.handle).toHaveBeenCalledWith('veil:invoke', expect.any(Function));
  });

  it("opens the PostgreSQL server the administrator chose (database.json in userData), keeping the anchors in userData; VEIL_DATABASE_URL wins over it", async () => {
    const s = setup();
    s.app.userData = mkdtempSync(path.join(os.tmpdir(), 'veil-userdata-'));
    writeFileSync(path.join(s.app.userData, 'database.json'), JSON.stringify({ version: 1, choice: { engine: 'postgres', url: 'postgres://veil:secret@db.pharmacy.local:5432/veil', caFile: null } }));
    vi.stubEnv('VEIL_DATABASE_URL', '');
    try {
      await s.app.becomeReady();
      await s.running!.ready;
      const options = s.createCore.mock.calls[0]![0];
      expect(options).toMatchObject({ database: 'postgres://veil:secret@db.pharmacy.local:5432/veil', dataFolder: s.app.userData, desktopDatabase: { choiceFile: path.join(s.app.userData, 'database.json'), ownFile: path.join(s.app.userData, 'veil.db'), fromEnvironment: false } });
      expect(options.dbFile).toBeUndefined();

      const again = setup();
      again.app.userData = s.app.userData;
      vi.stubEnv('VEIL_DATABASE_URL', path.join(s.app.userData, 'other.db'));
      await again.app.becomeReady();
      await again.running!.ready;
      expect(again.createCore.mock.calls[0]![0]).toMatchObject({ dbFile: path.join(s.app.userData, 'other.db'), desktopDatabase: { fromEnvironment: true } });
    } finally {
      vi.unstubAllEnvs();
      rmSync(s.app.userData, { recursive: true, force: true });
    }
  });

  it('opens one secure window on app://veil/index.html', async () => {
    const s = setup();
    await s.app.becomeReady();
    await s.running!.ready;
    expect(FakeBrowserWindow.instances).toHaveLength(1);
    const window = FakeBrowserWindow.instances[0]!;
    expect(window.options.webPreferences).toEqual(
      secureWebPreferences(path.join(appRoot, 'dist', 'preload', 'preload.cjs'), { devTools: true }),
    );
    expect(window.loadURL).toHaveBeenCalledExactlyOnceWith('app://veil/index.html');
    window.emit('ready-to-show');
    expect(window.show).toHaveBeenCalled();
  });

  it('the packaged app has no DevTools and loads the addon from resources/native', async () => {
    const app = new FakeApp();
    app.isPackaged = true;
    app.appPath = path.join(appRoot, 'app.asar');
    const createCore = vi.fn(() => ({ onEvent: vi.fn(), close: vi.fn(), windowClosed: vi.fn() }) as unknown as VeilCore);
    const resources = path.join(appRoot, 'resources');
    mkdirSync(path.join(resources, 'native'), { recursive: true });
    writeFileSync(path.join(resources, 'native', 'better_sqlite3.node'), '');
    const electron = { app, BrowserWindow: FakeBrowserWindow, protocol: fakeProtocol(), session: { defaultSession: fakeSession() }, ipcMain: fakeIpcMain(), dialog: { showErrorBox: vi.fn() }, crashReporter: { start: vi.fn() } };
    const running = startVeil(electron as unknown as ElectronApi, { createCore, logger: silentLogger, resourcesPath: resources, processEvents: new FakeEmitter() });
    await app.becomeReady();
    await running!.ready;
    expect(createCore).toHaveBeenCalledWith(expect.objectContaining({ nativeBinding: path.join(resources, 'native', 'better_sqlite3.node') }));
    expect((FakeBrowserWindow.instances[0]!.options.webPreferences as { devTools: boolean }).devTools).toBe(false);
  });

  it('explains and quits when the Electron build of better-sqlite3 is missing', async () => {
    rmSync(path.join(appRoot, '.electron-native'), { recursive: true });
    const s = setup();
    await s.app.becomeReady();
    await s.running!.ready;
    expect(s.createCore).not.toHaveBeenCalled();
    expect(s.dialog.showErrorBox).toHaveBeenCalledWith('Veil cannot start', expect.stringContaining('better-sqlite3'));
    expect(s.app.quit).toHaveBeenCalled();
    expect(FakeBrowserWindow.instances).toHaveLength(0);
  });
});

describe('windows and quitting', () => {
  it('closing a window ends its session in the core', async () => {
    const s = setup();
    await s.app.becomeReady();
    await s.running!.ready;
    const window = FakeBrowserWindow.instances[0]!;
    const id = String(window.webContents.id);
    window.close();
    expect(s.core.windowClosed).toHaveBeenCalledExactlyOnceWith(id);
    expect(s.running!.registry.size).toBe(0);
  });

  it('quits when all windows are closed, and closes the core on quit', async () => {
    const s = setup();
    await s.app.becomeReady();
    await s.running!.ready;
    s.app.emit('window-all-closed');
    expect(s.app.quit).toHaveBeenCalled();
    s.app.emit('will-quit');
    expect(s.core.close).toHaveBeenCalledTimes(1);
  });

  it('re-opens a window on activate (macOS dock) when none is open', async () => {
    const s = setup();
    await s.app.becomeReady();
    await s.running!.ready;
    s.app.emit('activate');
    expect(FakeBrowserWindow.instances).toHaveLength(1);
    FakeBrowserWindow.instances[0]!.close();
    s.app.emit('activate');
    expect(FakeBrowserWindow.instances).toHaveLength(2);
  });
});
