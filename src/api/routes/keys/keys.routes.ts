import { z } from '@hono/zod-openapi';
import { defineRoute } from '../../http/define-route';
import { PageQuerySchema } from '../../http/pagination';
import { chars, IdParamSchema, LinkHeader, LocationHeader, RoleSchema } from '../users/schemas';

const EXAMPLE_TIME = '2026-05-01T09:30:00.000Z';

export const ApiKeySchema = z
  .object({
    id: z.uuid().openapi({ example: '8d2f6a51-0b7c-4f3e-a1d9-5c6e7f809a1b' }),
    name: z.string().openapi({ example: 'CI deploys' }),
    prefix: z
      .string()
      .openapi({ description: 'The first 12 characters of the key, to recognise it.', example: 'hop_Xk3q9ZpA' }),
    userId: z
      .uuid()
      .openapi({ description: 'The user the key acts for.', example: '3f0c8a9e-6a4b-4d1e-9f43-2b7f4e1d8c55' }),
    role: RoleSchema.openapi({ description: 'The owner’s role: what the key may do.' }),
    createdAt: z.string().openapi({ format: 'date-time', example: EXAMPLE_TIME }),
    lastUsedAt: z
      .string()
      .nullable()
      .openapi({ format: 'date-time', description: 'Updated at most once a minute.', example: null }),
    expiresAt: z
      .string()
      .nullable()
      .openapi({ format: 'date-time', description: 'Null: never expires.', example: null }),
  })
  .openapi('ApiKey');

export type ApiKey = z.infer<typeof ApiKeySchema>;

export const CreatedApiKeySchema = ApiKeySchema.extend({
  key: z.string().openapi({
    description: 'The secret, shown this once: send it as `Authorization: Bearer <key>`. Only its hash is stored.',
    example: 'hop_Xk3q9ZpAbR4tLm8sQw2eVy7uNc5dHj1fGk6o',
  }),
}).openapi('CreatedApiKey');

const KEY_EXAMPLE: ApiKey = {
  id: '8d2f6a51-0b7c-4f3e-a1d9-5c6e7f809a1b',
  name: 'CI deploys',
  prefix: 'hop_Xk3q9ZpA',
  userId: '3f0c8a9e-6a4b-4d1e-9f43-2b7f4e1d8c55',
  role: 'editor',
  createdAt: EXAMPLE_TIME,
  lastUsedAt: null,
  expiresAt: '2027-01-01T00:00:00.000Z',
};

export const CreateApiKeySchema = z
  .object({
    name: z.string().trim().pipe(chars(1, 100)).openapi({
      description: 'What the key is for, 1–100 characters.',
      minLength: 1,
      maxLength: 100,
      example: 'CI deploys',
    }),
    userId: z.uuid().toLowerCase().optional().openapi({
      description: 'Whose key: only admins may name another user. Default: the caller.',
      example: '3f0c8a9e-6a4b-4d1e-9f43-2b7f4e1d8c55',
    }),
    expiresAt: z.iso
      .datetime({ offset: true, error: 'Must be an ISO 8601 date-time, e.g. 2027-01-01T00:00:00Z' })
      .refine((value) => Date.parse(value) > Date.now(), 'Must be in the future')
      .optional()
      .openapi({ description: 'When the key stops working. Default: never.', example: '2027-01-01T00:00:00Z' }),
  })
  .openapi('CreateApiKey');

export const ApiKeyListSchema = z
  .object({
    items: z.array(ApiKeySchema),
    nextCursor: z
      .string()
      .nullable()
      .openapi({ description: 'Pass as `cursor` for the next page; null on the last page.', example: null }),
  })
  .openapi('ApiKeyList');

const json = <T extends z.ZodType>(schema: T, example: unknown) => ({ 'application/json': { schema, example } });

export const createKeyRoute = defineRoute({
  method: 'post',
  path: '/api/v1/keys',
  operationId: 'createApiKey',
  tags: ['API keys'],
  summary: 'Create an API key',
  description:
    'Creates a key acting for you, or, for admins, for the user named by `userId`. ' +
    'The response carries the secret `key` once; it cannot be retrieved again.',
  auth: 'viewer',
  request: {
    body: {
      required: true,
      content: json(CreateApiKeySchema, { name: 'CI deploys', expiresAt: '2027-01-01T00:00:00Z' }),
    },
  },
  responses: {
    201: {
      description: 'Created. Store `key` now.',
      headers: LocationHeader(`/api/v1/keys/${KEY_EXAMPLE.id}`),
      content: json(CreatedApiKeySchema, { ...KEY_EXAMPLE, key: 'hop_Xk3q9ZpAbR4tLm8sQw2eVy7uNc5dHj1fGk6o' }),
    },
    403: { description: 'Only admins may create keys for another user.' },
  },
});

export const ListKeysQuerySchema = PageQuerySchema.extend({
  userId: z.uuid().toLowerCase().optional().openapi({
    description: 'Only this user’s keys. Non-admins may only name themselves.',
    example: '3f0c8a9e-6a4b-4d1e-9f43-2b7f4e1d8c55',
  }),
});

export const listKeysRoute = defineRoute({
  method: 'get',
  path: '/api/v1/keys',
  operationId: 'listApiKeys',
  tags: ['API keys'],
  summary: 'List API keys',
  description:
    'Keys that are not revoked, newest first: all of them for admins, your own for everyone else. ' +
    'Expired keys are listed (see `expiresAt`); revoked keys are not. Secrets are never returned.',
  auth: 'viewer',
  request: { query: ListKeysQuerySchema },
  responses: {
    200: {
      description: 'A page of keys.',
      headers: LinkHeader,
      content: json(ApiKeyListSchema, { items: [KEY_EXAMPLE], nextCursor: null }),
    },
    403: { description: 'Only admins may list another user’s keys.' },
  },
});

export const getKeyRoute = defineRoute({
  method: 'get',
  path: '/api/v1/keys/{id}',
  operationId: 'getApiKey',
  tags: ['API keys'],
  summary: 'Get an API key',
  description: 'One key that is not revoked. Non-admins see only their own; another user’s key is 404.',
  auth: 'viewer',
  errors: [404],
  request: { params: IdParamSchema },
  responses: {
    200: { description: 'The key, without its secret.', content: json(ApiKeySchema, KEY_EXAMPLE) },
    404: { description: 'No key with this id, or it is revoked or another user’s.' },
  },
});

export const revokeKeyRoute = defineRoute({
  method: 'delete',
  path: '/api/v1/keys/{id}',
  operationId: 'revokeApiKey',
  tags: ['API keys'],
  summary: 'Revoke an API key',
  description:
    'Revokes the key: it stops working at once on the instance that revoked it and within 30 s everywhere. ' +
    'Admins may revoke any key, others only their own; another user’s key, or one already revoked, is 404.',
  auth: 'viewer',
  errors: [404],
  request: { params: IdParamSchema },
  responses: {
    204: { description: 'Revoked.' },
    404: { description: 'No key with this id, or it is already revoked or another user’s.' },
  },
});
