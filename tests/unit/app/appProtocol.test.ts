import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';

vi.mock('electron', async () => (await import('./fakeElectron')).fakeElectronModule());

import {
  APP_ENTRY_URL,
  contentTypeOf,
  createAppRequestHandler,
  handleAppProtocol,
  isAppUrl,
  registerAppScheme,
  resolveInsideRoot,
} from '../../../main/app/appProtocol';
import { CONTENT_SECURITY_POLICY } from '../../../main/app/csp';
import { fakeProtocol } from './fakeElectron';

describe('the app:// scheme', () => {
  it('is registered as standard, secure and fetch-capable, without CSP bypass or cross-origin reads', () => {
    const protocol = fakeProtocol();
    registerAppScheme(protocol);
    expect(protocol.registerSchemesAsPrivileged).toHaveBeenCalledWith([
      { scheme: 'app', privileges: { standard: true, secure: true, supportFetchAPI: true } },
    ]);
  });

  it('the window loads app://veil/index.html', () => {
    expect(APP_ENTRY_URL).toBe('app://veil/index.html');
  });

  it.each([
    ['app://veil/index.html', true],
    ['app://veil/', true],
    ['app://veil/admin?x=1#y', true],
    ['app://evil/index.html', false],
    ['app://veil.evil.example/', false],
    ['app://user:pw@veil/', false],
    ['https://veil/', false],
    ['https://evil.example/', false],
    ['file:///etc/passwd', false],
    ['about:blank', false],
    ['not a url', false],
  ])('isAppUrl(%s) is %s', (url, expected) => {
    expect(isAppUrl(url)).toBe(expected);
  });
});

describe('resolveInsideRoot (path-traversal guard)', () => {
  const root = path.resolve('/srv/veil/dist/renderer');

  it.each([
    ['/index.html', 'index.html'],
    ['/assets/app-1234.js', 'assets/app-1234.js'],
    ['/assets//double-slash.css', 'assets/double-slash.css'],
    ['/with%20space.png', 'with space.png'],
  ])('%s resolves inside the root', (urlPath, relative) => {
    expect(resolveInsideRoot(root, urlPath)).toBe(path.join(root, relative));
  });

  it.each([
    ['/../secret.txt'],
    ['/assets/../../secret.txt'],
    ['/..'],
    ['/%2e%2e/secret.txt'],
    ['/%2E%2E/%2e%2e/etc/passwd'],
    ['/assets/%2e%2e%2f%2e%2e%2fsecret.txt'],
    ['/..%2fsecret.txt'],
    ['/..%5csecret.txt'],
    ['/assets\\..\\..\\secret.txt'],
    ['/%5c%5cserver%5cshare'],
    ['/./index.html'],
    ['//etc/passwd'],
    ['/%2fetc/passwd'],
    ['/C:/Windows/win.ini'],
    ['/c%3a/Windows/win.ini'],
    ['/index.html%00.png'],
    ['/index.html\0'],
    ['/%E0%A4%A'],
    ['etc/passwd'],
    [''],
  ])('%j is refused', (urlPath) => {
    expect(resolveInsideRoot(root, urlPath)).toBeNull();
  });
});

describe('content types', () => {
  it.each([
    ['index.html', 'text/html; charset=utf-8'],
    ['a.js', 'text/javascript; charset=utf-8'],
    ['a.mjs', 'text/javascript; charset=utf-8'],
    ['a.css', 'text/css; charset=utf-8'],
    ['a.json', 'application/json; charset=utf-8'],
    ['a.svg', 'image/svg+xml'],
    ['a.PNG', 'image/png'],
    ['a.woff2', 'font/woff2'],
    ['a.wasm', 'application/wasm'],
    ['a.unknown', 'application/octet-stream'],
  ])('%s is served as %s', (file, type) => {
    expect(contentTypeOf(file)).toBe(type);
  });
});

describe('the app:// request handler', () => {
  let base: string;
  let root: string;
  let handler: (request: Request) => Promise<Response>;

  beforeAll(() => {
    base = mkdtempSync(path.join(os.tmpdir(), 'veil-protocol-'));
    root = path.join(base, 'renderer');
    mkdirSync(path.join(root, 'assets'), { recursive: true });
    writeFileSync(path.join(root, 'index.html'), '<!doctype html><title>Veil</title>');
    writeFileSync(path.join(root, 'assets', 'app.js'), 'console.log(1)');
    writeFileSync(path.join(root, 'assets', 'app.css'), 'body{}');
    writeFileSync(path.join(base, 'secret.txt'), 'outside the root');
    symlinkSync(path.join(base, 'secret.txt'), path.join(root, 'assets', 'link.txt'));
    handler = createAppRequestHandler(root);
  });
  afterAll(() => rmSync(base, { recursive: true, force: true }));

  const get = (url: string, init?: RequestInit) => handler(new Request(url, init));

  it('serves index.html with the CSP and the security headers', async () => {
    const response = await get('app://veil/index.html');
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(response.headers.get('content-security-policy')).toBe(CONTENT_SECURITY_POLICY);
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    expect(await response.text()).toContain('<title>Veil</title>');
  });

  it('serves / as index.html', async () => {
    const response = await get('app://veil/');
    expect(response.status).toBe(200);
    expect(await response.text()).toContain('<title>Veil</title>');
  });

  it('serves assets with their content type and the CSP', async () => {
    const js = await get('app://veil/assets/app.js');
    expect(js.status).toBe(200);
    expect(js.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(js.headers.get('content-security-policy')).toBe(CONTENT_SECURITY_POLICY);
    expect(await js.text()).toBe('console.log(1)');
    expect((await get('app://veil/assets/app.css')).headers.get('content-type')).toBe('text/css; charset=utf-8');
  });

  it('answers extension-less unknown paths (client-side routes) with index.html', async () => {
    const response = await get('app://veil/admin/users');
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/html; charset=utf-8');
  });

  it('answers 404 for unknown files with an extension, not index.html', async () => {
    const response = await get('app://veil/assets/missing.js');
    expect(response.status).toBe(404);
    expect(response.headers.get('content-security-policy')).toBe(CONTENT_SECURITY_POLICY);
  });

  it('answers 404 for another host', async () => {
    expect((await get('app://other/index.html')).status).toBe(404);
    expect((await get('app://veil.evil/index.html')).status).toBe(404);
  });

  it.each([
    'app://veil/%2e%2e/secret.txt',
    'app://veil/assets/..%2f..%2fsecret.txt',
    'app://veil/..%5csecret.txt',
    'app://veil/%2e%2e%2fsecret.txt',
    'app://veil/index.html%00',
  ])('never serves a file outside the root: %s', async (url) => {
    const response = await get(url);
    expect(response.status).toBe(404);
    expect(await response.text()).not.toContain('outside the root');
  });

  it('does not follow a symlink out of the root', async () => {
    const response = await get('app://veil/assets/link.txt');
    expect(response.status).toBe(404);
    expect(await response.text()).not.toContain('outside the root');
  });

  it('does not list or serve directories', async () => {
    expect((await get('app://veil/assets')).status).toBe(200); // extension-less: the SPA route fallback, not a listing
    expect(await (await get('app://veil/assets')).text()).toContain('<title>Veil</title>');
  });

  it('accepts only GET and HEAD', async () => {
    expect((await get('app://veil/index.html', { method: 'POST', body: 'x' })).status).toBe(405);
    const head = await get('app://veil/index.html', { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(await head.text()).toBe('');
  });

  it('handleAppProtocol installs the handler for the app scheme', async () => {
    const protocol = fakeProtocol();
    handleAppProtocol(protocol, root);
    expect(protocol.handle).toHaveBeenCalledWith('app', expect.any(Function));
    const installed = protocol.handle.mock.calls[0]![1] as (r: Request) => Promise<Response>;
    const response = await installed(new Request('app://veil/index.html'));
    expect(response.headers.get('content-security-policy')).toBe(CONTENT_SECURITY_POLICY);
  });
});
