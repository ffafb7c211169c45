import type { Context } from 'hono';
import type { AppEnv } from '../lib/env';
import { createDb, type Db } from './client';

export { DatabaseUnavailableError, type Db, type Row, type Statement } from './client';

declare module 'hono' {
  interface ContextVariableMap {
    db?: Db;
  }
}

/** The request's database client, made on first use (routes without SQL pay nothing). */
export function db(c: Context<AppEnv>): Db {
  let client = c.get('db');
  if (!client) {
    const { DATABASE_URL, DB_QUERY_TIMEOUT_MS } = c.var.config;
    client = createDb(DATABASE_URL, DB_QUERY_TIMEOUT_MS);
    c.set('db', client);
  }
  return client;
}
