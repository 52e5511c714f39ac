import { defineConfig } from 'vitest/config';

/** Unit, integration and security suites (plain Node, real SQLite files). End-to-end has its own config in tests/e2e. */
export default defineConfig({
  test: {
    include: ['tests/unit/**/*.test.ts', 'tests/integration/**/*.test.ts', 'tests/security/**/*.test.ts'],
    environment: 'node',
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // One throw-away PostgreSQL server for the run (issue 13: the same schema and services on both engines).
    globalSetup: ['tests/helpers/postgresGlobalSetup.ts'],
  },
});
