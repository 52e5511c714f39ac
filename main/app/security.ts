import type { App, Session, WebContents } from 'electron';
import type { Logger } from '../core/log';
import { isAppUrl } from './appProtocol';

/**
 * Keeps every web contents on app://veil. The renderer never needs to leave it: links to the outside world are not
 * part of a dispensing workflow, and a page from elsewhere would get the preload bridge.
 */
export function hardenWebContents(contents: WebContents, logger?: Logger): void {
  const refuse = (what: string, url: string, preventDefault: () => void) => {
    preventDefault();
    logger?.info('navigation refused', { what, url: safeForLog(url) });
  };

  // Main-frame navigations (links, location changes, form posts).
  contents.on('will-navigate', (event) => {
    if (!isAppUrl(event.url)) refuse('will-navigate', event.url, () => event.preventDefault());
  });
  // Sub-frame navigations too: the CSP allows no foreign frame, but a frame could still be pointed elsewhere.
  contents.on('will-frame-navigate', (event) => {
    if (!isAppUrl(event.url)) refuse('will-frame-navigate', event.url, () => event.preventDefault());
  });
  // A redirect is a navigation the page did not ask for by name; the same rule applies.
  contents.on('will-redirect', (event) => {
    if (!isAppUrl(event.url)) refuse('will-redirect', event.url, () => event.preventDefault());
  });
  // No new windows at all (window.open, target=_blank, middle-click): Veil has exactly one window per instance.
  contents.setWindowOpenHandler((details) => {
    logger?.info('window.open refused', { url: safeForLog(details.url) });
    return { action: 'deny' };
  });
  // webviewTag is off in webPreferences; this also blocks any attempt to attach one should that ever change.
  contents.on('will-attach-webview', (event) => {
    event.preventDefault();
    logger?.info('webview refused');
  });
}

/**
 * The renderer asks for no browser permission: no camera, microphone, notifications, geolocation, clipboard read,
 * HID, USB or serial. Scanners and printers are driven from the main process (node-hid, print queues), never through
 * WebHID/WebUSB, so the page is refused all of them, both when it asks and when it merely checks.
 */
export function hardenSession(session: Session, logger?: Logger): void {
  session.setPermissionRequestHandler((_contents, permission, callback) => {
    logger?.info('permission refused', { permission });
    callback(false);
  });
  session.setPermissionCheckHandler(() => false);
  session.setDevicePermissionHandler(() => false);
}

/** Applies hardenWebContents to every web contents ever created, so no window or frame slips past. */
export function hardenApp(app: Pick<App, 'on'>, logger?: Logger): void {
  app.on('web-contents-created', (_event, contents) => hardenWebContents(contents, logger));
}

/** URLs end up in the log; keep only scheme, host and path so query strings (tokens, names) do not. */
function safeForLog(url: string): string {
  try {
    const u = new URL(url);
    return `${u.protocol}//${u.host}${u.pathname}`;
  } catch {
    return '(unparsable URL)';
  }
}
