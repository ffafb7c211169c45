import { after } from 'next/server';
import { ORIGINAL_URL_HEADER, PEER_HEADER, PEER_TOKEN_ENV } from '@/app/_glue/methods';
import { createApp } from './app';
import { PEER_ADDRESS } from './lib/platform';

// The one piece of Next-specific glue: Next hands us a Web Request; the app
// reads its configuration from process.env as Workers would from bindings,
// and work deferred past the response (click recording) goes to `after()`,
// Next's waitUntil.
const app = createApp();
const env: Record<string, unknown> = { ...process.env };
const executionCtx = {
  waitUntil: (promise: Promise<unknown>) => after(promise),
  passThroughOnException() {},
  props: {},
};

/** The name of the catch-all segment in app/[...hopPath]/route.ts. */
const PARAM = 'hopPath';

/** Index of the path in an absolute URL string ("http://host/path?q" → 11). */
const pathStart = (url: string) => url.indexOf('/', url.indexOf('//') + 2);
const pathOf = (pathAndQuery: string) => {
  const q = pathAndQuery.indexOf('?');
  return q < 0 ? pathAndQuery : pathAndQuery.slice(0, q);
};

/** The query's pairs without Next's segment param, in a canonical order. */
const pairs = (url: URL) =>
  [...url.searchParams]
    .filter(([key]) => key !== PARAM)
    .map(([key, value]) => `${key}=${value}`)
    .sort()
    .join('&');

/**
 * The URL the client sent. Next's edge adapter rebuilds the query of a
 * dynamic route: it adds the segment's values (`?hopPath=api&hopPath=v1…`,
 * overwriting a visitor's own `hopPath`) and regroups repeated keys. Under
 * `next start` / `next dev` the Node guard (app/_glue/node-guard.ts) sends the
 * raw path and query in a header. Where no guard runs, a client could send
 * that header itself: so it is used only when it has this request's path and
 * the same query pairs (Next's param aside), i.e. when all it restores is the
 * order of the client's own parameters and its own `hopPath`. Otherwise the
 * added param is stripped: the best Next's rebuilt query allows.
 */
export function originalUrl(request: Request): string | null {
  const url = request.url;
  const original = request.headers.get(ORIGINAL_URL_HEADER);
  if (original !== null) {
    request.headers.delete(ORIGINAL_URL_HEADER);
    const start = pathStart(url);
    if (pathOf(original) === pathOf(url.slice(start))) {
      // Parsed, to normalise as Workers' request.url is.
      const sent = new URL(url.slice(0, start) + original);
      if (pairs(sent) === pairs(new URL(url))) return sent.href === url ? null : sent.href;
    }
  }
  if (!url.includes(`${PARAM}=`)) return null;
  const parsed = new URL(url);
  if (!parsed.searchParams.has(PARAM)) return null;
  parsed.searchParams.delete(PARAM);
  return parsed.href;
}

const peerPrefix = env[PEER_TOKEN_ENV] ? `${env[PEER_TOKEN_ENV]} ` : null;

/**
 * The TCP peer Next's own server saw, from the Node guard's header when it
 * carries this process's token (app/_glue/methods.ts); the header never
 * reaches the app. Null elsewhere (Vercel says who the client is itself).
 */
export function peerAddress(request: Request, prefix = peerPrefix): string | null {
  const header = request.headers.get(PEER_HEADER);
  if (header === null) return null;
  request.headers.delete(PEER_HEADER);
  return prefix && header.startsWith(prefix) ? header.slice(prefix.length) : null;
}

/** The route handler for app/[...hopPath]/route.ts: every method, every path it gets. */
export function handle(request: Request): Response | Promise<Response> {
  const url = originalUrl(request);
  // Shadow `url` rather than copy the request: new Request(url, request)
  // costs ~75 µs (signals, body), a third of a cached redirect.
  if (url !== null) Object.defineProperty(request, 'url', { value: url });
  const peer = peerAddress(request);
  if (peer !== null) Object.defineProperty(request, PEER_ADDRESS, { value: peer });
  return app.fetch(request, env, executionCtx);
}
