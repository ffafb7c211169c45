import { createRoute, type RouteConfig } from '@hono/zod-openapi';
import { requireRole, type Role } from '../auth';
import { PROBLEM_CONTENT_TYPE, ProblemSchema, statusTitle } from './problem';

type ErrorStatus = 400 | 401 | 403 | 404 | 409 | 410 | 412 | 413 | 415 | 422 | 429 | 500 | 503;

export interface RouteOptions {
  /** Error statuses this operation can return beyond the ones derived from its request. */
  errors?: ErrorStatus[];
  /** The least role allowed: enforces the API key and documents `security`, 401 and 403. */
  auth?: Role;
}

const DESCRIPTIONS: Partial<Record<ErrorStatus, string>> = {
  401: 'The API key is missing, malformed, unknown, revoked or expired (`WWW-Authenticate: Bearer`).',
  403: "The key's role does not allow this operation.",
  400: 'The body is not valid JSON.',
  413: 'The body is larger than the configured limit.',
  415: 'The body is not `application/json`.',
  422: 'A parameter or body field is invalid; `errors` names each one.',
  500: 'Unexpected error; the detail is generic and the error is logged with the request id.',
  503: 'A dependency is unavailable; retry after `Retry-After` seconds.',
};

// Typing the added problem responses without `content` lets handlers return
// `problem(c, …)`, a plain Response, beside their typed success bodies.
type DefinedRoute<R extends RouteConfig> = R & {
  responses: { 500: { description: string } };
  getRoutingPath(): string;
};

/** The error statuses a route can produce, derived from what it accepts. */
function errorStatuses(config: RouteConfig, extra: ErrorStatus[] = [], auth?: Role): ErrorStatus[] {
  const statuses = new Set<ErrorStatus>([...extra, 500]);
  if (auth) for (const status of [401, 403, 503] as const) statuses.add(status);
  const request = config.request;
  if (request?.query || request?.params || request?.headers || request?.body) statuses.add(422);
  if (request?.body) {
    statuses.add(400);
    statuses.add(413);
    statuses.add(415);
  }
  return [...statuses].sort();
}

/**
 * `createRoute` plus the problem+json responses the route can return, so the
 * OpenAPI document lists every error without repeating them per route.
 * Routes are public (`security: []`) unless they declare otherwise.
 */
export function defineRoute<const R extends RouteConfig>(config: R & RouteOptions): DefinedRoute<R> {
  const { errors, auth, ...route } = config;
  const responses: RouteConfig['responses'] = {};
  for (const status of errorStatuses(route, errors, auth)) {
    responses[status] = {
      description: DESCRIPTIONS[status] ?? statusTitle(status),
      content: { [PROBLEM_CONTENT_TYPE]: { schema: ProblemSchema } },
    };
  }
  const middleware = [...(auth ? [requireRole(auth)] : []), ...[route.middleware ?? []].flat()];
  // A route may describe an error status its own way; the body is still a Problem.
  for (const [status, response] of Object.entries(route.responses)) {
    if (Number(status) >= 400 && !('content' in response && response.content)) {
      responses[status] = {
        ...responses[status],
        ...response,
        content: { [PROBLEM_CONTENT_TYPE]: { schema: ProblemSchema } },
      };
    } else responses[status] = response;
  }
  return createRoute({
    security: auth ? [{ bearerAuth: [] }] : [],
    ...route,
    ...(middleware.length && { middleware }),
    responses,
  }) as unknown as DefinedRoute<R>;
}
