import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { readFile, stat } from 'node:fs/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { describeContract } from '../../shared/contract';
import { HTTP_STATUS_OF_ERROR, VeilError, type VeilResult } from '../../shared/errors';
import { SECURITY_HEADERS as RENDERER_HEADERS, contentTypeOf, isAppRoute, resolveInsideRoot } from '../core/security/staticFiles';
import { ALL_WINDOWS } from '../../shared/contract';
import { MAX_REQUEST_BODY_BYTES } from '../../shared/contract/limits';
import type { VeilCore } from '../core/veilCore';

export interface HostOptions {
  core: VeilCore;
  /** The built renderer (dist/renderer). */
  rendererDir: string;
  /** 0 or absent: a random free port. */
  port?: number;
}

export interface Host {
  url: string;
  port: number;
  token: string;
  close(): Promise<void>;
}

/** API answers carry the renderer's security headers too, except the document-only CSP. */
const { 'Content-Security-Policy': _csp, ...SECURITY_HEADERS } = RENDERER_HEADERS;

/** The path of a request's target, or null when the target is no URL (an absolute-form target that does not parse). */
function pathOf(target: string | undefined): string | null {
  try {
    return new URL(target ?? '/', 'http://127.0.0.1').pathname;
  } catch {
    return null;
  }
}

/** A percent-encoded path segment decoded, or null when its encoding is malformed ("%", "%zz", a cut UTF-8 sequence). */
function decodedPathSegment(segment: string): string | null {
  try {
    return decodeURIComponent(segment);
  } catch {
    return null;
  }
}

/**
 * Browser mode: the same contract as the Electron window, over HTTP on 127.0.0.1 only. The launch token stands for
 * one desktop window: it is the window id of the session, and every /rpc call must carry it.
 */
export async function startHost(options: HostOptions): Promise<Host> {
  const token = randomBytes(32).toString('base64url');
  const tokenBytes = Buffer.from(token);
  // The session key is derived from the token, so the token itself never sits in the core's session table.
  const windowId = 'browser:' + createHash('sha256').update(token).digest('hex').slice(0, 16);
  const eventStreams = new Set<ServerResponse>();
  let port = 0;

  options.core.onEvent((target, event, payload) => {
    if (target !== windowId && target !== ALL_WINDOWS) return;
    for (const stream of eventStreams) stream.write(`event: ${event}\ndata: ${JSON.stringify(payload)}\n\n`);
  });

  const allowedHosts = () => new Set([`127.0.0.1:${port}`, `localhost:${port}`]);
  const allowedOrigins = () => new Set([`http://127.0.0.1:${port}`, `http://localhost:${port}`]);

  function sendJson(res: ServerResponse, status: number, body: unknown): void {
    res.writeHead(status, { ...SECURITY_HEADERS, 'Content-Type': 'application/json; charset=utf-8', 'Cache-Control': 'no-store' });
    res.end(JSON.stringify(body));
  }
  function sendError(res: ServerResponse, status: number, code: string, message: string): void {
    sendJson(res, status, { ok: false, error: { code, message } });
  }

  function hasToken(req: IncomingMessage): boolean {
    const header = req.headers.authorization ?? '';
    const match = /^Bearer (\S+)$/.exec(header);
    if (!match) return false;
    const given = Buffer.from(match[1]!);
    return given.length === tokenBytes.length && timingSafeEqual(given, tokenBytes);
  }

  /**
   * The body as text, or null as soon as it is larger than the contract's largest input (shared/contract/limits.ts);
   * the rest is then discarded as it comes, so the 413 answer still reaches the caller.
   */
  function readBody(req: IncomingMessage): Promise<string | null> {
    if (Number(req.headers['content-length'] ?? 0) > MAX_REQUEST_BODY_BYTES) return Promise.resolve(null);
    return new Promise((resolve, reject) => {
      const chunks: Buffer[] = [];
      let size = 0;
      req.on('data', (chunk: Buffer) => {
        if (size > MAX_REQUEST_BODY_BYTES) return;
        size += chunk.length;
        if (size > MAX_REQUEST_BODY_BYTES) {
          chunks.length = 0;
          resolve(null);
        } else chunks.push(chunk);
      });
      req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
      req.on('error', reject);
    });
  }

  async function handleRpc(req: IncomingMessage, res: ServerResponse, path: string): Promise<void> {
    if (!hasToken(req)) return sendJson(res, 401, { ok: false, error: VeilError.says('unauthenticated', { key: 'transport.badToken' }).toBody() });
    if (path === '/rpc') {
      if (req.method !== 'GET') return sendError(res, 405, 'validation', 'Use GET /rpc for the contract or POST /rpc/<channel> for a call.');
      return sendJson(res, 200, describeContract());
    }
    if (req.method !== 'POST') return sendError(res, 405, 'validation', 'Channels are called with POST.');
    const channelName = decodedPathSegment(path.slice('/rpc/'.length));
    if (channelName === null) {
      return sendError(res, 400, 'validation', 'The channel name in the path is not valid percent-encoding (a % must start a %XX code of UTF-8). Call POST /rpc/<group>.<name>.');
    }
    let input: unknown = {};
    let text: string | null;
    try {
      text = await readBody(req);
    } catch {
      return; // the caller went away mid-request: nobody to answer
    }
    if (text === null) {
      res.setHeader('Connection', 'close');
      return sendError(res, 413, 'validation', `The request is larger than ${Math.floor(MAX_REQUEST_BODY_BYTES / 1_000_000)} MB, more than any channel accepts.`);
    }
    try {
      if (text.trim().length > 0) input = JSON.parse(text);
    } catch {
      return sendError(res, 400, 'validation', 'The request body is not valid JSON.');
    }
    const result: VeilResult<unknown> = await options.core.dispatch(windowId, channelName, input);
    sendJson(res, result.ok ? 200 : HTTP_STATUS_OF_ERROR[result.error.code], result);
  }

  function handleEvents(req: IncomingMessage, res: ServerResponse): void {
    if (!hasToken(req)) return sendError(res, 401, 'unauthenticated', 'The launch token is missing or wrong.');
    res.writeHead(200, { ...SECURITY_HEADERS, 'Content-Type': 'text/event-stream', 'Cache-Control': 'no-store', Connection: 'keep-alive' });
    res.write(': connected\n\n');
    eventStreams.add(res);
    const keepAlive = setInterval(() => res.write(': keep-alive\n\n'), 25_000);
    req.on('close', () => {
      clearInterval(keepAlive);
      eventStreams.delete(res);
    });
  }

  async function handleStatic(req: IncomingMessage, res: ServerResponse, path: string): Promise<void> {
    if (req.method !== 'GET' && req.method !== 'HEAD') return sendError(res, 405, 'validation', 'Only GET is served here.');
    let file = resolveInsideRoot(options.rendererDir, path === '/' ? '/index.html' : path);
    if (!file) return sendError(res, 404, 'not_found', 'Not found.');
    const exists = await stat(file).then((s) => s.isFile(), () => false);
    if (!exists) {
      if (!isAppRoute(path)) return sendError(res, 404, 'not_found', 'Not found.');
      file = join(options.rendererDir, 'index.html');
    }
    let body: Buffer;
    try {
      body = await readFile(file);
    } catch {
      return sendError(res, 404, 'not_found', 'The renderer is not built. Run `npm run build` first.');
    }
    res.writeHead(200, { ...RENDERER_HEADERS, 'Content-Type': contentTypeOf(file) });
    res.end(req.method === 'HEAD' ? undefined : body);
  }

  const server = createServer((req, res) => {
    // DNS rebinding: a page on another site resolving its name to 127.0.0.1 still sends its own Host and Origin.
    if (!allowedHosts().has(req.headers.host ?? '')) return sendError(res, 403, 'forbidden', 'Unexpected Host header.');
    const origin = req.headers.origin;
    if (origin !== undefined && !allowedOrigins().has(origin)) return sendError(res, 403, 'forbidden', 'Calls from another origin are refused.');
    const path = pathOf(req.url);
    if (path === null) return sendError(res, 400, 'validation', 'The request path is not a valid URL path.');
    const work = path === '/rpc' || path.startsWith('/rpc/') ? handleRpc(req, res, path) : path === '/events' ? Promise.resolve(handleEvents(req, res)) : handleStatic(req, res, path);
    work.catch(() => {
      if (!res.headersSent) sendError(res, 500, 'internal', 'Veil hit an unexpected problem.');
      else res.end();
    });
  });

  await new Promise<void>((resolveListen, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolveListen());
  });
  port = (server.address() as AddressInfo).port;

  return {
    url: `http://127.0.0.1:${port}/#token=${token}`,
    port,
    token,
    close: () =>
      new Promise<void>((resolveClose) => {
        for (const stream of eventStreams) stream.end();
        server.close(() => resolveClose());
        server.closeAllConnections();
      }),
  };
}
