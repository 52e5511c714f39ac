import react from '@vitejs/plugin-react';
import { defineConfig, type Plugin } from 'vite';
// With its extension: Vite loads this config natively, and Node resolves no extension-less import.
import { CONTENT_SECURITY_POLICY_META } from '../shared/security/contentSecurityPolicy.ts';

/**
 * Writes the renderer's Content-Security-Policy into the built index.html as its first <meta>, so the page carries
 * its policy however it is opened (Electron and browser mode also send it as a header, with frame-ancestors).
 * Build only: the dev server injects inline scripts that script-src 'self' would refuse.
 */
const cspMeta: Plugin = {
  name: 'veil-csp-meta',
  apply: 'build',
  transformIndexHtml: () => [{ tag: 'meta', attrs: { 'http-equiv': 'Content-Security-Policy', content: CONTENT_SECURITY_POLICY_META }, injectTo: 'head-prepend' }],
};

/**
 * The renderer build: `npx vite build --config renderer/vite.config.ts` writes dist/renderer, served by Electron's
 * app:// protocol and by browser mode (`veil serve`). Paths are relative to this folder (Vite resolves outDir against
 * root), and assets are referenced relatively (base './') so both ways of serving work.
 * No Node imports here: renderer/ is under the renderer import boundary (eslint.config.js).
 */
export default defineConfig({
  root: import.meta.dirname,
  base: './',
  plugins: [react(), cspMeta],
  build: {
    outDir: '../dist/renderer',
    emptyOutDir: true,
    // The strict CSP (script-src 'self') forbids inline scripts: no inline module-preload polyfill.
    modulePreload: { polyfill: false },
    chunkSizeWarningLimit: 2000,
    sourcemap: false,
  },
  server: { host: '127.0.0.1' },
});
