import { z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';

// RFC 9457 problem details. `type` is a URN per kind of problem, or
// about:blank where the status code says it all.
export const PROBLEM_CONTENT_TYPE = 'application/problem+json';

export const ProblemSchema = z
  .object({
    type: z.string().openapi({ example: 'urn:hop:problem:validation' }),
    title: z.string().openapi({ example: 'Validation failed' }),
    status: z.number().int().openapi({ example: 422 }),
    detail: z.string().openapi({ example: 'The request has 1 invalid field.' }),
    instance: z.string().openapi({ example: '/api/v1/qr' }),
    requestId: z.string().openapi({ example: '6f1c9a52-3e8d-4d8e-9a83-0d9f0a1c2b3d' }),
    errors: z
      .record(z.string(), z.array(z.string()))
      .optional()
      .openapi({ example: { url: ['Invalid URL'] } }),
  })
  .openapi('Problem');

export type Problem = z.infer<typeof ProblemSchema>;

const TITLES: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  409: 'Conflict',
  410: 'Gone',
  412: 'Precondition Failed',
  413: 'Content Too Large',
  415: 'Unsupported Media Type',
  422: 'Unprocessable Content',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  503: 'Service Unavailable',
};

export const statusTitle = (status: number) => TITLES[status] ?? 'Error';

export interface ProblemInit {
  status: ContentfulStatusCode;
  detail: string;
  type?: string;
  title?: string;
  errors?: Record<string, string[]>;
  headers?: Record<string, string>;
  /** Extension members (RFC 9457 §3.2), e.g. `{ db: 'unavailable' }`. */
  extensions?: Record<string, unknown>;
}

/** Seconds a client should wait before retrying while a dependency is down. */
export const RETRY_AFTER_SECONDS = 5;

/** Builds a problem+json response for the current request. */
export function problem(c: Context, init: ProblemInit): Response {
  const body: Problem = {
    ...init.extensions,
    type: init.type ?? 'about:blank',
    title: init.title ?? statusTitle(init.status),
    status: init.status,
    detail: init.detail,
    instance: c.req.path,
    requestId: c.get('requestId') ?? '',
    ...(init.errors && { errors: init.errors }),
  };
  return c.body(JSON.stringify(body), init.status, {
    ...init.headers,
    'Content-Type': PROBLEM_CONTENT_TYPE,
  });
}
