import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createHash } from 'node:crypto';
import { request } from 'node:http';
import { connect } from 'node:net';
import { MAX_REQUEST_BODY_BYTES } from '../../shared/contract/limits';
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
    // Content-Length always: Node's client sends a DELETE or OPTIONS body unframed (the next request would then start inside it).
    const length = options.body === undefined ? {} : { 'Content-Length': String(Buffer.byteLength(options.body)) };
    const req = request({ host: '127.0.0.1', port: host.port, method, path, headers: { Host: `127.0.0.1:${host.port}`, ...length, ...options.headers } }, (res) => {
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
    await t.core.auth.lockIdleWindows();
    const text = await received;
    expect(text).toContain('"state":"locked"');
  });

  it('answers a malformed channel path with a clear 400, never 500', async () => {
    for (const path of ['/rpc/%', '/rpc/%zz', '/rpc/session.current%', '/rpc/%E0%A4%A', '/rpc/%C0%AF', '/rpc/%ED%A0%80']) {
      const r = await call('POST', path, { headers: auth(), body: '{}' });
      expect(r.status, path).toBe(400);
      expect(JSON.parse(r.body), path).toMatchObject({ ok: false, error: { code: 'validation', message: expect.stringContaining('percent') } });
    }
  });

  /** A request written byte for byte on a socket (a request line or headers Node's own client would refuse to send). */
  function raw(text: string): Promise<{ status: number; body: string }> {
    return new Promise((resolve, reject) => {
      const socket = connect(host.port, '127.0.0.1', () => socket.end(text));
      let received = '';
      socket.setEncoding('latin1');
      socket.on('data', (c: string) => (received += c));
      socket.on('error', reject);
      socket.on('close', () => {
        const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(received)?.[1] ?? 0);
        resolve({ status, body: received.slice(received.indexOf('\r\n\r\n') + 4) });
      });
    });
  }

  it('fuzzed paths, methods and headers get a 4xx answer, never a 500 nor a crash, and the host keeps serving', async () => {
    // A small deterministic fuzz: paths made of the characters that trip decoders, with and without the token.
    let seed = 20261125;
    const next = (n: number) => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed % n;
    };
    const pieces = ['%', '%2', '%zz', '%00', '%2e', '%2f', '%5c', '%C0%AF', '%E0%A4%A', '%F0%9F%98', '..', '/', '.', 'session', 'current', '~', ';', '?x=%', '#', '%25', '%ED%A0%80'];
    const paths = Array.from({ length: 150 }, () => (next(2) ? '/rpc/' : '/') + Array.from({ length: 1 + next(5) }, () => pieces[next(pieces.length)]).join(''));
    const methods = ['GET', 'POST', 'PUT', 'DELETE', 'OPTIONS', 'HEAD'];
    const statuses = new Set<number>();
    for (const path of paths) {
      const method = methods[next(methods.length)]!;
      const r = await call(method, path, { headers: next(3) ? auth() : {}, ...(method === 'GET' || method === 'HEAD' ? {} : { body: next(2) ? '{}' : '{"a":' }) })
      statuses.add(r.status);
      expect(r.status, `${method} ${path}`).toBeLessThan(500);
    }
    const headerCases: Array<Record<string, string>> = [
      { Authorization: 'Bearer' },
      { Authorization: `Bearer  ${host.token}` },
      { Authorization: `bearer ${host.token}` },
      { Authorization: `Bearer ${host.token} extra` },
      { Authorization: `Basic ${Buffer.from('a:b').toString('base64')}` },
      { Authorization: `Bearer ${'x'.repeat(8000)}` },
      { ...auth(), Origin: 'null' },
      { ...auth(), Origin: `http://127.0.0.1:${host.port}/` },
      { ...auth(), Origin: '%' },
      { ...auth(), Host: '127.0.0.1' },
      { ...auth(), Host: `[::1]:${host.port}` },
      { ...auth(), Host: `localhost:${host.port}.evil.example` },
      { ...auth(), 'Content-Type': 'text/plain; charset=%' },
    ];
    for (const headers of headerCases) {
      const r = await call('POST', '/rpc/session.current', { headers, body: '{}' });
      expect(r.status, JSON.stringify(headers).slice(0, 80)).toBeGreaterThanOrEqual(200);
      expect(r.status, JSON.stringify(headers).slice(0, 80)).toBeLessThan(500);
    }
    // Request lines Node's client refuses to send: an absolute URL that does not parse, a bare %.
    for (const line of ['GET http://[ HTTP/1.1', 'POST http://%/rpc/session.current HTTP/1.1', 'GET /% HTTP/1.1', 'POST /rpc/% HTTP/1.1']) {
      const r = await raw(`${line}\r\nHost: 127.0.0.1:${host.port}\r\nAuthorization: Bearer ${host.token}\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{}`);
      expect(r.status, line).toBeGreaterThanOrEqual(400);
      expect(r.status, line).toBeLessThan(500);
    }
    expect([...statuses].every((s) => s >= 200 && s < 500)).toBe(true);
    // Still serving.
    expect((await call('POST', '/rpc/session.current', { headers: auth(), body: '{}' })).status).toBe(200);
  });
});

describe('browser mode takes a kit list as large as the contract allows (issue 18)', () => {
  let big: TestCore;
  let bigHost: Host;
  beforeAll(async () => {
    big = await demoCore();
    bigHost = await startHost({ core: big.core, rendererDir: join(big.dir), port: 0 });
  });
  afterAll(async () => {
    await bigHost.close();
    big.dispose();
  });

  function post(channel: string, input: unknown) {
    const body = Buffer.from(JSON.stringify(input), 'utf8');
    return new Promise<{ status: number; body: string }>((resolve, reject) => {
      const req = request(
        {
          host: '127.0.0.1',
          port: bigHost.port,
          method: 'POST',
          path: `/rpc/${channel}`,
          headers: { Host: `127.0.0.1:${bigHost.port}`, Authorization: `Bearer ${bigHost.token}`, 'Content-Type': 'application/json', 'Content-Length': body.length },
        },
        (res) => {
          let text = '';
          res.setEncoding('utf8');
          res.on('data', (c: string) => (text += c));
          res.on('end', () => resolve({ status: res.statusCode!, body: text }));
        },
      );
      req.on('error', reject);
      req.end(body);
    });
  }

  /** A sponsor-style kit list of at least `bytes` bytes: arms shuffled 2:1, lots in runs of kit numbers shared by both arms. */
  function largeKitList(bytes: number): { csv: Buffer; kits: number } {
    let seed = 15;
    const random = () => {
      seed = (seed + 0x6d2b79f5) | 0;
      let x = Math.imul(seed ^ (seed >>> 15), 1 | seed);
      x = (x + Math.imul(x ^ (x >>> 7), 61 | x)) ^ x;
      return ((x ^ (x >>> 14)) >>> 0) / 4294967296;
    };
    const lines = ['kit_number,arm,lot,expiry_date,gtin,serial'];
    let size = lines[0]!.length + 2;
    let n = 0;
    while (size < bytes) {
      const kit = `NSDUPI-K${String(10_000_000 + n).padStart(10, '0')}`;
      const lot = `DUPI-BLIND-LOT-${String(Math.floor(n / 5000)).padStart(4, '0')}`;
      const line = `${kit},${random() < 2 / 3 ? 'DUPI300' : 'PLACEBO'},${lot},${Math.floor(n / 5000) % 2 ? '2028-06-30' : '2028-09-30'},03760000000017,SN${String(n).padStart(14, '0')}`;
      lines.push(line);
      size += line.length + 2;
      n++;
    }
    return { csv: Buffer.from(lines.join('\r\n') + '\r\n', 'utf8'), kits: n };
  }

  it('a body larger than the one declared limit is answered 413 with a plain message, before it is read', async () => {
    const answer = await new Promise<string>((resolve, reject) => {
      const socket = connect(bigHost.port, '127.0.0.1', () => {
        socket.write(
          `POST /rpc/allocation.checkList HTTP/1.1\r\nHost: 127.0.0.1:${bigHost.port}\r\nAuthorization: Bearer ${bigHost.token}\r\n` +
            `Content-Type: application/json\r\nContent-Length: ${MAX_REQUEST_BODY_BYTES + 1}\r\n\r\n{"kind":"kits"`,
        );
      });
      let text = '';
      socket.setEncoding('utf8');
      socket.on('data', (c: string) => (text += c));
      socket.on('close', () => resolve(text));
      socket.on('error', reject);
    });
    expect(answer).toMatch(/^HTTP\/1\.1 413 /);
    expect(answer).toContain('"message":"The request is larger than 26 MB, more than any channel accepts."');
  });

  it('a 15 MB kit list imports over HTTP, whole, with the SHA-256 of its bytes', async () => {
    const { csv, kits } = largeKitList(15 * 1024 * 1024);
    expect(csv.length).toBeGreaterThanOrEqual(15 * 1024 * 1024);
    const pharmacist = big.userOf('unblinded_pharmacist');
    expect((await post('session.login', { username: pharmacist.username, password: pharmacist.password })).status).toBe(200);
    const before = (await big.sql<{ n: number }>('SELECT count(*) AS n FROM kits'))[0]!.n;
    const answer = await post('allocation.importList', {
      kind: 'kits',
      fileName: 'NS-DUPI_kit_list_full.csv',
      contentBase64: csv.toString('base64'),
      signature: { username: pharmacist.username, password: pharmacist.password },
    });
    expect(answer.body.slice(0, 300)).toMatch(/^\{"ok":true/);
    expect(answer.status).toBe(200);
    const value = (JSON.parse(answer.body) as { value: { rowCount: number; sha256: string } }).value;
    expect(value.rowCount).toBe(kits);
    expect(value.sha256).toBe(createHash('sha256').update(csv).digest('hex'));
    expect((await big.sql<{ n: number }>('SELECT count(*) AS n FROM kits'))[0]!.n).toBe(before + kits);
  }, 600_000);
});
