/** The renderer's CSP and security headers live in main/core/security/staticFiles.ts, shared with browser mode. */
export { CSP_DIRECTIVES, CONTENT_SECURITY_POLICY, SECURITY_HEADERS } from '../core/security/staticFiles';
