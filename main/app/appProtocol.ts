import { promises as fs } from 'node:fs';
import path from 'node:path';
import type { Protocol } from 'electron';
import { SECURITY_HEADERS } from './csp';
import { contentTypeOf, resolveInsideRoot } from '../core/security/staticFiles';

export { contentTypeOf, resolveInsideRoot };

/**
 * The renderer is served from app://veil/ instead of file://. A file:// page has the origin "null" and may read any
 * file it can name; a standard, secure custom scheme gives the page a real origin that the CSP's 'self', the IPC
 * sender check and the navigation guard can all compare against, and it can only see the files this handler hands
 * out.
 */
export const APP_SCHEME = 'app';
export const APP_HOST = 'veil';
export const APP_ORIGIN = `${APP_SCHEME}://${APP_HOST}`;
export const APP_ENTRY_URL = `${APP_ORIGIN}/index.html`;

/**
 * True when `url` is a page of the app itself. Compared on scheme and host, not on URL#origin, because Node's URL
 * parser (the one running in the main process) does not know `app:` is a standard scheme and reports origin "null".
 */
export function isAppUrl(url: string): boolean {
  try {
    const parsed = new URL(url);
    return parsed.protocol === `${APP_SCHEME}:` && parsed.host === APP_HOST && parsed.username === '' && parsed.password === '';
  } catch {
    return false;
  }
}

/** Must run before the app's 'ready' event: Chromium reads the scheme table once, at start-up. */
export function registerAppScheme(protocol: Pick<Protocol, 'registerSchemesAsPrivileged'>): void {
  protocol.registerSchemesAsPrivileged([
    {
      scheme: APP_SCHEME,
      // standard: relative URLs, origins and web storage work like https; secure: the page is a secure context;
      // supportFetchAPI: the bundle may fetch its own assets. corsEnabled and bypassCSP stay off on purpose: other
      // origins must not read app:// responses, and the CSP header must apply.
      privileges: { standard: true, secure: true, supportFetchAPI: true },
    },
  ]);
}

function textResponse(status: number, text: string): Response {
  return new Response(text, { status, headers: { ...SECURITY_HEADERS, 'Content-Type': 'text/plain; charset=utf-8' } });
}

async function readRegularFile(file: string, realRoot: string): Promise<Buffer | null> {
  try {
    // A symlink inside the build output must not lead outside it either.
    const real = await fs.realpath(file);
    const relative = path.relative(realRoot, real);
    if (relative.startsWith('..') || path.isAbsolute(relative)) return null;
    const stat = await fs.stat(real);
    if (!stat.isFile()) return null;
    return await fs.readFile(real);
  } catch {
    return null;
  }
}

/**
 * The app:// request handler over the built renderer in `root`. Unknown hosts answer 404; an unknown path without an
 * extension is a client-side route and gets index.html (single-page app); an unknown file with an extension is a
 * real miss and answers 404, so a typo in an asset name does not come back as HTML.
 */
export function createAppRequestHandler(root: string): (request: Request) => Promise<Response> {
  const base = path.resolve(root);
  let realRoot: Promise<string> | null = null;
  return async (request) => {
    if (request.method !== 'GET' && request.method !== 'HEAD') return textResponse(405, 'Method not allowed');
    let url: URL;
    try {
      url = new URL(request.url);
    } catch {
      return textResponse(400, 'Bad request');
    }
    if (url.protocol !== `${APP_SCHEME}:` || url.host !== APP_HOST) return textResponse(404, 'Not found');

    const urlPath = url.pathname === '/' ? '/index.html' : url.pathname;
    const file = resolveInsideRoot(base, urlPath);
    if (!file) return textResponse(404, 'Not found');

    realRoot ??= fs.realpath(base).catch(() => base);
    const root = await realRoot;
    let served = file;
    let body = await readRegularFile(file, root);
    if (!body && path.extname(urlPath) === '') {
      served = path.join(base, 'index.html');
      body = await readRegularFile(served, root);
    }
    if (!body) return textResponse(404, 'Not found');

    const headers = { ...SECURITY_HEADERS, 'Content-Type': contentTypeOf(served), 'Content-Length': String(body.length) };
    return new Response(request.method === 'HEAD' ? null : new Uint8Array(body), { status: 200, headers });
  };
}

/** Installs the handler on the session's protocol object (the default session's unless told otherwise). */
export function handleAppProtocol(protocol: Pick<Protocol, 'handle'>, root: string): void {
  protocol.handle(APP_SCHEME, createAppRequestHandler(root));
}
