import type { Context } from 'hono';
import { addressBucket } from './addresses';
import type { AppEnv } from './env';
import { log } from './log';

// The one adapter over what differs between runtimes: running work after the
// response, where the platform says the client is (geo and address), and
// where this deployment lives. Entry files provide an execution context
// (Workers natively, Next through `after()`).

/** Runs `work` after the response without delaying it; errors are logged, never thrown. */
export function defer(c: Context<AppEnv>, work: Promise<unknown>): void {
  const guarded = work.catch((error: unknown) =>
    log(c.var.config.LOG_LEVEL, 'error', {
      msg: 'deferred work failed',
      requestId: c.get('requestId'),
      error: String(error),
    }),
  );
  try {
    c.executionCtx.waitUntil(guarded);
  } catch {
    // No execution context (plain Node, tests): the process outlives the promise.
  }
}

/** What a long-lived host (the Node server mode) tells the app about itself, through the execution context. */
export interface ServerInfo {
  startedAt: number;
  /** A fetch for webhook deliveries that refuses names resolving to internal addresses (the edge cannot resolve). */
  webhookFetch?: typeof fetch;
}

export function serverInfo(c: Context<AppEnv>): ServerInfo | undefined {
  try {
    return (c.executionCtx.props as { hopServer?: ServerInfo } | undefined)?.hopServer;
  } catch {
    return undefined; // no execution context at all
  }
}

/** Where short links live: PUBLIC_BASE_URL, else the origin this request reached. */
export const publicBaseUrl = (c: Context<AppEnv>) => c.var.config.PUBLIC_BASE_URL ?? new URL(c.req.url).origin;

export interface Geo {
  country: string | null;
  region: string | null;
  city: string | null;
}

interface CfProperties {
  country?: string;
  regionCode?: string;
  region?: string;
  city?: string;
}

// Geo values come from headers: keep them short and free of control
// characters (a NUL would make a whole click batch fail in Postgres).
const clean = (value: string | undefined) => {
  const text = value?.replace(/[\u0000-\u001F\u007F]/g, '').slice(0, 100);
  return text || null;
};

const decode = (value: string | undefined) => {
  if (!value) return null;
  try {
    return clean(decodeURIComponent(value));
  } catch {
    return clean(value);
  }
};

/** Workers' `request.cf`, else Vercel's `x-vercel-ip-*` headers, else unknown. */
export function geo(c: Context<AppEnv>): Geo {
  const cf = (c.req.raw as Request & { cf?: CfProperties }).cf;
  if (cf?.country) {
    return { country: clean(cf.country), region: clean(cf.regionCode ?? cf.region), city: clean(cf.city) };
  }
  return {
    country: decode(c.req.header('x-vercel-ip-country')),
    region: decode(c.req.header('x-vercel-ip-country-region')),
    city: decode(c.req.header('x-vercel-ip-city')),
  };
}

/**
 * Where the Next adapter leaves the TCP peer address that Next's own Node
 * server saw (app/_glue/node-guard.ts records it; no client can set it).
 */
export const PEER_ADDRESS = Symbol.for('hop.peerAddress');

// Workers say who they are in navigator.userAgent (the worker tsconfig's lib has no DOM types).
const onWorkers = () =>
  (globalThis as { navigator?: { userAgent?: string } }).navigator?.userAgent === 'Cloudflare-Workers';

/** The n-th address from the right of X-Forwarded-For: the one the outermost trusted proxy saw. */
function forwardedFor(c: Context<AppEnv>, trusted: number): string | undefined {
  const header = c.req.header('x-forwarded-for');
  if (!header || trusted <= 0) return undefined;
  const hops = header.split(',').map((hop) => hop.trim());
  return hops.length >= trusted ? hops[hops.length - trusted] : undefined;
}

/**
 * The client's address, as a rate-limit bucket (IPv6 by /64), only from what
 * a client cannot set: Workers' CF-Connecting-IP, Vercel's
 * x-vercel-forwarded-for on Vercel, X-Forwarded-For as far as TRUSTED_PROXIES
 * proxies of yours wrote it, or the socket peer Next's own server saw. Null
 * when none of these is there (tests calling the app directly).
 */
export function clientAddress(c: Context<AppEnv>): string | null {
  let address: string | undefined;
  if (onWorkers()) address = c.req.header('cf-connecting-ip');
  else if ((c.env as Record<string, unknown> | undefined)?.VERCEL === '1') {
    address = c.req.header('x-vercel-forwarded-for')?.split(',')[0] ?? c.req.header('x-real-ip');
  }
  address ??=
    forwardedFor(c, c.var.config.TRUSTED_PROXIES) ??
    ((c.req.raw as Request & { [PEER_ADDRESS]?: string })[PEER_ADDRESS] || undefined);
  return address ? addressBucket(address) : null;
}
