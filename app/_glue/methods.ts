// Shared by the Node guard (node-guard.ts, from instrumentation.ts) and the
// route adapter: what Next cannot hand to a route handler, and how we answer
// it. No imports: it must not pull the app into anything.

/**
 * The methods the app implements on some resource. Next forwards exactly
 * these to a route handler (next/dist/server/web/http.js HTTP_METHODS); any
 * other method gets an empty 400 from the route module before our code runs.
 */
export const APP_METHODS: ReadonlySet<string> = new Set(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']);

/**
 * Set by the Node guard on every request: the path and query exactly as the
 * client sent them. Next rebuilds the query it gives an edge route (its
 * dynamic params mixed in, repeated keys regrouped); the adapter puts this back.
 */
export const ORIGINAL_URL_HEADER = 'x-hop-original-url';

const SANE_REQUEST_ID = /^[\w\-=]{1,255}$/;

/**
 * 501 Not Implemented as problem+json (RFC 9457), the way the app writes its
 * problems: a method no resource here implements (RFC 9110 §9.1, §15.6.2).
 * Resource-independent by definition, so it needs no route table and no Allow.
 */
export function notImplemented(method: string, path: string, requestIdHeader: string | null | undefined) {
  const requestId = requestIdHeader && SANE_REQUEST_ID.test(requestIdHeader) ? requestIdHeader : crypto.randomUUID();
  const body = JSON.stringify({
    type: 'about:blank',
    title: 'Not Implemented',
    status: 501,
    detail: `${method} is not implemented by this server; use ${[...APP_METHODS].join(', ')}.`,
    instance: path,
    requestId,
  });
  accessLogLine(method, path, 501, requestId);
  return {
    status: 501,
    body,
    headers: {
      'Content-Type': 'application/problem+json',
      'X-Request-Id': requestId,
      'Cache-Control': 'no-store',
      'X-Content-Type-Options': 'nosniff',
    },
  };
}

/**
 * The app's access-log line (src/api/middleware/logger.ts) for an answer
 * given before the app: method, path, status, request id; never the query.
 */
function accessLogLine(method: string, path: string, status: number, requestId: string): void {
  const level = process.env.LOG_LEVEL ?? 'info';
  if (level !== 'info' && level !== 'debug') return;
  const line = {
    time: new Date().toISOString(),
    level: 'info',
    msg: 'request',
    method,
    path,
    status,
    durationMs: 0,
    requestId,
  };
  console.log(JSON.stringify(line));
}
