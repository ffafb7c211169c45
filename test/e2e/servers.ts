import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServer } from 'node:http';
import type { TestProject } from 'vitest/node';
import { migrateUrl } from '../../scripts/db-migrate';
import { startLocalDb } from '../../src/localdb';
import { freePort, run, start, waitForHttp, type Started } from '../support/process';

declare module 'vitest' {
  export interface ProvidedContext {
    servers: Record<string, string>;
    /** POST …/pause or …/resume takes the servers' database down or up. */
    dbControl: string;
  }
}

/** The configuration both real servers run with. */
export const E2E_ENV = {
  CORS_ORIGINS: 'https://app.example,https://admin.example',
  LOG_LEVEL: 'warn',
  INITIAL_API_KEY: 'hop_contract_initial_admin_key_0123456789',
  PUBLIC_BASE_URL: 'https://hop.test',
};

const bin = (name: string) => join('node_modules', '.bin', name);

/**
 * Builds Next and starts a real `next start` and a real `wrangler dev`, each
 * on a free loopback port and sharing one local database, for the e2e suite.
 */
export default async function setup(project: TestProject) {
  const started: Started[] = [];
  const db = await startLocalDb({ dataDir: null });
  await migrateUrl(db.databaseUrl);
  // The tests run in another process: they reach the database's fault switch over HTTP.
  const control = createServer((req, res) => {
    if (req.url === '/pause') db.pauseBackend();
    else if (req.url === '/resume') db.resumeBackend();
    res.writeHead(req.url === '/pause' || req.url === '/resume' ? 204 : 404).end();
  });
  const stopAll = async () => {
    await Promise.all(started.map((s) => s.stop()));
    control.close();
    await db.close();
  };
  try {
    await new Promise<void>((resolve) => control.listen(0, '127.0.0.1', resolve));
    project.provide('dbControl', `http://127.0.0.1:${(control.address() as { port: number }).port}`);
    const env = { ...E2E_ENV, DATABASE_URL: db.databaseUrl, DB_QUERY_TIMEOUT_MS: '2000' };
    const [nextPort, workerPort, inspectorPort] = await Promise.all([freePort(), freePort(), freePort()]);
    const envFile = join(mkdtempSync(join(tmpdir(), 'hop-e2e-')), '.env');
    writeFileSync(
      envFile,
      Object.entries(env)
        .map(([k, v]) => `${k}=${v}`)
        .join('\n'),
    );

    const worker = start(
      bin('wrangler'),
      [
        'dev',
        '--ip',
        '127.0.0.1',
        '--port',
        String(workerPort),
        '--inspector-port',
        String(inspectorPort),
        '--env-file',
        envFile,
        '--show-interactive-dev-session=false',
        '--log-level',
        'warn',
      ],
      { WRANGLER_SEND_METRICS: 'false' },
    );
    started.push(worker);

    await run(bin('next'), ['build'], { NEXT_TELEMETRY_DISABLED: '1' });
    const next = start(bin('next'), ['start', '-H', '127.0.0.1', '-p', String(nextPort)], {
      ...env,
      NEXT_TELEMETRY_DISABLED: '1',
    });
    started.push(next);

    const servers = { next: `http://127.0.0.1:${nextPort}`, worker: `http://127.0.0.1:${workerPort}` };
    await Promise.all([
      waitForHttp(`${servers.next}/api/health`, next),
      waitForHttp(`${servers.worker}/api/health`, worker),
    ]);
    project.provide('servers', servers);
  } catch (error) {
    await stopAll();
    throw error;
  }
  return stopAll;
}
