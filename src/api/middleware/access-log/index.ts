import type { MiddlewareHandler } from 'hono';
import type { AppEnv } from '../../lib/env';
import { log, logs } from '../../lib/log';

/**
 * One access-log line per request: method, path (no query: it may hold
 * secrets), status, duration and request id. Never bodies or headers.
 */
export function accessLog(): MiddlewareHandler<AppEnv> {
  return async function accessLog(c, next) {
    const level = c.var.config.LOG_LEVEL;
    // Quiet levels skip the work too: this runs on every redirect.
    if (!logs(level, 'info')) return next();
    const start = performance.now();
    await next();
    log(level, 'info', {
      msg: 'request',
      method: c.req.method,
      path: c.req.path,
      status: c.res.status,
      durationMs: Math.round((performance.now() - start) * 100) / 100,
      requestId: c.get('requestId'),
    });
  };
}
