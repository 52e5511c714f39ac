import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

/**
 * End-to-end: the real renderer in Debian's Chromium (playwright-core), against `veil serve` on a fresh database.
 * Run with `npx vitest run --config tests/e2e/vitest.config.ts`. The global setup builds the renderer when it is
 * missing or older than its sources. One file at a time: each starts its own server and browser.
 */
export default defineConfig({
  root: fileURLToPath(new URL('../..', import.meta.url)),
  test: {
    include: ['tests/e2e/**/*.test.ts'],
    globalSetup: ['tests/e2e/globalSetup.ts', 'tests/helpers/veilCli.ts'],
    environment: 'node',
    testTimeout: 60_000,
    hookTimeout: 120_000,
    fileParallelism: false,
    pool: 'forks',
    // The screen answers after a call to the host and a render: on a loaded machine that can take more than the
    // default 1 s of expect.poll, so polls wait up to 10 s (they still fail when the state never comes).
    expect: { poll: { timeout: 10_000, interval: 100 } },
  },
});
