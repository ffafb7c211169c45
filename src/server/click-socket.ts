import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { STATUS_CODES } from 'node:http';
import { WebSocketServer, type RawData, type WebSocket } from 'ws';
import { PEER_ADDRESS } from '../api/lib/platform';
import { readSseEvents } from './sse-reader';

export const CLICKS_WS_PATH = '/api/v1/clicks/ws';
const STREAM_PATH = '/api/v1/clicks/stream';

/** How long a socket without a ticket may take to send its key. */
const AUTH_TIMEOUT_MS = 10_000;
/** A client that lets this much pile up unread is dropped (it resumes with its cursor). */
const MAX_BUFFERED_BYTES = 1 << 20;

// Close codes: 1008 for a refused request (4xx), 1013 "try again later" for
// an unavailable database, 1011 for anything else, 1001 at shutdown.
const closeCodeFor = (status: number) => (status === 503 ? 1013 : status < 500 ? 1008 : 1011);
const HOP_BY_HOP = new Set(['content-length', 'connection', 'transfer-encoding', 'keep-alive']);
// A close reason is at most 123 bytes.
const reason = (text: string) => text.slice(0, 120);

export interface ClickSockets {
  upgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void;
  /** Closes every socket (1001): their clients reconnect elsewhere with their cursor. */
  closeAll(): void;
  readonly size: number;
}

/**
 * The live click feed over WebSocket (`npm run serve` only: the edge has no
 * upgrade). It is a transport for the SSE route, not a second feed: each
 * socket is one request to `GET /api/v1/clicks/stream` in the same app, so
 * auth, tickets, scope, resume, limits and the shared poller are the SSE
 * route's own, and closing the socket aborts that request, which releases
 * its subscription. Each event becomes one text message
 * `{"id","event","data"}`; keep-alives become pings.
 *
 * Auth as the SSE route: `?ticket=` (checked before the upgrade, so a bad
 * one is a plain HTTP 401), or, without a ticket, a first message
 * `{"key":"hop_…","since":"<cursor>"}` (a key never goes in a URL).
 */
export function clickSockets(fetch: (request: Request) => Promise<Response>): ClickSockets {
  const wss = new WebSocketServer({ noServer: true, maxPayload: 4096 });

  const streamRequest = (req: IncomingMessage, query: URLSearchParams, headers: Record<string, string>) => {
    const controller = new AbortController();
    const request = new Request(`http://${req.headers.host ?? 'localhost'}${STREAM_PATH}?${query}`, {
      headers: { ...headers, Accept: 'text/event-stream' },
      signal: controller.signal,
    });
    // The client address for rate limits, as the HTTP front passes it (lib/platform.ts).
    const peer = req.socket.remoteAddress;
    if (peer) Object.defineProperty(request, PEER_ADDRESS, { value: peer });
    return { controller, response: fetch(request) };
  };

  async function pipe(ws: WebSocket, res: Response, controller: AbortController) {
    if (res.status !== 200 || !res.body) {
      ws.once('close', () => controller.abort());
      ws.send(JSON.stringify({ event: 'error', data: await res.json().catch(() => ({ status: res.status })) }));
      ws.close(closeCodeFor(res.status), reason(STATUS_CODES[res.status] ?? 'refused'));
      return;
    }
    // Cancelling the body is what releases the stream's subscription at once. (Aborting the
    // request's signal is not enough: undici's Request follows it only while its own inner
    // controller has not been garbage-collected.)
    const reader = res.body.getReader();
    const release = () => {
      controller.abort();
      reader.cancel().catch(() => {});
    };
    ws.once('close', release);
    let last = 'closed; reconnect with your cursor';
    try {
      for await (const item of readSseEvents(reader)) {
        if (ws.readyState !== ws.OPEN) break;
        if ('comment' in item) {
          if (item.comment === 'keep-alive') ws.ping();
          else last = item.comment;
          continue;
        }
        ws.send(JSON.stringify({ id: item.id, event: item.event, data: JSON.parse(item.data) }));
        if (ws.bufferedAmount > MAX_BUFFERED_BYTES) {
          last = 'client too slow; reconnect with your cursor';
          break;
        }
      }
    } catch {
      // the stream broke (the socket closed, or the app failed): close below
    } finally {
      release();
    }
    if (ws.readyState === ws.OPEN) ws.close(1000, reason(last));
  }

  function withKey(ws: WebSocket, req: IncomingMessage, query: URLSearchParams) {
    const timer = setTimeout(() => ws.close(1008, 'send {"key": "…"} first'), AUTH_TIMEOUT_MS);
    ws.once('close', () => clearTimeout(timer));
    ws.once('message', (data: RawData) => {
      clearTimeout(timer);
      let first: { key?: unknown; since?: unknown };
      try {
        first = JSON.parse(data.toString()) as typeof first;
      } catch {
        first = {};
      }
      if (typeof first.key !== 'string') return ws.close(1008, 'the first message must be {"key": "…"}');
      const headers: Record<string, string> = { Authorization: `Bearer ${first.key}` };
      if (typeof first.since === 'string') headers['Last-Event-ID'] = first.since;
      const { controller, response } = streamRequest(req, query, headers);
      response.then(
        (res) => pipe(ws, res, controller),
        () => ws.close(1011, 'internal error'),
      );
    });
  }

  return {
    upgrade(req, socket, head) {
      const query = new URL(req.url ?? '/', 'http://localhost').searchParams;
      if (!query.has('ticket')) {
        wss.handleUpgrade(req, socket, head, (ws) => withKey(ws, req, query));
        return;
      }
      // A ticket is checked before upgrading: a refusal is the SSE route's own HTTP answer.
      const { controller, response } = streamRequest(req, query, {});
      response.then(
        async (res) => {
          if (res.status !== 200) {
            const body = Buffer.from(await res.arrayBuffer());
            const head = [`HTTP/1.1 ${res.status} ${STATUS_CODES[res.status] ?? ''}`];
            res.headers.forEach((value, name) => {
              if (!HOP_BY_HOP.has(name)) head.push(`${name}: ${value}`);
            });
            head.push(`content-length: ${body.length}`, 'connection: close', '', '');
            socket.end(Buffer.concat([Buffer.from(head.join('\r\n')), body]));
            return;
          }
          if (socket.destroyed) return controller.abort();
          wss.handleUpgrade(req, socket, head, (ws) => void pipe(ws, res, controller));
        },
        () => socket.destroy(),
      );
    },
    closeAll() {
      for (const ws of wss.clients) ws.close(1001, 'server shutting down; reconnect with your cursor');
    },
    get size() {
      return wss.clients.size;
    },
  };
}
