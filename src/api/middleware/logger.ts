import type { MiddlewareHandler } from 'hono';
import type { Config } from '../config';
import type { AppEnv } from '../env';

type Level = Exclude<Config['LOG_LEVEL'], 'silent'>;
const RANK: Record<Config['LOG_LEVEL'], number> = { debug: 10, info: 20, warn: 30, error: 40, silent: 99 };

/** One JSON line per event on stdout/stderr: edge, Workers and Node all collect console output. */
export function log(threshold: Config['LOG_LEVEL'], level: Level, fields: Record<string, unknown>) {
  if (RANK[level] < RANK[threshold]) return;
  const line = JSON.stringify({ time: new Date().toISOString(), level, ...fields });
  if (level === 'error' || level === 'warn') console.error(line);
  else console.log(line);
}

/**
 * One access-log line per request: method, path (no query: it may hold
 * secrets), status, duration and request id. Never bodies or headers.
 */
export function accessLog(): MiddlewareHandler<AppEnv> {
  return async function accessLog(c, next) {
    // Quiet levels skip the work too: this runs on every redirect.
    if (RANK.info < RANK[c.var.config.LOG_LEVEL]) return next();
    const start = performance.now();
    await next();
    log(c.var.config.LOG_LEVEL, 'info', {
      msg: 'request',
      method: c.req.method,
      path: c.req.path,
      status: c.res.status,
      durationMs: Math.round((performance.now() - start) * 100) / 100,
      requestId: c.get('requestId'),
    });
  };
}
