// The fault switch over HTTP, for tests whose app runs in another process
// (next start, wrangler dev). It lives under a path the driver never uses and
// answers whatever fault is set, so it can always undo one.
//
//   GET    /_localdb/fault   → { fault }          the current fault, or null
//   PUT    /_localdb/fault   { "mode": "freeze" } | { "mode": "slow", "delayMs": 3000 } | …
//   DELETE /_localdb/fault   clears it (held requests run, in arrival order)
//   GET    /_localdb/stats   → LocalDbStats       counters and what is held now
//   DELETE /_localdb/stats   zeroes the counters
//   POST   /_localdb/pause[?mode=unavailable], POST /_localdb/resume: the old switch
//   GET    /_localdb/store-fault → { fault }    the store's (Upstash REST front's) fault
//   PUT    /_localdb/store-fault { "mode": "slow", "delayMs": 500 } | { "mode": "destroy" } | …
//   DELETE /_localdb/store-fault  clears it
//
// Loopback only. Browsers are refused (they send Origin), so a web page cannot
// take a developer's database down; DNS rebinding is refused by the Host check.
import type http from 'node:http';
import { type Fault, type LocalDbStats, parseFault } from './fault-gate';
import { isLoopbackHostname } from '../api/lib/hosts';
import { parseStoreFault, type StoreFault } from './upstash-rest';

export const CONTROL_PREFIX = '/_localdb/';

export interface FaultControl {
  readonly faults: { readonly fault: Fault | null };
  setFault(fault: Fault | null): void;
  stats(): LocalDbStats;
  resetStats(): void;
  readonly upstash: { readonly fault: StoreFault | null; setFault(fault: StoreFault | null): void } | null;
}

const LOOPBACK_ADDRESSES = new Set(['127.0.0.1', '::1', '::ffff:127.0.0.1']);

export async function handleControl(
  target: FaultControl,
  req: http.IncomingMessage,
  res: http.ServerResponse,
): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://localhost');
  const hostname = (req.headers.host ?? '').replace(/:\d+$/, '');
  if (!LOOPBACK_ADDRESSES.has(req.socket.remoteAddress ?? '') || !isLoopbackHostname(hostname) || req.headers.origin)
    return reply(res, 403, { message: 'localdb control: loopback clients only, and no browsers' });

  const route = `${req.method} ${url.pathname.slice(CONTROL_PREFIX.length)}`;
  switch (route) {
    case 'GET fault':
      return reply(res, 200, { fault: target.faults.fault });
    case 'PUT fault': {
      let fault: Fault;
      try {
        fault = parseFault(JSON.parse(await readSmallBody(req)));
      } catch (err) {
        return reply(res, 400, { message: `localdb control: ${(err as Error).message}` });
      }
      target.setFault(fault);
      return reply(res, 200, { fault });
    }
    case 'DELETE fault':
      target.setFault(null);
      return reply(res, 200, { fault: null });
    case 'GET stats':
      return reply(res, 200, target.stats());
    case 'DELETE stats':
      target.resetStats();
      return reply(res, 200, target.stats());
    case 'POST pause': {
      const mode = url.searchParams.get('mode') ?? 'destroy';
      if (mode !== 'destroy' && mode !== 'unavailable')
        return reply(res, 400, { message: 'localdb control: mode must be destroy or unavailable' });
      target.setFault({ mode });
      return reply(res, 204);
    }
    case 'POST resume':
      target.setFault(null);
      return reply(res, 204);
    case 'GET store-fault':
      return reply(res, 200, { fault: target.upstash?.fault ?? null });
    case 'PUT store-fault': {
      if (!target.upstash) return reply(res, 409, { message: 'localdb control: no store (start with a Redis URL)' });
      let fault: StoreFault;
      try {
        fault = parseStoreFault(JSON.parse(await readSmallBody(req)));
      } catch (err) {
        return reply(res, 400, { message: `localdb control: ${(err as Error).message}` });
      }
      target.upstash.setFault(fault);
      return reply(res, 200, { fault });
    }
    case 'DELETE store-fault':
      target.upstash?.setFault(null);
      return reply(res, 200, { fault: null });
    default:
      return reply(res, 404, { message: `localdb control: no route ${route}` });
  }
}

function reply(res: http.ServerResponse, status: number, body?: unknown): void {
  if (body === undefined) return void res.writeHead(status).end();
  const json = JSON.stringify(body);
  res.writeHead(status, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(json) });
  res.end(json);
}

function readSmallBody(req: http.IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (c: string) => {
      body += c;
      if (body.length > 4096) req.destroy(new Error('body too large'));
    });
    req.on('end', () => resolve(body));
    req.on('error', reject);
  });
}
