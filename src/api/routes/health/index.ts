import { OpenAPIHono, z } from '@hono/zod-openapi';
import { version } from '../../../../package.json';
import type { AppEnv } from '../../env';
import { defineRoute } from '../../http/define-route';

const HealthSchema = z
  .object({
    status: z.literal('ok'),
    version: z.string().openapi({ example: version }),
  })
  .openapi('Health');

export const healthRoute = defineRoute({
  method: 'get',
  path: '/api/health',
  operationId: 'getHealth',
  tags: ['System'],
  summary: 'Service health',
  description: 'Liveness and version of the running deployment.',
  responses: {
    200: {
      description: 'The service is up.',
      content: { 'application/json': { schema: HealthSchema } },
    },
  },
});

export const health = new OpenAPIHono<AppEnv>().openapi(healthRoute, (c) =>
  c.json({ status: 'ok' as const, version }, 200, { 'Cache-Control': 'no-store' }),
);
