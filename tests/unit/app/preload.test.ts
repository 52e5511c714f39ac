import * as electron from 'electron';
import { beforeAll, describe, expect, it, vi } from 'vitest';

vi.mock('electron', async () => (await import('./fakeElectron')).fakeElectronModule());

import { CHANNEL_NAMES, EVENT_NAMES } from '../../../shared/contract';
import type { VeilBridge } from '../../../preload/bridge';
import type { fakeIpcRenderer } from './fakeElectron';

const mocked = electron as unknown as {
  contextBridge: { exposeInMainWorld: ReturnType<typeof vi.fn> };
  ipcRenderer: ReturnType<typeof fakeIpcRenderer>;
};

let bridge: VeilBridge;

beforeAll(async () => {
  await import('../../../preload/preload');
  expect(mocked.contextBridge.exposeInMainWorld).toHaveBeenCalledTimes(1);
  bridge = mocked.contextBridge.exposeInMainWorld.mock.calls[0]![1] as VeilBridge;
});

describe('what the preload exposes', () => {
  it('exposes window.veil with exactly invoke and on', () => {
    expect(mocked.contextBridge.exposeInMainWorld.mock.calls[0]![0]).toBe('veil');
    expect(Object.keys(bridge).sort()).toEqual(['invoke', 'on']);
    expect(typeof bridge.invoke).toBe('function');
    expect(typeof bridge.on).toBe('function');
  });

  it('never exposes ipcRenderer or any of its methods', () => {
    const exposed = Object.values(bridge) as unknown[];
    expect(exposed).not.toContain(mocked.ipcRenderer);
    expect(exposed).not.toContain(mocked.ipcRenderer.invoke);
    expect(exposed).not.toContain(mocked.ipcRenderer.on);
    expect(JSON.stringify(Object.keys(bridge))).not.toMatch(/ipc|send/i);
  });

  it('is a frozen object (its functions cannot be swapped after exposure)', () => {
    expect(Object.isFrozen(bridge)).toBe(true);
  });
});

describe('invoke', () => {
  it('passes a contract channel to the main process on veil:invoke', async () => {
    mocked.ipcRenderer.invoke.mockClear();
    const channel = CHANNEL_NAMES[0]!;
    const result = await bridge.invoke(channel, { a: 1 });
    expect(mocked.ipcRenderer.invoke).toHaveBeenCalledExactlyOnceWith('veil:invoke', channel, { a: 1 });
    expect(result).toEqual({ ok: true, value: 'from main' });
  });

  it.each(CHANNEL_NAMES.map((c) => [c]))('accepts %s', async (channel) => {
    mocked.ipcRenderer.invoke.mockClear();
    await bridge.invoke(channel, {});
    expect(mocked.ipcRenderer.invoke).toHaveBeenCalledTimes(1);
  });

  it.each(['session.nope', 'veil:invoke', 'veil:event', '', '__proto__', 'toString', 42, null, undefined])(
    'answers not_found for %j without reaching the main process',
    async (channel) => {
      mocked.ipcRenderer.invoke.mockClear();
      const result = await bridge.invoke(channel as string, {});
      expect(result).toMatchObject({ ok: false, error: { code: 'not_found' } });
      expect(mocked.ipcRenderer.invoke).not.toHaveBeenCalled();
    },
  );
});

describe('on', () => {
  const event = EVENT_NAMES[0]!;

  it('passes only the payload to the listener, never the IpcRendererEvent', () => {
    const listener = vi.fn();
    const unsubscribe = bridge.on(event, listener);
    const ipcEvent = { sender: mocked.ipcRenderer, ports: [] };
    mocked.ipcRenderer.emitter.emit('veil:event', ipcEvent, event, { state: 'locked' });
    expect(listener).toHaveBeenCalledExactlyOnceWith({ state: 'locked' });
    unsubscribe();
  });

  it('subscribes on veil:event only and ignores other event names', () => {
    mocked.ipcRenderer.on.mockClear();
    const listener = vi.fn();
    const unsubscribe = bridge.on(event, listener);
    expect(mocked.ipcRenderer.on).toHaveBeenCalledExactlyOnceWith('veil:event', expect.any(Function));
    mocked.ipcRenderer.emitter.emit('veil:event', {}, 'something.else', {});
    expect(listener).not.toHaveBeenCalled();
    unsubscribe();
  });

  it('the returned function unsubscribes', () => {
    const listener = vi.fn();
    const unsubscribe = bridge.on(event, listener);
    unsubscribe();
    expect(mocked.ipcRenderer.removeListener).toHaveBeenCalledWith('veil:event', expect.any(Function));
    mocked.ipcRenderer.emitter.emit('veil:event', {}, event, {});
    expect(listener).not.toHaveBeenCalled();
    expect(mocked.ipcRenderer.emitter.count('veil:event')).toBe(0);
  });

  it.each(['session.nope', 'veil:event', '', '__proto__', 42])('throws not_found for event %j', (name) => {
    mocked.ipcRenderer.on.mockClear();
    expect(() => bridge.on(name as string, () => {})).toThrow(expect.objectContaining({ code: 'not_found' }));
    expect(mocked.ipcRenderer.on).not.toHaveBeenCalled();
  });

  it('needs a listener function', () => {
    expect(() => bridge.on(event, 'nope' as never)).toThrow(TypeError);
  });
});
