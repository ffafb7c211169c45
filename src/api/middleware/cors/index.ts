import type { MiddlewareHandler } from 'hono';
import { cors } from 'hono/cors';
import type { AppEnv } from '../../lib/env';

/**
 * CORS from an allow-list. Hono's `cors` still answers a preflight from a
 * foreign origin with Access-Control-* headers; we let such requests through
 * untouched instead, so they get no CORS headers at all.
 */
export function corsAllowList(): MiddlewareHandler<AppEnv> {
  const handler = cors({
    origin: (origin) => origin,
    allowMethods: ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'],
    allowHeaders: ['Authorization', 'Content-Type', 'Idempotency-Key', 'If-Match', 'If-None-Match', 'X-Request-Id'],
    exposeHeaders: ['Location', 'ETag', 'Link', 'Retry-After', 'X-Request-Id', 'RateLimit', 'RateLimit-Policy'],
    maxAge: 600,
  });
  return async function corsAllowList(c, next) {
    const origin = c.req.header('Origin');
    if (origin && c.var.config.CORS_ORIGINS.includes(origin)) return handler(c, next);
    await next();
    if (origin) c.res.headers.append('Vary', 'Origin');
  };
}
