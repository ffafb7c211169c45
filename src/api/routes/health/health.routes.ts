import { z } from '@hono/zod-openapi';
import { PROBLEM_CONTENT_TYPE } from '../../http/problem';
import { defineRoute } from '../define-route';
import { HealthSchema, UnhealthySchema } from './health.schemas';

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
      description: 'The database is unreachable (`urn:hop:problem:unavailable`); retry after `Retry-After` seconds.',
      headers: z.object({ 'Retry-After': z.string().openapi({ description: 'Seconds to wait.' }) }),
      content: {
        [PROBLEM_CONTENT_TYPE]: {
          schema: UnhealthySchema,
          example: {
            type: 'urn:hop:problem:unavailable',
            title: 'Service unavailable',
            status: 503,
            detail: 'The database is unavailable.',
            instance: '/api/health',
            requestId: '6f1c9a52-3e8d-4d8e-9a83-0d9f0a1c2b3d',
            db: 'unavailable',
          },
        },
      },
    },
  },
});
