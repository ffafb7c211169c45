// Shared by the Node guard (node-guard.ts, from instrumentation.ts) and the
// route adapter: what Next cannot hand to a route handler, and how we answer
// it. It imports only dependency-free modules of the app (registry, log,
// methods), never the app itself.
import { PROBLEM_TYPES, problemTypeUri } from '@/src/api/http/problem-types';
import { APP_METHODS, notImplementedDetail } from '@/src/api/lib/methods';
import { log, type LogLevel } from '@/src/api/lib/log';

export { APP_METHODS };

/**
 * Set by the Node guard on every request: the path and query exactly as the
 * client sent them. Next rebuilds the query it gives an edge route (its
 * dynamic params mixed in, repeated keys regrouped); the adapter puts this back.
 */
export const ORIGINAL_URL_HEADER = 'x-hop-original-url';

/**
 * Set by the Node guard on every request: `<token> <address>`, the TCP peer
 * Next's server saw, for rate limits by client address. The token is drawn
 * per process and handed to the route through process.env (Next's edge
 * sandbox copies it), so a client elsewhere cannot forge the header.
 */
export const PEER_HEADER = 'x-hop-peer';
export const PEER_TOKEN_ENV = 'HOP_PEER_TOKEN';

// hono/request-id's default rule for a client's X-Request-Id.
const SANE_REQUEST_ID = /^[\w\-=]{1,255}$/;

/**
 * 501 as the app writes it (same problem type, detail and headers): a method
 * no resource here implements (RFC 9110 §15.6.2). It does not depend on the
 * path, so it needs no route table and no Allow.
 */
export function notImplemented(method: string, path: string, requestIdHeader: string | null | undefined) {
  const requestId = requestIdHeader && SANE_REQUEST_ID.test(requestIdHeader) ? requestIdHeader : crypto.randomUUID();
  const { status, title } = PROBLEM_TYPES['not-implemented'];
  const body = JSON.stringify({
    type: problemTypeUri('not-implemented'),
    title,
    status,
    detail: notImplementedDetail(method),
    instance: path,
    requestId,
  });
  log((process.env.LOG_LEVEL as LogLevel | undefined) ?? 'info', 'info', {
    msg: 'request',
    method,
    path,
    status,
    durationMs: 0,
    requestId,
  });
  return {
    status,
    body,
    headers: {
      'Content-Type': 'application/problem+json',
      'X-Request-Id': requestId,
      'Cache-Control': 'no-store',
      'X-Content-Type-Options': 'nosniff',
    },
  };
}
