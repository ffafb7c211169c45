import { OpenAPIHono, z } from '@hono/zod-openapi';
import { version } from '../../../../package.json';
import { db, DatabaseUnavailableError } from '../../db';
import type { AppEnv } from '../../env';
import { defineRoute } from '../../http/define-route';
import { PROBLEM_CONTENT_TYPE, problem, ProblemSchema, RETRY_AFTER_SECONDS } from '../../http/problem';

const HealthSchema = z
  .object({
    status: z.literal('ok'),
    version: z.string().openapi({ example: version }),
    db: z.literal('ok'),
  })
  .openapi('Health');

const UnhealthySchema = ProblemSchema.extend({ db: z.literal('unavailable') }).openapi('Unhealthy');

export const healthRoute = defineRoute({
  method: 'get',
  path: '/api/health',
  operationId: 'getHealth',
  tags: ['System'],
  summary: 'Service health',
  description: 'Liveness, version, and a real round trip to the database.',
  responses: {
    200: {
      description: 'The service and its database are up.',
      content: { 'application/json': { schema: HealthSchema } },
    },
    503: {
      description: 'The database is unreachable; retry after `Retry-After` seconds.',
      headers: z.object({ 'Retry-After': z.string().openapi({ example: String(RETRY_AFTER_SECONDS) }) }),
      content: { [PROBLEM_CONTENT_TYPE]: { schema: UnhealthySchema } },
    },
  },
});

export const health = new OpenAPIHono<AppEnv>().openapi(healthRoute, async (c) => {
  try {
    await db(c).query('select 1');
  } catch (error) {
    if (!(error instanceof DatabaseUnavailableError)) throw error;
    return problem(c, {
      status: 503,
      detail: 'The database is unavailable.',
      headers: { 'Retry-After': String(RETRY_AFTER_SECONDS), 'Cache-Control': 'no-store' },
      extensions: { db: 'unavailable' },
    });
  }
  return c.json({ status: 'ok' as const, version, db: 'ok' as const }, 200, { 'Cache-Control': 'no-store' });
});
