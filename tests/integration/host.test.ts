import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHost, type Host } from '../../main/host/server';
import { demoCore, type TestCore } from '../helpers/core';

let t: TestCore;
let host: Host;
let rendererDir: string;

beforeAll(async () => {
  t = await demoCore();
  rendererDir = join(t.dir, 'renderer');
  mkdirSync(join(rendererDir, 'assets'), { recursive: true });
  writeFileSync(join(rendererDir, 'index.html'), '<!doctype html><title>Veil</title>');
  writeFileSync(join(rendererDir, 'assets', 'app.js'), 'console.log(1)');
  writeFileSync(join(t.dir, 'secret.txt'), 'outside the renderer');
  host = await startHost({ core: t.core, rendererDir, port: 0 });
});
afterAll(async () => {
  await host.close();
  t.dispose();
});

/** Raw HTTP, so Host and Origin can be set freely (fetch forbids setting Host). */
function call(method: string, path: string, options: { headers?: Record<string, string>; body?: string } = {}) {
  return new Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: string }>((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port: host.port, method, path, headers: { Host: `127.0.0.1:${host.port}`, ...options.headers } }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body }));
    });
    req.on('error', reject);
    if (options.body !== undefined) req.write(options.body);
    req.end();
  });
}
const auth = () => ({ Authorization: `Bearer ${host.token}` });

describe('browser mode host', () => {
  it('prints a 127.0.0.1 URL carrying a 256-bit token', () => {
    expect(host.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/#token=[A-Za-z0-9_-]{43}$/);
  });

  it('answers 401 without the token or with a wrong one', async () => {
    expect((await call('POST', '/rpc/session.current', { body: '{}' })).status).toBe(401);
    expect((await call('POST', '/rpc/session.current', { headers: { Authorization: 'Bearer ' + 'x'.repeat(43) }, body: '{}' })).status).toBe(401);
    expect((await call('GET', '/rpc')).status).toBe(401);
    expect((await call('GET', '/events')).status).toBe(401);
  });

  it('answers 403 to a foreign Origin or Host (DNS rebinding)', async () => {
    const foreignOrigin = await call('POST', '/rpc/session.current', { headers: { ...auth(), Origin: 'http://evil.example' }, body: '{}' });
    expect(foreignOrigin.status).toBe(403);
    const foreignHost = await call('POST', '/rpc/session.current', { headers: { ...auth(), Host: `evil.example:${host.port}` }, body: '{}' });
    expect(foreignHost.status).toBe(403);
    const sameOrigin = await call('POST', '/rpc/session.current', { headers: { ...auth(), Origin: `http://127.0.0.1:${host.port}` }, body: '{}' });
    expect(sameOrigin.status).toBe(200);
  });

  it('answers 400 with zod issues for bad input, and for a body that is not JSON', async () => {
    const bad = await call('POST', '/rpc/session.login', { headers: auth(), body: JSON.stringify({ username: '' }) });
    expect(bad.status).toBe(400);
    const body = JSON.parse(bad.body) as { ok: boolean; error: { code: string; issues: Array<{ path: string[] }> } };
    expect(body.ok).toBe(false);
    expect(body.error.code).toBe('validation');
    expect(body.error.issues.map((i) => i.path[0])).toEqual(expect.arrayContaining(['username', 'password']));
    expect((await call('POST', '/rpc/session.login', { headers: auth(), body: '{not json' })).status).toBe(400);
  });

  it('answers 404 for an unknown channel', async () => {
    const r = await call('POST', '/rpc/kits.everything', { headers: auth(), body: '{}' });
    expect(r.status).toBe(404);
    expect(JSON.parse(r.body)).toMatchObject({ ok: false, error: { code: 'not_found' } });
  });

  it('serves the contract at GET /rpc with JSON Schemas and examples', async () => {
    const r = await call('GET', '/rpc', { headers: auth() });
    const contract = JSON.parse(r.body) as { channels: Array<{ name: string; kind: string; permission: string; input: { type: string }; examples: unknown[] }> };
    const login = contract.channels.find((c) => c.name === 'session.login')!;
    expect(login).toMatchObject({ kind: 'command', permission: 'public', input: { type: 'object' } });
    expect(login.examples.length).toBeGreaterThan(0);
    expect(contract.channels.map((c) => c.name)).toEqual(expect.arrayContaining(['session.logout', 'session.lock', 'session.unlock', 'session.current', 'system.info']));
  });

  it('acts as the logged-in user for every call carrying the token until logout', async () => {
    const admin = t.userOf('administrator');
    const login = await call('POST', '/rpc/session.login', { headers: auth(), body: JSON.stringify({ username: admin.username, password: admin.password }) });
    expect(login.status).toBe(200);
    expect((await call('POST', '/rpc/users.list', { headers: auth(), body: '{}' })).status).toBe(200);
    await call('POST', '/rpc/session.logout', { headers: auth(), body: '{}' });
    expect((await call('POST', '/rpc/users.list', { headers: auth(), body: '{}' })).status).toBe(401);
  });

  it('serves the renderer at / with a CSP, app routes fall back to index.html, and nothing outside the folder', async () => {
    const index = await call('GET', '/');
    expect(index.status).toBe(200);
    expect(index.body).toContain('<title>Veil</title>');
    expect(index.headers['content-security-policy']).toContain("script-src 'self'");
    expect((await call('GET', '/assets/app.js')).headers['content-type']).toContain('javascript');
    expect((await call('GET', '/admin/users')).body).toContain('<title>Veil</title>');
    for (const path of ['/../secret.txt', '/%2e%2e/secret.txt', '/assets/%2e%2e/%2e%2e/secret.txt', '/..%5csecret.txt', '/missing.js']) {
      const r = await call('GET', path);
      expect(r.status, path).toBe(404);
      expect(r.body).not.toContain('outside the renderer');
    }
  });

  it('pushes session events to the page over server-sent events', async () => {
    const received = new Promise<string>((resolve, reject) => {
      const req = request({ host: '127.0.0.1', port: host.port, path: '/events', headers: { Host: `127.0.0.1:${host.port}`, ...auth() } }, (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => {
          text += c;
          if (text.includes('event: session.changed')) {
            req.destroy();
            resolve(text);
          }
        });
      });
      req.on('error', (e) => (e.message.includes('aborted') || e.message.includes('socket hang up') ? undefined : reject(e)));
      req.end();
    });
    const monitor = t.userOf('monitor');
    await new Promise((r) => setTimeout(r, 100));
    await call('POST', '/rpc/session.login', { headers: auth(), body: JSON.stringify({ username: monitor.username, password: monitor.password }) });
    t.clock.advanceMinutes(6);
    t.core.auth.lockIdleWindows();
    const text = await received;
    expect(text).toContain('"state":"locked"');
  });
});
