import { z } from '@hono/zod-openapi';
import { LinkHeader, PageQuerySchema } from '../../http/pagination';
import { IdParamSchema, LocationHeader, jsonContent } from '../../http/schemas';
import { defineRoute } from '../define-route';
import { ApiKeyPageSchema, ApiKeySchema, CreateApiKeySchema, CreatedApiKeySchema } from './keys.schemas';

const TAGS = ['API keys'];

export const createKeyRoute = defineRoute({
  method: 'post',
  path: '/api/v1/keys',
  operationId: 'createApiKey',
  tags: TAGS,
  summary: 'Create an API key',
  description:
    'Creates a key acting for you, or, for admins, for the user named by `userId`. ' +
    'The response carries the secret `key` once; it cannot be retrieved again. ' +
    'Only admins may create keys for another user (403).',
  auth: 'viewer',
  request: { body: { required: true, content: jsonContent(CreateApiKeySchema) } },
  responses: {
    201: {
      description: 'Created. Store `key` now.',
      headers: LocationHeader,
      content: jsonContent(CreatedApiKeySchema),
    },
  },
});

export const ListKeysQuerySchema = PageQuerySchema.extend({
  userId: z
    .uuid()
    .toLowerCase()
    .optional()
    .openapi({ description: 'Only this user’s keys. Non-admins may only name themselves.' }),
});

export const listKeysRoute = defineRoute({
  method: 'get',
  path: '/api/v1/keys',
  operationId: 'listApiKeys',
  tags: TAGS,
  summary: 'List API keys',
  description:
    'Keys that are not revoked, newest first: all of them for admins, your own for everyone else ' +
    '(only admins may name another user: 403). Expired keys are listed (see `expiresAt`); revoked keys are not. ' +
    'Secrets are never returned.',
  auth: 'viewer',
  request: { query: ListKeysQuerySchema },
  responses: {
    200: { description: 'A page of keys.', headers: LinkHeader, content: jsonContent(ApiKeyPageSchema) },
  },
});

export const getKeyRoute = defineRoute({
  method: 'get',
  path: '/api/v1/keys/{id}',
  operationId: 'getApiKey',
  tags: TAGS,
  summary: 'Get an API key',
  description: 'One key that is not revoked. Non-admins see only their own; another user’s key is 404.',
  auth: 'viewer',
  errors: ['not-found'],
  request: { params: IdParamSchema },
  responses: { 200: { description: 'The key, without its secret.', content: jsonContent(ApiKeySchema) } },
});

export const revokeKeyRoute = defineRoute({
  method: 'delete',
  path: '/api/v1/keys/{id}',
  operationId: 'revokeApiKey',
  tags: TAGS,
  summary: 'Revoke an API key',
  description:
    'Revokes the key: it stops working at once on the instance that revoked it and within 30 s everywhere. ' +
    'Admins may revoke any key, others only their own; another user’s key, or one already revoked, is 404.',
  auth: 'viewer',
  errors: ['not-found'],
  request: { params: IdParamSchema },
  responses: { 204: { description: 'Revoked.' } },
});
