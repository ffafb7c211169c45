import type { Context } from 'hono';
import type { AppEnv } from './env';
import { log } from './log';

// The one adapter over what differs between runtimes: running work after the
// response, where the platform says the client is, and where this deployment
// lives. Entry files provide an execution context (Workers natively, Next
// through `after()`).

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
