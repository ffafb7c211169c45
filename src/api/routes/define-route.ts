import { createRoute, z, type RouteConfig } from '@hono/zod-openapi';
import type { MiddlewareHandler } from 'hono';
import {
  PROBLEM_CONTENT_TYPE,
  PROBLEM_TYPES,
  ProblemSchema,
  problemTypeUri,
  type ProblemStatus,
  type ProblemType,
} from '../http/problem';
import type { AppEnv } from '../lib/env';
import { requireRole, type Role } from '../middleware/auth';
import { utf8Json } from '../middleware/json-body';
import { limitByAddress, POLICY_INFO, type PolicyName } from '../middleware/rate-limit';

export interface RouteOptions {
  /** Problems this operation can return beyond those derived from its request and auth. */
  errors?: ProblemType[];
  /**
   * The least role allowed: enforces the API key and documents `security`,
   * 401, 403 and 503. Also rate-limited: the key's quota, and the client
   * address's quota of failed authentications.
   */
  auth?: Role;
  /** Replaces the key check `auth` installs, documented the same (the click stream also takes tickets). */
  authenticate?: MiddlewareHandler<AppEnv>;
  /** Quota policies that count this operation per client address (public operations). */
  limit?: PolicyName[];
}

/** The policies an operation is counted against, in the order its RateLimit fields list them. */
const policiesOf = (auth?: Role, limit: PolicyName[] = []): PolicyName[] => [
  ...(auth ? (['key', 'failed-auth'] as const) : []),
  ...limit,
];

const describePolicies = (names: PolicyName[]) =>
  names
    .map((name) => {
      const { windowSeconds, setting, per, what } = POLICY_INFO[name];
      return `\`"${name}"\`: ${what} per ${windowSeconds} s per ${per} (\`${setting}\`)`;
    })
    .join('; ');

/** The RateLimit fields, on every response of a limited operation. */
function rateLimitHeaders(names: PolicyName[]) {
  return {
    'RateLimit-Policy': z
      .string()
      .optional()
      .openapi({
        description:
          'The quota policies that apply (draft-ietf-httpapi-ratelimit-headers-10): name, quota `q` and window `w` ' +
          `in seconds, e.g. \`"${names[0]}";q=600;w=60\`. Here: ${describePolicies(names)}.`,
      }),
    RateLimit: z
      .string()
      .optional()
      .openapi({
        description:
          'What is left of each quota (`r`) and the seconds until all of it is back (`t`), e.g. ' +
          `\`"${names[0]}";r=599;t=42\`. Absent when the limit store could not be asked (the request was let through).`,
      }),
  };
}

// Typing the added problem responses without `content` lets handlers return
// `problem(c, …)`, a plain Response, beside their typed success bodies.
type DefinedRoute<R extends RouteConfig> = R & {
  responses: { 500: { description: string } };
  getRoutingPath(): string;
};

/** The problems a route can produce, derived from what it accepts. */
function problemTypes(config: RouteConfig, extra: ProblemType[] = [], auth?: Role, limited = false): ProblemType[] {
  const types = new Set<ProblemType>([...extra, 'internal']);
  if (limited) types.add('quota-exceeded');
  // Authentication reads the database; so does every authenticated operation.
  if (auth) for (const type of ['unauthorized', 'forbidden', 'unavailable'] as const) types.add(type);
  const request = config.request;
  if (request?.query || request?.params || request?.headers || request?.body) types.add('validation');
  if (request?.body)
    for (const type of ['malformed-body', 'body-too-large', 'unsupported-media-type'] as const) types.add(type);
  return [...types];
}

// Problems whose answer carries Retry-After.
const RETRY_AFTER_TYPES = new Set<ProblemType>(['idempotency-in-progress', 'unavailable', 'quota-exceeded']);

const EXAMPLE_DETAIL: Partial<Record<ProblemType, string>> = {
  validation: 'The body has 1 invalid field.',
  unavailable: 'The database is unavailable. Retry shortly.',
  'quota-exceeded': 'Rate limit reached: 600 requests per 60 s per API key ("key"). Retry in 42 s.',
};

export const problemExampleName = (type: ProblemType) => `problem-${type}`;

/** One example document per problem type, registered once as components/examples (see routes/docs). */
export function problemExamples() {
  return Object.fromEntries(
    (Object.keys(PROBLEM_TYPES) as ProblemType[]).map((type) => {
      const { title, status, description } = PROBLEM_TYPES[type];
      const value = {
        type: problemTypeUri(type),
        title,
        status,
        detail: EXAMPLE_DETAIL[type] ?? description,
        instance: '/api/v1/links',
        requestId: '6f1c9a52-3e8d-4d8e-9a83-0d9f0a1c2b3d',
        ...(type === 'validation' && { errors: { url: ['Must be an absolute http(s) URL'] } }),
        ...(type === 'quota-exceeded' && { 'violated-policies': ['key'] }),
      };
      return [problemExampleName(type), { summary: title, value }];
    }),
  );
}

/** One response per status, listing each problem type it may carry, with an example of each. */
function problemResponses(types: ProblemType[], limitHeaders: Record<string, z.ZodType>) {
  const byStatus = new Map<ProblemStatus, ProblemType[]>();
  for (const type of types) {
    const status = PROBLEM_TYPES[type].status;
    byStatus.set(status, [...(byStatus.get(status) ?? []), type]);
  }
  const responses: RouteConfig['responses'] = {};
  for (const [status, list] of [...byStatus].sort(([a], [b]) => a - b)) {
    const retries = list.filter((type) => RETRY_AFTER_TYPES.has(type));
    const headers = {
      ...(retries.length && {
        'Retry-After': (retries.length < list.length ? z.string().optional() : z.string()).openapi({
          description: `Seconds to wait before retrying (with ${retries.map((t) => `\`${problemTypeUri(t)}\``).join(', ')}).`,
        }),
      }),
      ...limitHeaders,
    };
    responses[status] = {
      description: list.map((type) => `\`${problemTypeUri(type)}\`: ${PROBLEM_TYPES[type].description}`).join('\n\n'),
      ...(Object.keys(headers).length && { headers: z.object(headers) }),
      content: {
        [PROBLEM_CONTENT_TYPE]: {
          schema: ProblemSchema,
          examples: Object.fromEntries(
            list.map((type) => [type, { $ref: `#/components/examples/${problemExampleName(type)}` }]),
          ),
        },
      },
    };
  }
  return responses;
}

/**
 * `createRoute` plus the problem+json responses the route can return, so the
 * OpenAPI document lists every error (with its problem types) without
 * repeating them per route. Routes are public (`security: []`) unless they
 * declare `auth`.
 */
export function defineRoute<const R extends RouteConfig>(config: R & RouteOptions): DefinedRoute<R> {
  const { errors, auth, authenticate, limit, ...route } = config;
  // Authentication first: a caller without a valid key gets 401 before its body is read.
  // Public quotas next: a client over its quota costs no body parsing.
  const middleware = [
    ...(auth ? [authenticate ?? requireRole(auth)] : []),
    ...(limit?.length ? [limitByAddress(...limit)] : []),
    ...(route.request?.body ? [utf8Json()] : []),
    ...[route.middleware ?? []].flat(),
  ];
  const policies = policiesOf(auth, limit);
  const limitHeaders = policies.length ? rateLimitHeaders(policies) : {};
  const responses: RouteConfig['responses'] = { ...route.responses };
  if (policies.length) {
    for (const [status, response] of Object.entries(responses)) {
      if (!('description' in response)) continue; // a $ref
      const own = (response as { headers?: unknown }).headers;
      if (own !== undefined && !(own instanceof z.ZodObject)) throw new TypeError('response headers must be z.object');
      responses[status] = { ...response, headers: z.object({ ...own?.shape, ...limitHeaders }) };
    }
  }
  return createRoute({
    security: auth ? [{ bearerAuth: [] }] : [],
    ...route,
    ...(middleware.length && { middleware }),
    responses: {
      ...responses,
      ...problemResponses(problemTypes(route, errors, auth, policies.length > 0), limitHeaders),
    },
  }) as unknown as DefinedRoute<R>;
}
