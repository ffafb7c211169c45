import { defineRoute } from '../define-route';
import { MeSchema } from './me.schemas';

export const meRoute = defineRoute({
  method: 'get',
  path: '/api/v1/me',
  operationId: 'getMe',
  tags: ['Account'],
  summary: 'Who am I',
  description: 'The user and API key making this request, and where the platform places the caller.',
  auth: 'viewer',
  responses: {
    200: { description: 'The caller.', content: { 'application/json': { schema: MeSchema } } },
  },
});
