// Parses and validates a driver's POST /sql request: body, Neon-* headers and
// the connection string whose credentials the backend will check.
import type { IncomingHttpHeaders } from 'node:http';
import type { Credentials } from './pools';

export interface SqlQuery {
  query: string;
  params: unknown[];
}

export interface SqlRequest {
  credentials: Credentials;
  /** A single query runs alone; a batch runs in one explicit transaction. */
  queries: SqlQuery[];
  batch: boolean;
  arrayMode: boolean;
  rawText: boolean;
  /** BEGIN statement for a batch, e.g. "BEGIN ISOLATION LEVEL SERIALIZABLE READ ONLY". */
  begin: string;
}

/** A request error the driver should see as a plain 400 message. */
export class BadRequest extends Error {}

const ISOLATION: Record<string, string> = {
  ReadUncommitted: 'READ UNCOMMITTED',
  ReadCommitted: 'READ COMMITTED',
  RepeatableRead: 'REPEATABLE READ',
  Serializable: 'SERIALIZABLE',
};

// The driver sends the same connection string on every request; parse it once.
const credentialCache = new Map<string, Credentials>();

export function parseConnectionString(s: string): Credentials {
  const cached = credentialCache.get(s);
  if (cached) return cached;
  let url: URL;
  try {
    url = new URL(s);
  } catch {
    throw new BadRequest('invalid Neon-Connection-String header');
  }
  if (url.protocol !== 'postgresql:' && url.protocol !== 'postgres:') {
    throw new BadRequest('Neon-Connection-String must be a postgresql:// URL');
  }
  const user = decodeURIComponent(url.username);
  const c = {
    user,
    password: decodeURIComponent(url.password),
    database: decodeURIComponent(url.pathname.slice(1)) || user,
  };
  if (credentialCache.size > 100) credentialCache.clear();
  credentialCache.set(s, c);
  return c;
}

function header(h: IncomingHttpHeaders, name: string): string | undefined {
  const v = h[name];
  return Array.isArray(v) ? v[0] : v;
}

function flag(h: IncomingHttpHeaders, name: string): boolean {
  return header(h, name)?.toLowerCase() === 'true';
}

function toQuery(q: unknown): SqlQuery {
  const { query, params = [] } = (q ?? {}) as { query?: unknown; params?: unknown };
  if (typeof query !== 'string') throw new BadRequest('each query needs a "query" string');
  if (!Array.isArray(params)) throw new BadRequest('"params" must be an array');
  return { query, params };
}

export function parseSqlRequest(headers: IncomingHttpHeaders, body: string): SqlRequest {
  const conn = header(headers, 'neon-connection-string');
  if (!conn) throw new BadRequest('missing Neon-Connection-String header');
  const credentials = parseConnectionString(conn);
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch {
    throw new BadRequest('request body is not valid JSON');
  }
  const batch = Array.isArray((json as { queries?: unknown })?.queries);
  const queries = batch ? (json as { queries: unknown[] }).queries.map(toQuery) : [toQuery(json)];

  let begin = 'BEGIN';
  const level = header(headers, 'neon-batch-isolation-level');
  if (level !== undefined) {
    const sql = ISOLATION[level];
    if (!sql) throw new BadRequest(`invalid Neon-Batch-Isolation-Level: ${level}`);
    begin += ` ISOLATION LEVEL ${sql}`;
  }
  if (flag(headers, 'neon-batch-read-only')) begin += ' READ ONLY';
  if (flag(headers, 'neon-batch-deferrable')) begin += ' DEFERRABLE';

  return {
    credentials,
    queries,
    batch,
    arrayMode: flag(headers, 'neon-array-mode'),
    rawText: flag(headers, 'neon-raw-text-output'),
    begin,
  };
}
