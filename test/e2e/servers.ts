import { randomUUID } from 'node:crypto';
import type { TestProject } from 'vitest/node';
import { migrateUrl } from '../../scripts/db-migrate';
import { startLocalDb } from '../../src/localdb';
import { nextBuild, ready, serverBuild, startNext, startServe, startWrangler, type Server } from '../support/servers';
import { storeEnv } from '../support/store';

declare module 'vitest' {
  export interface ProvidedContext {
    servers: Record<string, string>;
    /**
     * The servers' database fault switch (src/localdb/control-endpoint.ts), e.g.
     * dbControl().setFault({ mode: 'freeze' }) from test/support/db-control.ts; POST …/pause and …/resume work too.
     */
    dbControl: string;
    /** Whether both servers count rate limits in one store (REDIS_URL was set), rather than each its own. */
    sharedStore: boolean;
  }
}

/** The configuration the real servers run with. */
export const E2E_ENV = {
  CORS_ORIGINS: 'https://app.example,https://admin.example',
  LOG_LEVEL: 'warn',
  INITIAL_API_KEY: 'hop_contract_initial_admin_key_0123456789',
  PUBLIC_BASE_URL: 'https://hop.test',
  // Webhooks to a receiver on loopback, and the cron route (test/e2e/webhooks.test.ts).
  WEBHOOK_ALLOW_INSECURE: '1',
  CRON_SECRET: 'e2e-cron-secret-0123456789',
};

/**
 * Builds Next and starts a real `next start`, a real `wrangler dev` and the
 * Node server mode (`npm run serve`), each on a free loopback port and sharing
 * one local database, for the e2e suite.
 */
export default async function setup(project: TestProject) {
  const started: Server[] = [];
  // With REDIS_URL, the local server also fronts that Redis as Upstash: both servers share one limit.
  const db = await startLocalDb({ dataDir: null, redisUrl: process.env.REDIS_URL || null });
  await migrateUrl(db.databaseUrl);
  const stopAll = async () => {
    await Promise.all(started.map((s) => s.process.stop()));
    await db.close();
  };
  try {
    // The tests run in another process: they reach the database's fault switch over HTTP.
    project.provide('dbControl', db.controlUrl);
    project.provide('databaseUrl', db.databaseUrl);
    project.provide('sharedStore', Boolean(db.upstash));
    const env = {
      ...E2E_ENV,
      DATABASE_URL: db.databaseUrl,
      DB_QUERY_TIMEOUT_MS: '2000',
      ...storeEnv(db, `hop-e2e-${randomUUID()}`),
    };

    // wrangler starts while Next builds.
    const worker = await startWrangler('worker', env);
    started.push(worker);
    await Promise.all([nextBuild(), serverBuild()]);
    const next = await startNext('next', env);
    started.push(next);
    const serve = await startServe('serve', env);
    started.push(serve);

    await Promise.all([ready(next, '/api/health'), ready(worker, '/api/health'), ready(serve, '/api/health')]);
    project.provide('servers', { next: next.url, worker: worker.url, serve: serve.url });
  } catch (error) {
    await stopAll();
    throw error;
  }
  return stopAll;
}
