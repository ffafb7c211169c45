import pg from 'pg';
import { afterAll, beforeAll } from 'vitest';
import { migrateUrl } from '../../scripts/db-migrate';
import { createApp } from '../../src/api/app';
import { createDb, type Db } from '../../src/api/db/client';
import { startLocalDb, type LocalDb } from '../../src/localdb';
import { sendVia } from '../contract/send';
import type { Send } from '../contract/suite';
import { FIXTURE_ENV } from '../fixtures/fixture-app';
import { storeEnv } from './store';

export interface LocalApp {
  /** Requests to the app (one isolate), waiting for its deferred work. */
  send: Send;
  /** Another isolate of the same deployment: its own caches, click buffer and limiter memory; the same database and store. */
  isolate(env?: Record<string, string>): Send;
  /** Direct SQL against the same database. */
  db: () => Db;
  /** The local Neon server, for its fault controls. */
  server: () => LocalDb;
  env: () => Record<string, string>;
  /** The throwaway PostgreSQL database behind the server, when `backend` was given. */
  backendUrl: () => string | undefined;
}

/**
 * Node-only tests that need a database of their own (one admin, rows read
 * directly, faults injected): a fresh, migrated local server per test file.
 * With a PostgreSQL `backend` URL a throwaway database is created there and
 * dropped after, so concurrent transactions really overlap (PGlite runs them
 * one at a time).
 */
export function useLocalApp(options: { backend?: string; env?: Record<string, string> } = {}): LocalApp {
  let server: LocalDb;
  let env: Record<string, string>;
  let send: Send;
  let dropDatabase = async () => {};
  let backendUrl: string | undefined;
  beforeAll(async () => {
    if (options.backend) {
      const name = `hop_test_${process.pid}_${Date.now()}`;
      const admin = new pg.Client({ connectionString: options.backend });
      await admin.connect();
      await admin.query(`create database ${name}`);
      await admin.end();
      backendUrl = Object.assign(new URL(options.backend), { pathname: `/${name}` }).href;
      dropDatabase = async () => {
        const client = new pg.Client({ connectionString: options.backend });
        await client.connect();
        await client.query(`drop database if exists ${name} with (force)`);
        await client.end();
      };
    }
    const redisUrl = process.env.REDIS_URL || null;
    server = await startLocalDb(backendUrl ? { backend: backendUrl, redisUrl } : { dataDir: null, redisUrl });
    await migrateUrl(server.databaseUrl);
    // Rate limits in the Upstash store when REDIS_URL gives one (every isolate shares them), else in memory.
    const store = storeEnv(server, `hop-test-${crypto.randomUUID()}`);
    env = { ...FIXTURE_ENV, DATABASE_URL: server.databaseUrl, ...store, ...options.env };
    send = sendVia(createApp(), env);
  }, 60_000);
  afterAll(async () => {
    await server?.close();
    await dropDatabase();
  });
  return {
    send: (path, init) => send(path, init),
    isolate: (overrides = {}) => sendVia(createApp(), { ...env, ...overrides }),
    db: () => createDb(server.databaseUrl, 10_000),
    server: () => server,
    env: () => env,
    backendUrl: () => backendUrl,
  };
}
