import type { Context } from 'hono';
import type { AppEnv } from './env';
import { log } from './middleware/logger';

// The one adapter over what differs between runtimes: running work after the
// response, and where the platform says the client is. Entry files provide
// an execution context (Workers natively, Next through `after()`).

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

const decode = (value: string | undefined) => {
  if (!value) return null;
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
};

/** Workers' `request.cf`, else Vercel's `x-vercel-ip-*` headers, else unknown. */
export function geo(c: Context<AppEnv>): Geo {
  const cf = (c.req.raw as Request & { cf?: CfProperties }).cf;
  if (cf?.country) {
    return { country: cf.country ?? null, region: cf.regionCode ?? cf.region ?? null, city: cf.city ?? null };
  }
  return {
    country: decode(c.req.header('x-vercel-ip-country')),
    region: decode(c.req.header('x-vercel-ip-country-region')),
    city: decode(c.req.header('x-vercel-ip-city')),
  };
}
