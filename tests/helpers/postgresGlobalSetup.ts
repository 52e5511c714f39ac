import type { TestProject } from 'vitest/node';
import { startPostgresCluster } from './postgresCluster';

/**
 * The core suites' PostgreSQL (issue 13): one throw-away server for the whole run, each test making its own empty
 * database on it (`createPostgresDatabase()` in ./postgres.ts). Tests read its address with `inject('postgresUrl')`.
 */
export default async function setup(project: TestProject): Promise<() => void> {
  const cluster = await startPostgresCluster();
  project.provide('postgresUrl', cluster.url);
  project.provide('postgresDataDir', cluster.dataDir);
  return () => cluster.stop();
}

declare module 'vitest' {
  export interface ProvidedContext {
    postgresUrl: string;
    postgresDataDir: string;
  }
}
