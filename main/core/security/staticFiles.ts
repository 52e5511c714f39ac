import path from 'node:path';
import { CONTENT_SECURITY_POLICY } from '../../../shared/security/contentSecurityPolicy';

/**
 * How the built renderer is served, in one place for both ways it is served: Electron's app:// protocol
 * (main/app/appProtocol.ts) and browser mode's HTTP (main/host/server.ts). Electron-free on purpose.
 */
/**
 * Maps the path of a renderer URL (app:// or browser mode) to a file inside `root`, or null when it would escape it or is malformed. Checked on
 * the decoded path, so "%2e%2e" and "%2f" tricks are caught the same as a plain "..". Backslashes are refused outright
 * because Windows treats them as separators; NUL because it truncates paths in native code; drive letters and UNC
 * prefixes because path.resolve would jump to them.
 */
export function resolveInsideRoot(root: string, urlPath: string): string | null {
  let decoded: string;
  try {
    decoded = decodeURIComponent(urlPath);
  } catch {
    return null; // malformed percent-encoding
  }
  if (decoded.includes('\0') || decoded.includes('\\')) return null;
  if (!decoded.startsWith('/')) return null;
  const segments = decoded.split('/').slice(1);
  if (segments.some((s) => s === '..' || s === '.')) return null;
  // "//etc/passwd" or "/C:/Windows": an absolute path hidden after the leading slash.
  const rest = decoded.slice(1);
  if (rest.startsWith('/') || /^[a-zA-Z]:/.test(rest) || path.isAbsolute(rest)) return null;

  const base = path.resolve(root);
  const resolved = path.resolve(base, ...segments.filter((s) => s !== ''));
  const relative = path.relative(base, resolved);
  if (relative.startsWith('..') || path.isAbsolute(relative)) return null;
  return resolved;
}

const CONTENT_TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.ico': 'image/x-icon',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.ttf': 'font/ttf',
  '.otf': 'font/otf',
  '.txt': 'text/plain; charset=utf-8',
  '.wasm': 'application/wasm',
};

/** Content type by extension; unknown types are sent as opaque bytes (with nosniff, the page cannot run them). */
export function contentTypeOf(file: string): string {
  return CONTENT_TYPES[path.extname(file).toLowerCase()] ?? 'application/octet-stream';
}


/** Extension-less paths are routes of the single-page app and get index.html. */
export function isAppRoute(urlPath: string): boolean {
  return path.extname(urlPath) === '';
}

// The policy itself lives in shared/ (the renderer build writes a <meta> copy of it into index.html).
export { CSP_DIRECTIVES, CONTENT_SECURITY_POLICY } from '../../../shared/security/contentSecurityPolicy';

/** Headers added to every app:// response. */
export const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'Content-Security-Policy': CONTENT_SECURITY_POLICY,
  // Never guess a type: a .json or .txt file is not run as script.
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Resource-Policy': 'same-origin',
  // The files come from the app bundle; caching them only risks serving a stale build after an update.
  'Cache-Control': 'no-store',
};
