/**
 * Content-Security-Policy of every document served from app://veil. It is sent as a response header by the protocol
 * handler (appProtocol.ts) so that it covers every response, including ones the renderer build does not control, and so
 * that frame-ancestors (ignored in <meta>) takes effect. The renderer build also writes the same policy, less the
 * header-only directives, into index.html as a <meta> tag (CONTENT_SECURITY_POLICY_META): a copy of the page opened
 * from disk, or a future way of serving it, keeps the policy, and static checkers (Electronegativity) can see it.
 */
export const CSP_DIRECTIVES: ReadonlyArray<readonly [string, string]> = [
  ['default-src', "'self'"],
  // Only the bundled scripts: no inline script, no eval, no remote code.
  ['script-src', "'self'"],
  // 'unsafe-inline' for styles only, because Mantine (via its CSS-in-JS runtime) injects <style> tags and style
  // attributes at run time. Inline styles cannot run code, so script-src stays strict.
  ['style-src', "'self' 'unsafe-inline'"],
  // data: and blob: for label previews and barcodes rendered in the page.
  ['img-src', "'self' data: blob:"],
  ['font-src', "'self'"],
  // Scan success and refusal sounds are generated in the page.
  ['media-src', "'self' data: blob:"],
  // The desktop page talks to the main process over IPC; browser mode calls its own origin only.
  ['connect-src', "'self'"],
  ['object-src', "'none'"],
  ['base-uri', "'none'"],
  ['frame-ancestors', "'none'"],
  ['form-action', "'none'"],
];

export const CONTENT_SECURITY_POLICY = CSP_DIRECTIVES.map(([name, value]) => `${name} ${value}`).join('; ');

/** Directives a <meta> policy may not carry (the browser ignores them there and says so in the console). */
const HEADER_ONLY_DIRECTIVES = new Set(['frame-ancestors', 'report-uri', 'sandbox']);

/** The same policy for index.html's <meta http-equiv="Content-Security-Policy">, written by the renderer build. */
export const CONTENT_SECURITY_POLICY_META = CSP_DIRECTIVES.filter(([name]) => !HEADER_ONLY_DIRECTIVES.has(name))
  .map(([name, value]) => `${name} ${value}`)
  .join('; ');
