import type { BrowserWindow, IpcMainInvokeEvent } from 'electron';
import { beforeEach, describe, expect, it, vi } from 'vitest';

vi.mock('electron', async () => (await import('./fakeElectron')).fakeElectronModule());

import { IPC_EVENT as PRELOAD_EVENT, IPC_INVOKE as PRELOAD_INVOKE } from '../../../preload/bridge';
import { IPC_EVENT, IPC_INVOKE, checkSender, registerIpc } from '../../../main/app/ipc';
import { WindowRegistry } from '../../../main/app/windows';
import type { VeilResult } from '../../../shared/errors';
import { FakeBrowserWindow, FakeWebContents, fakeIpcMain, type FakeFrame } from './fakeElectron';

type CoreListener = (windowId: string, event: string, payload: unknown) => void;

function setup() {
  const ipcMain = fakeIpcMain();
  const listeners: CoreListener[] = [];
  const core = {
    dispatch: vi.fn(async (_windowId: string, _channel: string, _input: unknown): Promise<VeilResult<unknown>> => ({ ok: true, value: { done: true } })),
    onEvent: vi.fn((listener: CoreListener) => listeners.push(listener)),
  };
  const registry = new WindowRegistry();
  const window = new FakeBrowserWindow({});
  registry.add(window as unknown as BrowserWindow);
  registerIpc(ipcMain, core as never, registry);
  const handler = ipcMain.handlers.get('veil:invoke') as (event: unknown, channel: unknown, input: unknown) => Promise<VeilResult<unknown>>;
  /** An invoke event from the given contents and frame (its main frame unless told otherwise). */
  const eventFrom = (sender: FakeWebContents, frame: FakeFrame | null = sender.mainFrame) => ({ sender, senderFrame: frame });
  const emitCore = (windowId: string, event: string, payload: unknown) => listeners.forEach((l) => l(windowId, event, payload));
  return { ipcMain, core, registry, window, handler, eventFrom, emitCore };
}

describe('IPC registration', () => {
  it('uses the same channel names as the preload', () => {
    expect(IPC_INVOKE).toBe('veil:invoke');
    expect(IPC_EVENT).toBe('veil:event');
    expect(PRELOAD_INVOKE).toBe(IPC_INVOKE);
    expect(PRELOAD_EVENT).toBe(IPC_EVENT);
  });

  it('registers exactly one handler, veil:invoke', () => {
    const { ipcMain } = setup();
    expect(ipcMain.handle).toHaveBeenCalledTimes(1);
    expect([...ipcMain.handlers.keys()]).toEqual(['veil:invoke']);
  });
});

describe('sender check', () => {
  let s: ReturnType<typeof setup>;
  beforeEach(() => {
    s = setup();
  });

  it('forwards a good call from the main frame of a Veil window to core.dispatch with the window id', async () => {
    const result = await s.handler(s.eventFrom(s.window.webContents), 'session.login', { username: 'a', password: 'b' });
    expect(result).toEqual({ ok: true, value: { done: true } });
    expect(s.core.dispatch).toHaveBeenCalledExactlyOnceWith(String(s.window.webContents.id), 'session.login', { username: 'a', password: 'b' });
  });

  it('refuses a sub-frame, even one showing an app:// page', async () => {
    const contents = s.window.webContents;
    const subFrame: FakeFrame = { url: 'app://veil/index.html', parent: contents.mainFrame };
    const result = await s.handler(s.eventFrom(contents, subFrame), 'system.info', {});
    expect(result).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    expect(s.core.dispatch).not.toHaveBeenCalled();
  });

  it('refuses a sender whose frame is gone', async () => {
    const result = await s.handler(s.eventFrom(s.window.webContents, null), 'system.info', {});
    expect(result).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    expect(s.core.dispatch).not.toHaveBeenCalled();
  });

  it.each(['https://evil.example/', 'file:///home/user/index.html', 'http://127.0.0.1:5173/', 'app://other/index.html', 'about:blank', 'devtools://devtools/bundled/inspector.html'])(
    'refuses a main frame showing %s',
    async (url) => {
      s.window.webContents.mainFrame.url = url;
      const result = await s.handler(s.eventFrom(s.window.webContents), 'system.info', {});
      expect(result).toMatchObject({ ok: false, error: { code: 'forbidden' } });
      expect(s.core.dispatch).not.toHaveBeenCalled();
    },
  );

  it('refuses web contents Veil did not create, even on app://veil', async () => {
    const stranger = new FakeWebContents('app://veil/index.html');
    const result = await s.handler(s.eventFrom(stranger), 'system.info', {});
    expect(result).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    expect(s.core.dispatch).not.toHaveBeenCalled();
  });

  it('refuses a closed window', async () => {
    s.window.destroyed = true;
    const result = await s.handler(s.eventFrom(s.window.webContents), 'system.info', {});
    expect(result).toMatchObject({ ok: false, error: { code: 'forbidden' } });
  });

  it('checkSender accepts only the main frame of an owned window on app://veil', () => {
    const ok = s.eventFrom(s.window.webContents) as unknown as IpcMainInvokeEvent;
    expect(checkSender(ok, s.registry)).toBeNull();
  });
});

describe('channel names', () => {
  it.each(['session.nope', 'nope', '', '__proto__', 'constructor', 'session.login ', 'veil:invoke'])('refuses unknown channel %j', async (channel) => {
    const s = setup();
    const result = await s.handler(s.eventFrom(s.window.webContents), channel, {});
    expect(result).toMatchObject({ ok: false, error: { code: 'not_found' } });
    expect(s.core.dispatch).not.toHaveBeenCalled();
  });

  it.each([42, null, undefined, { toString: () => 'session.login' }, ['session.login']])('refuses a non-string channel %j', async (channel) => {
    const s = setup();
    const result = await s.handler(s.eventFrom(s.window.webContents), channel, {});
    expect(result).toMatchObject({ ok: false, error: { code: 'not_found' } });
    expect(s.core.dispatch).not.toHaveBeenCalled();
  });

  it('the sender check comes first: a foreign page learns nothing about channel names', async () => {
    const s = setup();
    s.window.webContents.mainFrame.url = 'https://evil.example/';
    expect(await s.handler(s.eventFrom(s.window.webContents), 'nope', {})).toMatchObject({ ok: false, error: { code: 'forbidden' } });
  });
});

describe('failures and events', () => {
  it('a throwing core answers a typed internal error instead of rejecting', async () => {
    const s = setup();
    s.core.dispatch.mockRejectedValueOnce(new Error('disk on fire'));
    const result = await s.handler(s.eventFrom(s.window.webContents), 'system.info', {});
    expect(result).toMatchObject({ ok: false, error: { code: 'internal' } });
    expect(JSON.stringify(result)).not.toContain('disk on fire');
  });

  it('forwards core events to the matching window only', () => {
    const s = setup();
    const other = new FakeBrowserWindow({});
    s.registry.add(other as unknown as BrowserWindow);
    s.emitCore(String(s.window.webContents.id), 'session.changed', { state: 'locked' });
    expect(s.window.webContents.send).toHaveBeenCalledExactlyOnceWith('veil:event', 'session.changed', { state: 'locked' });
    expect(other.webContents.send).not.toHaveBeenCalled();
  });

  it('drops events for windows that are closed or unknown', () => {
    const s = setup();
    s.emitCore('99999', 'session.changed', {});
    s.window.close();
    s.emitCore(String(s.window.webContents.id), 'session.changed', {});
    expect(s.window.webContents.send).not.toHaveBeenCalled();
  });
});
