import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

vi.mock('electron', async () => (await import('./fakeElectron')).fakeElectronModule());

import { startVeil, type ElectronApi } from '../../../main/app/lifecycle';
import { CRASH_REPORTS_FOLDER, MAX_RELOADS } from '../../../main/app/crashes';
import { LOG_FILE_NAME, openDesktopLog } from '../../../main/app/desktopLog';
import type { CoreOptions, VeilCore } from '../../../main/core/veilCore';
import { silentLogger, type Logger } from '../../../main/core/log';
import { FakeApp, FakeBrowserWindow, FakeEmitter, FakeWebContents, fakeIpcMain, fakeProtocol, fakeSession } from './fakeElectron';

let root: string;

beforeEach(() => {
  FakeBrowserWindow.instances = [];
  root = mkdtempSync(path.join(os.tmpdir(), 'veil-shell-'));
  mkdirSync(path.join(root, 'app', '.electron-native'), { recursive: true });
  writeFileSync(path.join(root, 'app', '.electron-native', 'better_sqlite3.node'), '');
  mkdirSync(path.join(root, 'resources', 'native'), { recursive: true });
  writeFileSync(path.join(root, 'resources', 'native', 'better_sqlite3.node'), '');
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

function start(options: { logger?: Logger; now?: () => number; packaged?: boolean } = {}) {
  const app = new FakeApp();
  app.isPackaged = options.packaged ?? false;
  app.appPath = path.join(root, 'app');
  app.userData = path.join(root, 'userData');
  const dialog = { showErrorBox: vi.fn() };
  const crashReporter = { start: vi.fn() };
  const processEvents = new FakeEmitter();
  const core = { dispatch: vi.fn(), onEvent: vi.fn(), windowClosed: vi.fn(), close: vi.fn() };
  const createCore = vi.fn((_options: CoreOptions) => core as unknown as VeilCore);
  const electron = {
    app,
    BrowserWindow: FakeBrowserWindow,
    protocol: fakeProtocol(),
    session: { defaultSession: fakeSession() },
    ipcMain: fakeIpcMain(),
    dialog,
    crashReporter,
  } as unknown as ElectronApi;
  const running = startVeil(electron, { createCore, resourcesPath: path.join(root, 'resources'), processEvents, ...(options.logger ? { logger: options.logger } : {}), ...(options.now ? { now: options.now } : {}) });
  return { app, dialog, crashReporter, processEvents, core, running: running! };
}

async function fileContaining(file: string, text: string): Promise<string> {
  for (let i = 0; i < 100; i++) {
    if (existsSync(file) && readFileSync(file, 'utf8').includes(text)) return readFileSync(file, 'utf8');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  throw new Error(`${file} never contained "${text}"`);
}

describe('the desktop log', () => {
  it('goes to <userData>/logs/veil.log, owner-only, from start to quit (not to a stdout a packaged app does not have)', async () => {
    const s = start({ packaged: true });
    await s.app.becomeReady();
    await s.running.ready;
    s.app.emit('will-quit');
    const file = path.join(root, 'userData', 'logs', LOG_FILE_NAME);
    const text = await fileContaining(file, 'veil desktop quit');
    const lines = text.trim().split('\n').map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(lines.find((l) => l.message === 'veil desktop started')).toMatchObject({ level: 'info', log: file, database: path.join(root, 'userData', 'veil.db') });
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(statSync(path.dirname(file)).mode & 0o777).toBe(0o700);
  });

  it('rotates by size and keeps only the configured number of old files', async () => {
    const folder = path.join(root, 'logs');
    const log = openDesktopLog(folder, { size: '2K', keep: 2 });
    for (let i = 0; i < 200; i++) {
      log.logger.info('kit received', { line: i, padding: 'x'.repeat(60) });
      // Rotation happens between writes; letting the stream drain now and then is what a real app does between events.
      if (i % 10 === 9) await new Promise((resolve) => setTimeout(resolve, 5));
    }
    await log.close();
    const files = readdirSync(folder).sort();
    expect(files).toEqual([LOG_FILE_NAME, `${LOG_FILE_NAME}.1`, `${LOG_FILE_NAME}.2`]);
    for (const name of files) expect(statSync(path.join(folder, name)).size).toBeLessThanOrEqual(2048 + 200);
    // The newest line is in the current file, and the current file continues where veil.log.1 stopped.
    const current = readFileSync(path.join(folder, LOG_FILE_NAME), 'utf8').trim().split('\n');
    const previous = readFileSync(path.join(folder, `${LOG_FILE_NAME}.1`), 'utf8').trim().split('\n');
    expect(JSON.parse(current.at(-1)!).line).toBe(199);
    expect(JSON.parse(current[0]!).line).toBe(JSON.parse(previous.at(-1)!).line + 1);
  });
});

describe('crashes', () => {
  it('starts the crash reporter before ready, writing dumps locally and never uploading them', () => {
    const s = start({ logger: silentLogger });
    expect(s.crashReporter.start).toHaveBeenCalledWith(expect.objectContaining({ uploadToServer: false }));
    expect(s.app.whenReady.mock.invocationCallOrder[0]!).toBeGreaterThan(s.crashReporter.start.mock.invocationCallOrder[0]!);
  });

  it('a crashed window is logged, its session ended (key wiped) and reloaded at the login screen', async () => {
    const lines: string[] = [];
    const s = start({ logger: { info: (m, f) => lines.push(JSON.stringify({ m, ...f })), error: (m, f) => lines.push(JSON.stringify({ m, ...f })) } });
    await s.app.becomeReady();
    await s.running.ready;
    const window = FakeBrowserWindow.instances[0]!;
    s.app.emit('render-process-gone', {}, window.webContents, { reason: 'crashed', exitCode: 139 });
    expect(s.core.windowClosed).toHaveBeenCalledWith(String(window.webContents.id));
    expect(window.webContents.reload).toHaveBeenCalledTimes(1);
    expect(lines.some((l) => l.includes('"m":"window crashed"') && l.includes('"reason":"crashed"'))).toBe(true);
    // A page that ended normally (closing, navigating) is not a crash.
    s.app.emit('render-process-gone', {}, window.webContents, { reason: 'clean-exit', exitCode: 0 });
    expect(window.webContents.reload).toHaveBeenCalledTimes(1);
  });

  it(`a window that crashes ${MAX_RELOADS} times in a minute is closed with a message instead of reloading in a loop`, async () => {
    let clock = 1_000_000;
    const s = start({ logger: silentLogger, now: () => clock });
    await s.app.becomeReady();
    await s.running.ready;
    const window = FakeBrowserWindow.instances[0]!;
    for (let i = 0; i < MAX_RELOADS; i++) {
      s.app.emit('render-process-gone', {}, window.webContents, { reason: 'oom', exitCode: 0 });
      clock += 10_000;
    }
    expect(window.webContents.reload).toHaveBeenCalledTimes(MAX_RELOADS - 1);
    expect(window.isDestroyed()).toBe(true);
    expect(s.dialog.showErrorBox).toHaveBeenCalledWith('Veil closed a window that kept failing', expect.stringContaining('Nothing that was confirmed is lost'));
  });

  it('the contents of a window Veil did not open is logged, never reloaded, and ends no session', async () => {
    const s = start({ logger: silentLogger });
    await s.app.becomeReady();
    await s.running.ready;
    const stranger = new FakeWebContents('https://example.org/');
    s.app.emit('render-process-gone', {}, stranger, { reason: 'crashed', exitCode: 1 });
    expect(stranger.reload).not.toHaveBeenCalled();
    expect(s.core.windowClosed).not.toHaveBeenCalled();
  });

  it('an uncaught exception of the main process writes a local crash report, says so and quits', async () => {
    const s = start({ logger: silentLogger });
    await s.app.becomeReady();
    await s.running.ready;
    s.processEvents.emit('uncaughtException', new Error('disk controller reset'));
    const folder = path.join(root, 'userData', CRASH_REPORTS_FOLDER);
    const [name] = readdirSync(folder);
    const report = JSON.parse(readFileSync(path.join(folder, name!), 'utf8'));
    expect(report).toMatchObject({ process: 'main', kind: 'uncaughtException', message: 'disk controller reset', version: expect.any(String) });
    expect(report.stack).toContain('disk controller reset');
    expect(statSync(path.join(folder, name!)).mode & 0o777).toBe(0o600);
    expect(s.dialog.showErrorBox).toHaveBeenCalledWith('Veil must close', expect.stringContaining(path.join(folder, name!)));
    expect(s.app.quit).toHaveBeenCalled();
  });

  it('an unhandled rejection is reported and logged, and Veil keeps running', async () => {
    const s = start({ logger: silentLogger });
    await s.app.becomeReady();
    await s.running.ready;
    s.processEvents.emit('unhandledRejection', new Error('printer went away'));
    expect(readdirSync(path.join(root, 'userData', CRASH_REPORTS_FOLDER))).toHaveLength(1);
    expect(s.app.quit).not.toHaveBeenCalled();
  });
});
