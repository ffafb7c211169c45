import { neon, neonConfig, NeonDbError, type NeonQueryFunction } from '@neondatabase/serverless';
import { DEFAULT_LOCAL_DB_PORT, isLoopbackHostname } from '../lib/hosts';

// Loopback hosts mean "the local Neon server" (src/localdb): the port in
// DATABASE_URL is its HTTP port. Every other host is Neon itself, unchanged.
const neonEndpoint = neonConfig.fetchEndpoint;
neonConfig.fetchEndpoint = (host, port, options) =>
  isLoopbackHostname(host)
    ? `http://127.0.0.1:${port || DEFAULT_LOCAL_DB_PORT}/sql`
    : typeof neonEndpoint === 'function'
      ? neonEndpoint(host, port, options)
      : neonEndpoint;

/** The database cannot be reached (down, timed out, refusing): callers answer 503. */
export class DatabaseUnavailableError extends Error {
  override name = 'DatabaseUnavailableError';
}

// Postgres classes that mean "not you, the database": connection exceptions,
// insufficient resources, operator intervention (shutdown), cannot connect now.
const UNAVAILABLE_SQLSTATE = /^(08|53|57P0[1-4])/;

function classify(error: unknown): unknown {
  if (error instanceof NeonDbError) {
    if (error.code ? UNAVAILABLE_SQLSTATE.test(error.code) : !error.message.startsWith('Server error (HTTP status 4')) {
      // No code: the request never reached Postgres (fetch failed, 5xx, timeout).
      return new DatabaseUnavailableError('database unavailable', { cause: error.sourceError ?? error.message });
    }
    return error;
  }
  if (error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError')) {
    return new DatabaseUnavailableError('database query timed out', { cause: error.name });
  }
  return error;
}

export type Sql = NeonQueryFunction<false, false>;
export type Row = Record<string, unknown>;

/** A statement for `batch`: SQL with $1… placeholders and its parameters. */
export interface Statement {
  text: string;
  params?: unknown[];
}

export interface BatchOptions {
  isolationLevel?: 'ReadUncommitted' | 'ReadCommitted' | 'RepeatableRead' | 'Serializable';
  readOnly?: boolean;
}

export interface Db {
  /** One statement, one HTTP round trip. */
  query<T = Row>(text: string, params?: unknown[]): Promise<T[]>;
  /** Several statements in one transaction, one HTTP round trip. */
  batch(statements: Statement[], options?: BatchOptions): Promise<Row[][]>;
}

/**
 * A per-request client over HTTP (no sockets held across requests, as the
 * edge requires). Every call is bounded by `timeoutMs` and a database that
 * cannot be reached surfaces as DatabaseUnavailableError.
 */
export function createDb(databaseUrl: string, timeoutMs: number): Db {
  const sql = neon(databaseUrl);
  const fetchOptions = () => ({ signal: AbortSignal.timeout(timeoutMs) });
  return {
    async query<T>(text: string, params: unknown[] = []) {
      try {
        return (await sql.query(text, params, { fetchOptions: fetchOptions() })) as T[];
      } catch (error) {
        throw classify(error);
      }
    },
    async batch(statements, options = {}) {
      try {
        return (await sql.transaction((tx) => statements.map((s) => tx.query(s.text, s.params ?? [])), {
          ...options,
          fetchOptions: fetchOptions(),
        })) as Row[][];
      } catch (error) {
        throw classify(error);
      }
    },
  };
}
