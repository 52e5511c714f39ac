import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

/**
 * The renderer build: `npx vite build --config renderer/vite.config.ts` writes dist/renderer, served by Electron's
 * app:// protocol and by browser mode (`veil serve`). Paths are relative to this folder (Vite resolves outDir against
 * root), and assets are referenced relatively (base './') so both ways of serving work.
 * No Node imports here: renderer/ is under the renderer import boundary (eslint.config.js).
 */
export default defineConfig({
  root: import.meta.dirname,
  base: './',
  plugins: [react()],
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
