import pg from 'pg';
import { afterAll, beforeAll } from 'vitest';
import { migrateUrl } from '../../scripts/db-migrate';
import { createApp } from '../../src/api/app';
import { createDb, type Db } from '../../src/api/db/client';
import { startLocalDb, type LocalDb } from '../../src/localdb';
import { sendVia } from '../contract/send';
import type { Send } from '../contract/suite';
import { FIXTURE_ENV } from '../fixtures/fixture-app';

export interface AccountsDb {
  send: Send;
  /** Direct SQL against the same database. */
  db: () => Db;
}

/**
 * Node-only tests that need a database of their own (one admin, rows read
 * directly): a fresh, migrated local server per test file. With a PostgreSQL
 * `backend` URL a throwaway database is created there and dropped after, so
 * concurrent transactions really overlap (PGlite runs them one at a time).
 */
export function useAccountsDb(backend?: string): AccountsDb {
  let server: LocalDb;
  let send: Send;
  let dropDatabase = async () => {};
  beforeAll(async () => {
    let backendUrl: string | undefined;
    if (backend) {
      const name = `hop_accounts_${process.pid}_${Date.now()}`;
      const admin = new pg.Client({ connectionString: backend });
      await admin.connect();
      await admin.query(`create database ${name}`);
      await admin.end();
      backendUrl = Object.assign(new URL(backend), { pathname: `/${name}` }).href;
      dropDatabase = async () => {
        const client = new pg.Client({ connectionString: backend });
        await client.connect();
        await client.query(`drop database if exists ${name} with (force)`);
        await client.end();
      };
    }
    server = await startLocalDb(backendUrl ? { backend: backendUrl } : { dataDir: null });
    await migrateUrl(server.databaseUrl);
    send = sendVia(createApp(), { ...FIXTURE_ENV, DATABASE_URL: server.databaseUrl });
  }, 60_000);
  afterAll(async () => {
    await server?.close();
    await dropDatabase();
  });
  return { send: (path, init) => send(path, init), db: () => createDb(server.databaseUrl, 10_000) };
}
