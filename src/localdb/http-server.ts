// The HTTP front: POST /sql (Neon's SQL over HTTP), upgrade on /v2 (the
// WebSocket relay), the fault switch both obey, the control endpoint that
// lets another process flip it, and, with a Redis behind it, Upstash's REST
// protocol on /, /pipeline and /multi-exec (upstash-rest.ts).
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type pg from 'pg';
import { CONTROL_PREFIX, handleControl } from './control-endpoint';
import { type Fault, FaultGate, type LocalDbStats, type Verdict } from './fault-gate';
import type { PoolCache } from './pools';
import { ConnectionBroken, ERROR_FIELDS, errorBody, isPgError, runSql } from './sql-exec';
import { BadRequest, parseSqlRequest, type SqlRequest } from './sql-request';
import { UPSTASH_PATHS, type UpstashRest } from './upstash-rest';
import type { WsRelay } from './ws-relay';

/** How /sql and /v2 behave while the backend is "down" (pauseBackend). */
export type PauseMode =
  /** Drop the connection without a reply: the driver throws "Error connecting to database: TypeError: fetch failed". */
  | 'destroy'
  /** Answer 503: the driver throws "Server error (HTTP status 503): …". */
  | 'unavailable';

type Answer = [status: number, body: unknown];

const MAX_BODY = 10 * 1024 * 1024;
// Connection-level failures: the credentials or database name are wrong, so the pool is useless.
const AUTH_CODES = new Set(['28P01', '28000', '3D000']);

export class LocalHttpServer {
  readonly server: http.Server;
  readonly faults = new FaultGate();

  constructor(
    readonly pools: PoolCache,
    readonly relay: WsRelay,
    readonly upstash: UpstashRest | null = null,
  ) {
    this.server = http.createServer(
      { keepAliveTimeout: 60_000, noDelay: true },
      (req, res) => void this.#request(req, res),
    );
    this.server.on('upgrade', (req, socket, head) => {
      if (this.faults.outage()) return void socket.destroy();
      this.relay.handleUpgrade(req, socket, head);
    });
  }

  setFault(fault: Fault | null): void {
    this.faults.set(fault);
    if (fault?.mode === 'freeze') this.relay.freeze();
    else this.relay.thaw();
    if (this.faults.outage()) this.relay.dropAll();
  }

  stats(): LocalDbStats {
    return { ...this.faults.counts(), ...(this.upstash?.stats() ?? { storeRequests: 0, storeCommands: 0 }) };
  }

  resetStats(): void {
    this.faults.resetCounters();
    this.upstash?.resetStats();
  }

  listen(port: number, host: string): Promise<number> {
    return new Promise((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(port, host, () => resolve((this.server.address() as AddressInfo).port));
    });
  }

  close(): Promise<void> {
    // Held and delayed requests are let go without running, so nothing keeps the server open.
    this.faults.close();
    return new Promise((resolve) => {
      this.server.close(() => resolve());
      this.server.closeAllConnections();
    });
  }

  async #request(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const path = req.url?.split('?')[0] ?? '';
    if (path.startsWith(CONTROL_PREFIX)) return handleControl(this, req, res);
    // The store has its own fault switch (setStoreFault): a database outage leaves it alone.
    if (this.upstash && UPSTASH_PATHS.has(path)) return this.#store(req, res, path);
    const outage = this.faults.outage();
    if (outage) return fail(req, res, outage);
    if (path !== '/sql') return send(res, 404, { message: 'not found: use POST /sql or a WebSocket on /v2' });
    this.faults.received();
    if (req.method !== 'POST') return send(res, 405, { message: 'use POST' });
    let body: string;
    try {
      body = await readBody(req);
    } catch {
      return send(res, 413, { message: `request body larger than ${MAX_BODY} bytes` });
    }
    let request: SqlRequest;
    try {
      request = parseSqlRequest(req.headers, body);
    } catch (err) {
      if (err instanceof BadRequest) return send(res, 400, { ...EMPTY_ERROR, message: err.message });
      return send(res, 400, { ...EMPTY_ERROR, message: `bad request: ${(err as Error).message}` });
    }
    // From here on the request has reached "the database": it runs even if the client gives up.
    const before = await this.faults.admit();
    if (before) return fail(req, res, before);
    let answer: Answer;
    try {
      answer = await this.#execute(request);
    } catch (err) {
      answer = [503, { message: `localdb: ${(err as Error).message}` }];
    }
    const after = await this.faults.finished();
    if (after) return fail(req, res, after);
    send(res, ...answer);
  }

  async #store(req: http.IncomingMessage, res: http.ServerResponse, path: string): Promise<void> {
    let body: string;
    try {
      body = await readBody(req);
    } catch {
      return send(res, 413, { error: `request body larger than ${MAX_BODY} bytes` });
    }
    await this.upstash!.handle(req, res, path, body);
  }

  async #execute(request: SqlRequest): Promise<Answer> {
    let client: pg.PoolClient;
    try {
      client = await this.pools.get(request.credentials).connect();
    } catch (err) {
      if (!isPgError(err))
        return [503, { message: `localdb: cannot reach the database backend: ${(err as Error).message}` }];
      if (AUTH_CODES.has(err.code ?? '')) this.pools.drop(request.credentials);
      return [400, errorBody(err)];
    }
    // A checked-out pg client emits 'error' if its socket dies; without a listener that would crash the process.
    const onError = (): void => {};
    client.on('error', onError);
    let broken: Error | undefined;
    try {
      return [200, await runSql(client, request)];
    } catch (thrown) {
      // The connection is unusable after a FATAL error or a failed ROLLBACK: drop it from the pool.
      const err = thrown instanceof ConnectionBroken ? thrown.cause : thrown;
      if (thrown instanceof ConnectionBroken || !isPgError(err) || err.severity === 'FATAL') broken = err as Error;
      if (isPgError(err)) return [400, errorBody(err)];
      return [503, { message: `localdb: database connection failed: ${(err as Error).message}` }];
    } finally {
      client.off('error', onError);
      client.release(broken);
    }
  }
}

function fail(req: http.IncomingMessage, res: http.ServerResponse, verdict: NonNullable<Verdict>): void {
  if (verdict === 'unavailable') send(res, 503, { message: 'localdb: database backend is paused (simulated outage)' });
  else req.socket.destroy(); // 'destroy', or the server is closing
}

const EMPTY_ERROR = Object.fromEntries(ERROR_FIELDS.filter((k) => k !== 'message').map((k) => [k, null]));

function send(res: http.ServerResponse, status: number, body: unknown): void {
  const json = JSON.stringify(body);
  res.writeHead(status, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(json) });
  res.end(json);
}

function readBody(req: http.IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size <= MAX_BODY) chunks.push(c);
    });
    // Read to the end even when too large, so the 413 reaches the client.
    req.on('end', () =>
      size > MAX_BODY ? reject(new Error('too large')) : resolve(Buffer.concat(chunks).toString('utf8')),
    );
    req.on('error', reject);
  });
}
