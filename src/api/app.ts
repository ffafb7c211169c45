import { OpenAPIHono } from '@hono/zod-openapi';
import { NeonDbError } from '@neondatabase/serverless';
import type { Context, MiddlewareHandler } from 'hono';
import { HTTPException } from 'hono/http-exception';
import { methodNotAllowed } from 'hono/method-not-allowed';
import { requestId } from 'hono/request-id';
import { secureHeaders } from 'hono/secure-headers';
import { timing } from 'hono/timing';
import { DatabaseUnavailableError } from './db';
import { errorPage } from './http/error-page';
import { PROBLEM_TYPES, problem, RETRY_AFTER_SECONDS, type ProblemType } from './http/problem';
import { invalid, validationHook } from './http/validation';
import { getConfig } from './lib/config';
import type { AppEnv } from './lib/env';
import { log, type LogLevel } from './lib/log';
import { APP_METHODS, notImplementedDetail } from './lib/methods';
import { accessLog } from './middleware/access-log';
import { Principals } from './middleware/auth';
import { bodyLimitFromConfig } from './middleware/body-limit';
import { corsAllowList } from './middleware/cors';
import { RateLimiter } from './middleware/rate-limit';
import { analytics } from './routes/analytics';
import { ClickHub, clicksStream } from './routes/clicks-stream';
import { docs, registerComponents } from './routes/docs';
import { health } from './routes/health';
import { keys } from './routes/keys';
import { LinkCache, links } from './routes/links';
import { me } from './routes/me';
import { qr } from './routes/qr';
import { ClickRecorder, redirect } from './routes/redirect';
import { reports } from './routes/reports';
import { users } from './routes/users';
import { webhooks } from './routes/webhooks';

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

// Hono and zod-openapi signal some client errors as HTTPExceptions.
const HTTP_EXCEPTIONS: Partial<Record<number, [ProblemType, string]>> = {
  400: ['malformed-body', 'The request body is not valid JSON.'],
  415: ['unsupported-media-type', PROBLEM_TYPES['unsupported-media-type'].description],
};

function onError(err: Error, c: Context<AppEnv>): Response {
  const level = c.var.config?.LOG_LEVEL ?? 'error';
  const known = err instanceof HTTPException ? HTTP_EXCEPTIONS[err.status] : undefined;
  if (known) return problem(c, known[0], { detail: known[1] });
  // Class 22 (data exception): a value Postgres refused that validation let
  // through. Still the client's input, so a 422, never a 500.
  if (err instanceof NeonDbError && err.code?.startsWith('22')) {
    log(level, 'warn', { msg: 'value refused by the database', requestId: c.get('requestId'), code: err.code });
    return invalid(c, { request: [err.message] }, 'request');
  }
  if (err instanceof DatabaseUnavailableError) {
    log(level, 'warn', { msg: err.message, requestId: c.get('requestId'), path: c.req.path, cause: String(err.cause) });
    return problem(c, 'unavailable', {
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
  return problem(c, 'internal', { detail: 'An unexpected error occurred. Quote the request id when reporting it.' });
}

/** What one isolate keeps between requests. */
export interface Isolate {
  linkCache: LinkCache;
  principals: Principals;
  clickRecorder: ClickRecorder;
  /** The live click feed's shared poller (SSE here, WebSockets in the Node server). */
  clickHub: ClickHub;
  /** One per configuration (an isolate has one), made on its first request, which logs which store it uses. */
  rateLimiters: WeakMap<object, RateLimiter>;
}

const isolates = new WeakMap<App, Isolate>();

/** The isolate state of an app built by createApp: for a host that outlives requests (the Node server's shutdown). */
export const isolateOf = (app: App) => isolates.get(app)!;

/**
 * Each app has its own isolate state, so two apps in one process behave like
 * two isolates (tests rely on it).
 */
function isolateState(isolate: Isolate, logLevel: { current: LogLevel }): MiddlewareHandler<AppEnv> {
  return async function isolateState(c, next) {
    const config = getConfig(c.env ?? EMPTY_ENV);
    logLevel.current = config.LOG_LEVEL;
    c.set('config', config);
    c.set('linkCache', isolate.linkCache);
    c.set('principals', isolate.principals);
    c.set('clickRecorder', isolate.clickRecorder);
    c.set('clickHub', isolate.clickHub);
    if (config.RATE_LIMITS) {
      let limiter = isolate.rateLimiters.get(config);
      if (!limiter) isolate.rateLimiters.set(config, (limiter = new RateLimiter(config)));
      c.set('rateLimiter', limiter);
    }
    await next();
  };
}

/**
 * Builds the whole API: middleware, error model and the given route modules.
 * Tests build fixture apps with extra routes through the same factory.
 */
export function createApp(routes: RouteModule[] = []): App {
  const app = new OpenAPIHono<AppEnv>({ defaultHook: validationHook });
  registerComponents(app);
  const logLevel: { current: LogLevel } = { current: 'info' };
  const isolate: Isolate = {
    linkCache: new LinkCache(),
    principals: new Principals(),
    clickRecorder: new ClickRecorder({
      onDrop: (count, reason) => log(logLevel.current, 'error', { msg: 'clicks dropped', count, reason }),
    }),
    rateLimiters: new WeakMap(),
    clickHub: new ClickHub(),
  };
  isolates.set(app, isolate);

  app.use(requestId());
  app.use(isolateState(isolate, logLevel));
  app.use(accessLog());
  app.use(async (c, next) => {
    if (APP_METHODS.has(c.req.method)) return next();
    return problem(c, 'not-implemented', {
      detail: notImplementedDetail(c.req.method),
      headers: { 'Cache-Control': 'no-store' },
    });
  });
  // The API's documents get the full set. Redirects stay lean (a bodiless
  // 302 needs Location, not sixteen headers, on the hottest path); the pages
  // outside /api set their own few security headers (http/error-page.ts).
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
        return problem(c, 'method-not-allowed', {
          detail: `${c.req.method} is not allowed on ${c.req.path}; use ${methods.join(', ')}.`,
          headers: { Allow: allow },
        });
      },
    }),
  );

  for (const module of [
    health,
    qr,
    docs(app),
    users,
    keys,
    me,
    links,
    reports,
    analytics,
    webhooks,
    clicksStream,
    ...routes,
  ])
    app.route('/', module);
  // Last: short links live at the root, beside nothing else.
  app.route('/', redirect);

  // Outside /api a person may be reading: they get a page unless they ask for JSON.
  app.notFound((c) =>
    c.req.path.startsWith('/api/')
      ? problem(c, 'not-found', { detail: `No resource at ${c.req.path}.` })
      : errorPage(c, 404, `Nothing lives at ${c.req.path}.`),
  );
  app.onError(onError);
  return app;
}
