import { z } from '@hono/zod-openapi';
import { defineRoute } from '../define-route';

export const docsRoute = defineRoute({
  method: 'get',
  path: '/api/docs',
  operationId: 'getDocs',
  tags: ['System'],
  summary: 'API reference (Swagger UI)',
  description: 'An HTML page rendering `/api/openapi.json` with Swagger UI served from this origin.',
  responses: {
    200: { description: 'The Swagger UI page.', content: { 'text/html': { schema: z.string() } } },
  },
});

export const openApiRoute = defineRoute({
  method: 'get',
  path: '/api/openapi.json',
  operationId: 'getOpenApiDocument',
  tags: ['System'],
  summary: 'OpenAPI document',
  description: 'This API described in OpenAPI 3.1.',
  responses: {
    200: {
      description: 'The OpenAPI 3.1 document.',
      content: { 'application/json': { schema: z.object({ openapi: z.string() }).passthrough() } },
    },
  },
});
