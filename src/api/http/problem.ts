import { z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';

// RFC 9457 problem details. Every problem this API returns has one of these
// types; each `type` is a stable URI (urn:hop:problem:<name>) that clients
// may switch on, documented in the OpenAPI document.
export const PROBLEM_CONTENT_TYPE = 'application/problem+json';

interface ProblemTypeInfo {
  status: ContentfulStatusCode;
  title: string;
  /** When a client meets it and what to do: the OpenAPI document shows this. */
  description: string;
}

export const PROBLEM_TYPES = {
  'malformed-body': {
    status: 400,
    title: 'Malformed body',
    description: 'The body is not valid JSON, or not valid UTF-8. Fix the body; retrying it unchanged will fail again.',
  },
  unauthorized: {
    status: 401,
    title: 'Unauthorized',
    description: 'The API key is missing, malformed, unknown, revoked or expired. See `WWW-Authenticate`.',
  },
  forbidden: {
    status: 403,
    title: 'Forbidden',
    description: "The key's role does not allow this operation.",
  },
  'not-found': {
    status: 404,
    title: 'Not found',
    description: 'Nothing exists at this path, or no resource has this id.',
  },
  'method-not-allowed': {
    status: 405,
    title: 'Method not allowed',
    description: 'The path exists but not with this method; `Allow` lists the methods it has.',
  },
  'slug-taken': {
    status: 409,
    title: 'Slug taken',
    description: 'Another link already uses this slug. `errors` names the field (or bulk item).',
  },
  'email-taken': {
    status: 409,
    title: 'Email taken',
    description: 'Another user already has this email address, compared case-insensitively.',
  },
  'last-admin': {
    status: 409,
    title: 'Last admin',
    description: 'The change would leave no admin: make another user admin first.',
  },
  'idempotency-in-progress': {
    status: 409,
    title: 'Request in progress',
    description:
      'A request with this Idempotency-Key is still running. Retry after `Retry-After` seconds to get its result.',
  },
  gone: {
    status: 410,
    title: 'Gone',
    description: 'The short link expired, or reached its click limit, and has no fallback URL.',
  },
  'precondition-failed': {
    status: 412,
    title: 'Precondition failed',
    description: 'The resource changed since the `If-Match` ETag was read: fetch it again, then retry.',
  },
  'body-too-large': {
    status: 413,
    title: 'Body too large',
    description: 'The body exceeds the configured limit (BODY_LIMIT_BYTES).',
  },
  'unsupported-media-type': {
    status: 415,
    title: 'Unsupported media type',
    description: 'Send the body as `Content-Type: application/json` in UTF-8 (no other charset).',
  },
  validation: {
    status: 422,
    title: 'Validation failed',
    description: 'A parameter, header or body field is invalid; `errors` maps each field path to its messages.',
  },
  'idempotency-key-reused': {
    status: 422,
    title: 'Idempotency-Key reused',
    description: 'This Idempotency-Key was already used with a different request; use a new key.',
  },
  internal: {
    status: 500,
    title: 'Internal error',
    description: 'Unexpected; nothing is leaked. Quote `requestId` when reporting it.',
  },
  'not-implemented': {
    status: 501,
    title: 'Not implemented',
    description: 'No resource of this API implements this method.',
  },
  unavailable: {
    status: 503,
    title: 'Service unavailable',
    description: 'A dependency (the database) is unavailable. Retry after `Retry-After` seconds.',
  },
} as const satisfies Record<string, ProblemTypeInfo>;

export type ProblemType = keyof typeof PROBLEM_TYPES;
export type ProblemStatus = (typeof PROBLEM_TYPES)[ProblemType]['status'];

export const problemTypeUri = (type: ProblemType) => `urn:hop:problem:${type}`;

export const ProblemSchema = z
  .object({
    type: z.string().openapi({ format: 'uri', description: 'A stable URI naming the kind of problem.' }),
    title: z.string().openapi({ description: 'A short summary of the type; the same for every occurrence.' }),
    status: z.number().int().openapi({ description: 'The HTTP status code.' }),
    detail: z.string().openapi({ description: 'What went wrong this time, for people.' }),
    instance: z.string().openapi({ description: 'The request path.' }),
    requestId: z.string().openapi({ description: 'The `X-Request-Id` of the request, for support.' }),
    errors: z
      .record(z.string(), z.array(z.string()))
      .optional()
      .openapi({ description: 'Validation problems: each invalid field path with its messages.' }),
  })
  .openapi('Problem', {
    description:
      'An RFC 9457 problem document. `type` is one of:\n\n' +
      Object.entries(PROBLEM_TYPES)
        .map(([name, info]) => `- \`${problemTypeUri(name as ProblemType)}\` (${info.status}): ${info.description}`)
        .join('\n'),
  });

export type Problem = z.infer<typeof ProblemSchema>;

export interface ProblemInit {
  detail: string;
  errors?: Record<string, string[]>;
  headers?: Record<string, string>;
  /** Extension members (RFC 9457 §3.2), e.g. `{ db: 'unavailable' }`. */
  extensions?: Record<string, unknown>;
}

/** Seconds a client should wait before retrying while a dependency is down. */
export const RETRY_AFTER_SECONDS = 5;

/** The body of a problem of `type` for this request. */
export function problemBody(
  c: Context,
  type: ProblemType,
  init: Pick<ProblemInit, 'detail' | 'errors' | 'extensions'>,
) {
  const { status, title } = PROBLEM_TYPES[type];
  return {
    ...init.extensions,
    type: problemTypeUri(type),
    title,
    status,
    detail: init.detail,
    instance: c.req.path,
    requestId: c.get('requestId') ?? '',
    ...(init.errors && { errors: init.errors }),
  } satisfies Problem;
}

/** A problem+json response of `type`; its status and title come from the registry. */
export function problem(c: Context, type: ProblemType, init: ProblemInit): Response {
  return c.body(JSON.stringify(problemBody(c, type, init)), PROBLEM_TYPES[type].status, {
    ...init.headers,
    'Content-Type': PROBLEM_CONTENT_TYPE,
  });
}
