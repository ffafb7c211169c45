import { z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { PROBLEM_TYPES, problemTypeUri, type ProblemType } from './problem-types';

export * from './problem-types';

// RFC 9457 problem details, as responses and as the OpenAPI `Problem` schema.
export const PROBLEM_CONTENT_TYPE = 'application/problem+json';

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
