// The HTTP front: POST /sql (Neon's SQL over HTTP), upgrade on /v2 (the
// WebSocket relay), and a switch that makes both behave like an unreachable
// database for fault tests.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type pg from 'pg';
import type { PoolCache } from './pools';
import { ConnectionBroken, ERROR_FIELDS, errorBody, isPgError, runSql } from './sql-exec';
import { BadRequest, parseSqlRequest } from './sql-request';
import type { WsRelay } from './ws-relay';

/** How /sql and /v2 behave while the backend is "down". */
export type PauseMode =
  /** Drop the connection without a reply: the driver throws "Error connecting to database: TypeError: fetch failed". */
  | 'destroy'
  /** Answer 503: the driver throws "Server error (HTTP status 503): …". */
  | 'unavailable';

const MAX_BODY = 10 * 1024 * 1024;
// Connection-level failures: the credentials or database name are wrong, so the pool is useless.
const AUTH_CODES = new Set(['28P01', '28000', '3D000']);

export class LocalHttpServer {
  readonly server: http.Server;
  paused: PauseMode | null = null;
  /** HTTP requests to /sql since start or the last reset: one per driver round trip. */
  sqlRequests = 0;

  constructor(
    readonly pools: PoolCache,
    readonly relay: WsRelay,
  ) {
    this.server = http.createServer(
      { keepAliveTimeout: 60_000, noDelay: true },
      (req, res) => void this.#request(req, res),
    );
    this.server.on('upgrade', (req, socket, head) => {
      if (this.paused) return void socket.destroy();
      this.relay.handleUpgrade(req, socket, head);
    });
  }

  listen(port: number, host: string): Promise<number> {
    return new Promise((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(port, host, () => resolve((this.server.address() as AddressInfo).port));
    });
  }

  close(): Promise<void> {
    return new Promise((resolve) => {
      this.server.close(() => resolve());
      this.server.closeAllConnections();
    });
  }

  async #request(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    if (this.paused === 'destroy') return void req.socket.destroy();
    if (this.paused === 'unavailable')
      return send(res, 503, { message: 'localdb: database backend is paused (simulated outage)' });
    const path = req.url?.split('?')[0];
    if (path !== '/sql') return send(res, 404, { message: 'not found: use POST /sql or a WebSocket on /v2' });
    this.sqlRequests++;
    if (req.method !== 'POST') return send(res, 405, { message: 'use POST' });
    let body: string;
    try {
      body = await readBody(req);
    } catch {
      return send(res, 413, { message: `request body larger than ${MAX_BODY} bytes` });
    }
    let client: pg.PoolClient | undefined;
    let request;
    try {
      request = parseSqlRequest(req.headers, body);
      client = await this.pools.get(request.credentials).connect();
    } catch (err) {
      if (err instanceof BadRequest) return send(res, 400, { ...EMPTY_ERROR, message: err.message });
      if (isPgError(err)) {
        if (request && AUTH_CODES.has(err.code ?? '')) this.pools.drop(request.credentials);
        return send(res, 400, errorBody(err));
      }
      return send(res, 503, { message: `localdb: cannot reach the database backend: ${(err as Error).message}` });
    }
    // A checked-out pg client emits 'error' if its socket dies; without a listener that would crash the process.
    const onError = (): void => {};
    client.on('error', onError);
    let broken: Error | undefined;
    try {
      send(res, 200, await runSql(client, request));
    } catch (thrown) {
      // The connection is unusable after a FATAL error or a failed ROLLBACK: drop it from the pool.
      const err = thrown instanceof ConnectionBroken ? thrown.cause : thrown;
      if (thrown instanceof ConnectionBroken || !isPgError(err) || err.severity === 'FATAL') broken = err as Error;
      if (isPgError(err)) send(res, 400, errorBody(err));
      else send(res, 503, { message: `localdb: database connection failed: ${(err as Error).message}` });
    } finally {
      client.off('error', onError);
      client.release(broken);
    }
  }
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
