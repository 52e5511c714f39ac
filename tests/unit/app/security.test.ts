import type { App, Session, WebContents } from 'electron';
import { describe, expect, it, vi } from 'vitest';

vi.mock('electron', async () => (await import('./fakeElectron')).fakeElectronModule());

import { hardenApp, hardenSession, hardenWebContents } from '../../../main/app/security';
import { FakeEmitter, FakeWebContents, fakeEvent, fakeSession } from './fakeElectron';

function hardened(): FakeWebContents {
  const contents = new FakeWebContents();
  hardenWebContents(contents as unknown as WebContents);
  return contents;
}

const FOREIGN = ['https://evil.example/', 'http://127.0.0.1:8080/', 'file:///etc/passwd', 'app://other/index.html', 'javascript:alert(1)', 'data:text/html,<script>1</script>'];

describe('navigation', () => {
  it.each(['will-navigate', 'will-frame-navigate', 'will-redirect'])('%s handlers are registered', (name) => {
    expect(hardened().count(name)).toBe(1);
  });

  describe.each(['will-navigate', 'will-frame-navigate', 'will-redirect'])('%s', (name) => {
    it.each(FOREIGN)('denies leaving the app for %s', (url) => {
      const contents = hardened();
      const event = fakeEvent({ url });
      contents.emit(name, event);
      expect(event.preventDefault).toHaveBeenCalled();
    });

    it('lets the app move between its own pages', () => {
      const contents = hardened();
      const event = fakeEvent({ url: 'app://veil/index.html' });
      contents.emit(name, event);
      expect(event.preventDefault).not.toHaveBeenCalled();
    });
  });
});

describe('new windows', () => {
  it.each([...FOREIGN, 'app://veil/index.html'])('window.open(%s) is denied', (url) => {
    const contents = hardened();
    expect(contents.windowOpenHandler).not.toBeNull();
    expect(contents.windowOpenHandler!({ url })).toEqual({ action: 'deny' });
  });
});

describe('webview', () => {
  it('attaching a <webview> is prevented', () => {
    const contents = hardened();
    expect(contents.count('will-attach-webview')).toBe(1);
    const event = fakeEvent({});
    contents.emit('will-attach-webview', event, {}, {});
    expect(event.preventDefault).toHaveBeenCalled();
  });
});

describe('permissions', () => {
  function hardenedSession() {
    const session = fakeSession();
    hardenSession(session as unknown as Session);
    return session;
  }

  it.each(['media', 'geolocation', 'notifications', 'clipboard-read', 'openExternal', 'display-capture', 'fullscreen', 'unknown'])(
    'a request for %s is denied',
    (permission) => {
      const session = hardenedSession();
      expect(session.setPermissionRequestHandler).toHaveBeenCalledTimes(1);
      const handler = session.setPermissionRequestHandler.mock.calls[0]![0] as (...args: unknown[]) => void;
      const callback = vi.fn();
      handler({}, permission, callback, {});
      expect(callback).toHaveBeenCalledExactlyOnceWith(false);
    },
  );

  it.each(['hid', 'usb', 'serial', 'media', 'clipboard-read', 'geolocation'])('a check for %s answers false', (permission) => {
    const session = hardenedSession();
    const check = session.setPermissionCheckHandler.mock.calls[0]![0] as (...args: unknown[]) => boolean;
    expect(check(null, permission, 'app://veil', {})).toBe(false);
  });

  it('device access (WebHID, WebUSB, Web Serial) is denied: devices are driven from the main process', () => {
    const session = hardenedSession();
    const device = session.setDevicePermissionHandler.mock.calls[0]![0] as (...args: unknown[]) => boolean;
    expect(device({ deviceType: 'hid', origin: 'app://veil' })).toBe(false);
    expect(device({ deviceType: 'usb', origin: 'app://veil' })).toBe(false);
  });
});

describe('every web contents', () => {
  it('is hardened as soon as Electron creates it', () => {
    const app = new FakeEmitter();
    hardenApp(app as unknown as App);
    expect(app.count('web-contents-created')).toBe(1);
    const contents = new FakeWebContents();
    app.emit('web-contents-created', fakeEvent({}), contents);
    expect(contents.count('will-navigate')).toBe(1);
    expect(contents.count('will-attach-webview')).toBe(1);
    expect(contents.windowOpenHandler!({ url: 'https://evil.example' })).toEqual({ action: 'deny' });
  });

  it.each(['window', 'webview'] as const)('including a %s', (type) => {
    const app = new FakeEmitter();
    hardenApp(app as unknown as App);
    const contents = new FakeWebContents('app://veil/index.html', type);
    app.emit('web-contents-created', fakeEvent({}), contents);
    expect(contents.count('will-navigate')).toBe(1);
  });
});
