import { defineConfig } from 'vitest/config';

/** Unit, integration and security suites (plain Node, real SQLite files). End-to-end has its own config in tests/e2e. */
export default defineConfig({
  test: {
    include: ['tests/unit/**/*.test.ts', 'tests/integration/**/*.test.ts', 'tests/security/**/*.test.ts'],
    environment: 'node',
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // Two test files at a time on CI's 2 cores (vitest's default keeps one core free: one file at a time). The suites
    // wait on fsync, child processes and PostgreSQL much of the time: measured 1,200 s wall for the core suite on two
    // workers, under other load, against 1,404 s on one in CI.
    maxWorkers: 2,
    // The command line bundled once for the run (tests/helpers/veilCli.ts), and one throw-away PostgreSQL server for it
    // (issue 13: the same schema and services on both engines).
    globalSetup: ['tests/helpers/veilCli.ts', 'tests/helpers/postgresGlobalSetup.ts'],
  },
});
