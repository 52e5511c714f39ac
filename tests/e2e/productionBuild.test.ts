import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from './helpers/paths';

/**
 * The renderer every e2e test and the on-screen bench drive is the one Veil ships: a production build. The global
 * setup builds it from inside vitest, which sets NODE_ENV=test, and Vite then built React's development runtime
 * (jsxDEV calls, a task per element for async stack traces, dev-only checks): every render several times slower,
 * which the on-screen figures of issue 12 measured as the app's own speed.
 */
describe('the built renderer', () => {
  const assets = join(REPO_ROOT, 'dist', 'renderer', 'assets');
  const scripts = readdirSync(assets).filter((f) => f.endsWith('.js'));
  const text = scripts.map((f) => readFileSync(join(assets, f), 'utf8')).join('\n');

  it('is a production build: no React development runtime in it', () => {
    expect(scripts.length).toBeGreaterThan(0);
    // The development JSX runtime, and a warning only React's development build carries.
    expect(text.includes('jsxDEV'), 'the development JSX runtime (jsxDEV) is in the bundle').toBe(false);
    expect(text.includes('Each child in a list should have a unique'), "React's development-only warnings are in the bundle").toBe(false);
  });
});
