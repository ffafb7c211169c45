import { randomUUID } from 'node:crypto';
import type { TestProject } from 'vitest/node';
import { migrateUrl } from '../../scripts/db-migrate';
import { startLocalDb } from '../../src/localdb';
import { storeEnv } from './store';

declare module 'vitest' {
  export interface ProvidedContext {
    databaseUrl: string;
    /** UPSTASH_REDIS_REST_URL/_TOKEN and a RATE_LIMIT_PREFIX of its own, or {} without REDIS_URL. */
    storeEnv: Record<string, string>;
  }
}

/** Global setup: a migrated, in-memory local Neon server (and Upstash REST front) for the project's tests. */
export default async function setup(project: TestProject) {
  const server = await startLocalDb({ dataDir: null, redisUrl: process.env.REDIS_URL || null });
  await migrateUrl(server.databaseUrl);
  project.provide('databaseUrl', server.databaseUrl);
  project.provide('storeEnv', storeEnv(server, `hop-test-${randomUUID()}`));
  return () => server.close();
}
