import { z } from '@hono/zod-openapi';
import { NextCursorSchema } from '../../http/pagination';
import { chars, FutureDateTimeSchema } from '../../http/schemas';
import { RoleSchema } from '../users/users.schemas';

const DateTime = z.string().openapi({ format: 'date-time' });

export const ApiKeySchema = z
  .object({
    id: z.uuid(),
    name: z.string(),
    prefix: z.string().openapi({ description: 'The first 12 characters of the key, to recognise it.' }),
    userId: z.uuid().openapi({ description: 'The user the key acts for.' }),
    role: RoleSchema.openapi({ description: 'The owner’s role: what the key may do.' }),
    createdAt: DateTime,
    lastUsedAt: DateTime.nullable().openapi({ description: 'Updated at most once a minute.' }),
    expiresAt: DateTime.nullable().openapi({ description: 'Null: never expires.' }),
  })
  .openapi('ApiKey', {
    example: {
      id: '8d2f6a51-0b7c-4f3e-a1d9-5c6e7f809a1b',
      name: 'CI deploys',
      prefix: 'hop_Xk3q9ZpA',
      userId: '3f0c8a9e-6a4b-4d1e-9f43-2b7f4e1d8c55',
      role: 'editor',
      createdAt: '2026-05-01T09:30:00.000Z',
      lastUsedAt: null,
      expiresAt: '2027-01-01T00:00:00.000Z',
    },
  });

export type ApiKey = z.infer<typeof ApiKeySchema>;

export const CreatedApiKeySchema = ApiKeySchema.extend({
  key: z.string().openapi({
    description: 'The secret, shown this once: send it as `Authorization: Bearer <key>`. Only its hash is stored.',
  }),
}).openapi('CreatedApiKey');

export const CreateApiKeySchema = z
  .object({
    name: z
      .string()
      .trim()
      .pipe(chars(1, 100))
      .openapi({ description: 'What the key is for, 1–100 characters.', minLength: 1, maxLength: 100 }),
    userId: z
      .uuid()
      .toLowerCase()
      .optional()
      .openapi({ description: 'Whose key: only admins may name another user. Default: the caller.' }),
    expiresAt: FutureDateTimeSchema.optional().openapi({
      description: 'When the key stops working, e.g. `2027-01-01T00:00:00Z`. Default: never.',
    }),
  })
  .openapi('CreateApiKey', { example: { name: 'CI deploys', expiresAt: '2027-01-01T00:00:00Z' } });

export const ApiKeyPageSchema = z
  .object({ items: z.array(ApiKeySchema), nextCursor: NextCursorSchema })
  .openapi('ApiKeyPage');
