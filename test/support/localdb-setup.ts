import type { TestProject } from 'vitest/node';
import { migrateUrl } from '../../scripts/db-migrate';
import { startLocalDb } from '../../src/localdb';

declare module 'vitest' {
  export interface ProvidedContext {
    databaseUrl: string;
  }
}

/** Global setup: a migrated, in-memory local Neon server for the project's tests. */
export default async function setup(project: TestProject) {
  const server = await startLocalDb({ dataDir: null });
  await migrateUrl(server.databaseUrl);
  project.provide('databaseUrl', server.databaseUrl);
  return () => server.close();
}
