import { OpenAPIHono } from '@hono/zod-openapi';
import { NeonDbError } from '@neondatabase/serverless';
import type { Context } from 'hono';
import { HTTPException } from 'hono/http-exception';
import { methodNotAllowed } from 'hono/method-not-allowed';
import { requestId } from 'hono/request-id';
import { secureHeaders } from 'hono/secure-headers';
import { timing } from 'hono/timing';
import { getConfig } from './config';
import { DatabaseUnavailableError } from './db';
import { docs } from './docs';
import { openApiJson, registerSecurity } from './docs/openapi';
import type { AppEnv } from './env';
import { notFoundOrGone } from './http/not-found';
import { problem, RETRY_AFTER_SECONDS } from './http/problem';
import { invalid, validationHook } from './http/validation';
import { bodyLimitFromConfig } from './middleware/body-limit';
import { corsAllowList } from './middleware/cors';
import { accessLog, log } from './middleware/logger';
import { health } from './routes/health';
import { keys } from './routes/keys';
import { links } from './routes/links';
import { me } from './routes/me';
import { qr } from './routes/qr';
import { redirect } from './routes/redirect';
import { users } from './routes/users';

export type App = OpenAPIHono<AppEnv>;
export type RouteModule = OpenAPIHono<AppEnv>;

const EMPTY_ENV = {};

// The API serves JSON and one HTML page whose scripts are same-origin files.
const CSP = {
  defaultSrc: ["'self'"],
  scriptSrc: ["'self'"],
  styleSrc: ["'self'", "'unsafe-inline'"],
  imgSrc: ["'self'", 'data:'],
  connectSrc: ["'self'"],
  frameAncestors: ["'none'"],
  baseUri: ["'none'"],
  formAction: ["'none'"],
  objectSrc: ["'none'"],
};

function onError(err: Error, c: Context<AppEnv>): Response {
  if (err instanceof HTTPException && err.status < 500) {
    const detail = err.status === 400 ? 'The request body is not valid JSON.' : err.message;
    return problem(c, { status: err.status as 400, detail });
  }
  const level = c.var.config?.LOG_LEVEL ?? 'error';
  // Class 22 (data exception): a value Postgres refused that validation let
  // through. Still the client's input, so a 422, never a 500.
  if (err instanceof NeonDbError && err.code?.startsWith('22')) {
    log(level, 'warn', { msg: 'value refused by the database', requestId: c.get('requestId'), code: err.code });
    return invalid(c, { request: [err.message] }, 'request');
  }
  if (err instanceof DatabaseUnavailableError) {
    log(level, 'warn', { msg: err.message, requestId: c.get('requestId'), path: c.req.path, cause: String(err.cause) });
    return problem(c, {
      status: 503,
      detail: 'The database is unavailable. Retry shortly.',
      headers: { 'Retry-After': String(RETRY_AFTER_SECONDS) },
    });
  }
  log(level, 'error', {
    msg: 'unhandled error',
    requestId: c.get('requestId'),
    method: c.req.method,
    path: c.req.path,
    error: err.name,
    message: err.message,
    stack: err.stack,
  });
  return problem(c, { status: 500, detail: 'An unexpected error occurred. Quote the request id when reporting it.' });
}

/**
 * Builds the whole API: middleware, error model and the given route modules.
 * Tests build fixture apps with extra routes through the same factory.
 */
export function createApp(routes: RouteModule[] = []): App {
  const app = new OpenAPIHono<AppEnv>({ defaultHook: validationHook });
  registerSecurity(app);

  app.use(requestId());
  app.use(async (c, next) => {
    c.set('config', getConfig(c.env ?? EMPTY_ENV));
    await next();
  });
  app.use(accessLog());
  // The API's documents get the full set. Redirects stay lean (a bodiless
  // 302 needs Location, not sixteen headers, on the hottest path); the pages
  // outside /api set their own few security headers (http/not-found.ts).
  app.use(
    '/api/*',
    timing({ crossOrigin: false, autoEnd: true, totalDescription: 'Total' }),
    secureHeaders({ contentSecurityPolicy: CSP, crossOriginEmbedderPolicy: false }),
    corsAllowList(),
    bodyLimitFromConfig(),
  );
  app.use(
    methodNotAllowed({
      app,
      // OPTIONS outside a CORS preflight is a legitimate question: answer it.
      onMethodNotAllowed: (c, methods) => {
        const allow = [...methods, 'OPTIONS'].join(', ');
        if (c.req.method === 'OPTIONS') return new Response(null, { status: 204, headers: { Allow: allow } });
        return problem(c, {
          status: 405,
          detail: `${c.req.method} is not allowed on ${c.req.path}; use ${methods.join(', ')}.`,
          headers: { Allow: allow },
        });
      },
    }),
  );

  for (const module of [health, qr, docs, users, keys, me, links, ...routes]) app.route('/', module);
  app.route('/', openApiJson(app));
  // Last: short links live at the root, beside nothing else.
  app.route('/', redirect);

  // Outside /api a person may be reading: they get a page unless they ask for JSON.
  app.notFound((c) =>
    c.req.path.startsWith('/api/')
      ? problem(c, { status: 404, detail: `No resource at ${c.req.path}.` })
      : notFoundOrGone(c, 404, `Nothing lives at ${c.req.path}.`),
  );
  app.onError(onError);
  return app;
}
