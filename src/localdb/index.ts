/**
 * Local Neon server: speaks the @neondatabase/serverless driver's own
 * protocols, so the real driver runs unchanged against a local database.
 * Node only; never bundled into the app.
 *
 *   POST /sql  SQL over HTTP (what `neon()` uses)
 *   GET  /v2   WebSocket-to-TCP relay, ?address=host:port (what `Pool`/`Client` use)
 *
 * Backends: embedded PGlite (default; data in a directory, or in memory) or
 * any PostgreSQL given by a postgres:// URL.
 *
 * URL convention: the port in DATABASE_URL IS the local server's HTTP port,
 * e.g. DATABASE_URL=postgresql://hop:hop@localhost:4444/hop, and the app sets
 *
 *   neonConfig.fetchEndpoint = (host, port) => `http://${host}:${port}/sql`
 *   // for Pool/Client over WebSockets:
 *   neonConfig.wsProxy = (host, port) => `${host}:${port}/v2?address=${host}:${port}`
 *   neonConfig.useSecureWebSocket = false
 *   neonConfig.pipelineConnect = false
 *   neonConfig.webSocketConstructor = ws // Node only
 *
 * The relay maps the local server's own address (localhost / 127.0.0.1 /
 * [::1] with its port) to the backend, and also accepts the backend's real
 * TCP address; every other address is refused with 403.
 *
 * Credentials: the user/password/database in the driver's connection string
 * are checked by the backend. With PostgreSQL we connect as that user, so a
 * wrong password fails exactly as Postgres says. With PGlite the configured
 * user/password/database (default hop/hop/hop) are required; a wrong password
 * gives 28P01 "password authentication failed for user ...". Inside, PGlite
 * runs as its own superuser "postgres" on database "postgres".
 *
 * PGlite has one backend session: transactions run one at a time, queued
 * FIFO; a request that waits longer than queueTimeoutMs (default 5000) fails
 * with Postgres error 53300, which the driver raises as a NeonDbError.
 * Session state (SET, named prepared statements) is shared by all clients.
 *
 * Round trips: `stats().sqlRequests` counts HTTP requests to /sql (each is one
 * `neon()` query or transaction batch); `resetStats()` zeroes it. Benchmarks
 * read it to count the app's database round trips per request.
 *
 * Faults, for tests of the app's failure paths: `setFault(fault)`, `clearFault()`.
 *   destroy      /sql drops the connection unanswered (the driver throws "Error
 *                connecting to database: TypeError: fetch failed"); /v2 refuses
 *                upgrades and cuts open relay connections.
 *   unavailable  the same, but /sql answers 503 ("Server error (HTTP status 503): …").
 *   freeze       like SIGSTOP of the database: /sql requests are received and
 *                held, nothing answers. On clearFault() they run one at a time
 *                in arrival order and commit even if their client has given up
 *                (an aborted fetch does not unsend a query). Requests already
 *                running finish on the database, but their answers are held
 *                too: Postgres stopped between COMMIT and reply, the "write
 *                that timed out but committed". /v2 connections stay open;
 *                their bytes are held both ways until the freeze ends.
 *   slow         { mode: 'slow', delayMs }: each /sql request waits delayMs
 *                before it runs, so past the client's timeout the client gives
 *                up and the statement still runs. /v2 is not slowed.
 * destroy/unavailable leave requests already running alone (they answer, as
 * before modes existed); from a freeze they are a crash: held requests fail
 * that way and never run, withheld answers are lost. `pauseBackend(mode)` /
 * `resumeBackend()` are the older names for setFault({ mode }) / clearFault().
 *
 * To wait for a fault to take hold instead of sleeping, `stats()` also
 * reports `held` (frozen, not yet run), `delayed` (waiting out slow),
 * `running`, `heldReplies` (done, answer withheld) and `completed`; and
 * `waitForStats((s) => s.held === 1)` resolves when it holds.
 *
 * Another process (e2e tests against `next start` / `wrangler dev`) uses the
 * same switch over HTTP at `controlUrl` (control-endpoint.ts, loopback only),
 * e.g. with `localDbControl(controlUrl)` from control-client.ts.
 *
 * The store: given `redisUrl` (a redis:// URL; `npm run db` and the tests
 * pass REDIS_URL), the same port also speaks Upstash's Redis REST protocol on
 * POST /, /pipeline and /multi-exec in front of that Redis (upstash-rest.ts),
 * so `@upstash/redis` and `@upstash/ratelimit` run unchanged with
 *
 *   UPSTASH_REDIS_REST_URL=<url>  UPSTASH_REDIS_REST_TOKEN=<upstash.token>
 *
 * Its own faults, independent of the database's: `setStoreFault({ mode })`
 * with destroy, unavailable or { mode: 'slow', delayMs }; `clearStoreFault()`;
 * over HTTP PUT/DELETE /_localdb/store-fault. `stats()` counts its round
 * trips (`storeRequests`) and the commands they carried (`storeCommands`).
 */
import { randomBytes } from 'node:crypto';
import { type PgliteBackend, startPgliteBackend } from './pglite-backend';
import { type Fault, type LocalDbStats, parseFault } from './fault-gate';
import { LocalHttpServer, type PauseMode } from './http-server';
import { PoolCache } from './pools';
import { parseStoreFault, type StoreFault, UpstashRest } from './upstash-rest';
import { type Target, WsRelay } from './ws-relay';
import { LOOPBACK_HOSTNAMES } from '../api/lib/hosts';

export type { Fault, LocalDbStats } from './fault-gate';
export type { PauseMode } from './http-server';
export type { StoreFault } from './upstash-rest';

export interface LocalDbOptions {
  /** HTTP port; 0 picks a free one. Default 0. */
  port?: number;
  /** Interface to listen on. Default 127.0.0.1. */
  host?: string;
  /** 'pglite' (default) or a postgres:// URL of any PostgreSQL server. */
  backend?: 'pglite' | string;
  /** PGlite data directory; null keeps data in memory. Default '.data/pglite'. */
  dataDir?: string | null;
  /** PGlite credentials (ignored for PostgreSQL, which checks its own). Default hop/hop/hop. */
  user?: string;
  password?: string;
  database?: string;
  /** PGlite: longest wait in the queue for the single connection. Default 5000. */
  queueTimeoutMs?: number;
  /** PGlite: TCP port of its wire-protocol front door (psql works on it). Default 0. */
  pgPort?: number;
  /** Connections per credential pool. Default 10. */
  poolSize?: number;
  /** redis:// URL of a Redis to serve Upstash's REST protocol in front of; none: no store. */
  redisUrl?: string | null;
  /** The bearer token the REST protocol requires. Default: a random one (see `upstash.token`). */
  redisToken?: string;
}

export interface LocalDb {
  /** http://127.0.0.1:PORT */
  url: string;
  port: number;
  /** Connection string for the app, e.g. postgresql://hop:hop@localhost:PORT/hop. */
  databaseUrl: string;
  backend: 'pglite' | 'postgres';
  /** TCP address of the database itself (PGlite's wire port, or the PostgreSQL server). */
  pgAddress: Target;
  /** Base URL of the HTTP fault switch for other processes: `${url}/_localdb`. */
  controlUrl: string;
  /** Makes the database misbehave until clearFault(); replaces any fault set before. */
  setFault(fault: Fault): void;
  /** Normal service; requests held by a freeze run now, in arrival order. */
  clearFault(): void;
  /** The fault in force, or null. */
  fault(): Fault | null;
  /** setFault({ mode }), default 'destroy'. */
  pauseBackend(mode?: PauseMode): void;
  /** clearFault(). */
  resumeBackend(): void;
  /** Counters since start or the last resetStats(), and what is held or running now. */
  stats(): LocalDbStats;
  resetStats(): void;
  /** Resolves when stats() satisfies the predicate, e.g. (s) => s.held === 1; rejects after timeoutMs (default 5000). */
  waitForStats(predicate: (s: LocalDbStats) => boolean, timeoutMs?: number): Promise<LocalDbStats>;
  /** With `redisUrl`: what UPSTASH_REDIS_REST_URL and _TOKEN should be; else null. */
  upstash: { url: string; token: string } | null;
  /** Makes the store misbehave until clearStoreFault() (needs `redisUrl`). */
  setStoreFault(fault: StoreFault): void;
  clearStoreFault(): void;
  /** Requests still held or delayed are dropped unanswered and never run. */
  close(): Promise<void>;
}

export async function startLocalDb(options: LocalDbOptions = {}): Promise<LocalDb> {
  const host = options.host ?? '127.0.0.1';
  const backendUrl = options.backend && options.backend !== 'pglite' ? new URL(options.backend) : null;
  const queueTimeoutMs = options.queueTimeoutMs ?? 5000;

  let pglite: PgliteBackend | null = null;
  let target: Target;
  let credentials: { user: string; password: string; database: string };
  if (backendUrl) {
    target = { host: backendUrl.hostname.replace(/^\[|\]$/g, ''), port: Number(backendUrl.port || 5432) };
    const user = decodeURIComponent(backendUrl.username) || 'postgres';
    credentials = {
      user,
      password: decodeURIComponent(backendUrl.password),
      database: decodeURIComponent(backendUrl.pathname.slice(1)) || user,
    };
  } else {
    credentials = {
      user: options.user ?? 'hop',
      password: options.password ?? 'hop',
      database: options.database ?? 'hop',
    };
    pglite = await startPgliteBackend({
      ...credentials,
      dataDir: options.dataDir === undefined ? '.data/pglite' : options.dataDir,
      queueTimeoutMs,
      pgPort: options.pgPort ?? 0,
    });
    target = { host: pglite.host, port: pglite.port };
  }

  // The pool waits a little longer than the PGlite queue, so the clearer 53300 error wins.
  const pools = new PoolCache(target.host, target.port, options.poolSize ?? 10, queueTimeoutMs + 1000);
  let port = 0;
  const relay = new WsRelay((address) => {
    const aliases = [
      ...LOOPBACK_HOSTNAMES.filter((name) => name !== '::1').map((name) => `${name}:${port}`),
      `${host}:${port}`,
      `${target.host}:${target.port}`,
    ];
    return aliases.includes(address) ? target : null;
  });
  const upstash = options.redisUrl
    ? new UpstashRest(options.redisUrl, options.redisToken ?? `localdb_${randomBytes(18).toString('base64url')}`)
    : null;
  const http = new LocalHttpServer(pools, relay, upstash);
  try {
    port = await http.listen(options.port ?? 0, host);
  } catch (err) {
    await upstash?.close();
    await pools.close();
    await pglite?.close();
    throw err;
  }

  const { user, password, database } = credentials;
  const auth = password ? `${encodeURIComponent(user)}:${encodeURIComponent(password)}` : encodeURIComponent(user);
  const url = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
  return {
    url,
    port,
    databaseUrl: `postgresql://${auth}@localhost:${port}/${encodeURIComponent(database)}`,
    backend: pglite ? 'pglite' : 'postgres',
    pgAddress: target,
    controlUrl: `${url}/_localdb`,
    setFault: (fault) => http.setFault(parseFault(fault)),
    clearFault: () => http.setFault(null),
    fault: () => http.faults.fault,
    pauseBackend: (mode = 'destroy') => http.setFault(parseFault({ mode })),
    resumeBackend: () => http.setFault(null),
    stats: () => http.stats(),
    resetStats: () => http.resetStats(),
    waitForStats: (predicate, timeoutMs = 5000) =>
      http.faults.waitFor(() => predicate(http.stats()), timeoutMs).then(() => http.stats()),
    upstash: upstash && { url, token: upstash.token },
    setStoreFault: (fault) => {
      if (!upstash) throw new Error('localdb: no store (start it with redisUrl)');
      upstash.setFault(parseStoreFault(fault));
    },
    clearStoreFault: () => upstash?.setFault(null),
    async close() {
      relay.close();
      await http.close();
      await upstash?.close();
      await pools.close();
      await pglite?.close();
    },
  };
}
