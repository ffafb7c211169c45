import { OpenAPIHono, z } from '@hono/zod-openapi';
import type { AppEnv } from '../../env';
import { defineRoute } from '../../http/define-route';
import { geo } from '../../platform';
import { RoleSchema } from '../users/schemas';

const nullable = (example: string, description: string) => z.string().nullable().openapi({ example, description });

export const MeSchema = z
  .object({
    user: z.object({
      id: z.uuid(),
      email: z.string(),
      name: z.string(),
      role: RoleSchema,
    }),
    key: z.object({
      id: z.uuid(),
      name: z.string(),
      prefix: z.string(),
      expiresAt: z.string().nullable().openapi({ format: 'date-time' }),
    }),
    location: z
      .object({
        country: nullable('PT', 'ISO 3166-1 alpha-2 country code.'),
        region: nullable('11', 'Region or subdivision code.'),
        city: nullable('Lisbon', 'City name.'),
      })
      .openapi({ description: 'Where the platform (Cloudflare, Vercel) places the caller; null where unknown.' }),
  })
  .openapi('Me');

export const meRoute = defineRoute({
  method: 'get',
  path: '/api/v1/me',
  operationId: 'getMe',
  tags: ['Account'],
  summary: 'Who am I',
  description: 'The user and API key making this request, and where the platform places the caller.',
  auth: 'viewer',
  responses: {
    200: {
      description: 'The caller.',
      content: {
        'application/json': {
          schema: MeSchema,
          example: {
            user: {
              id: '3f0c8a9e-6a4b-4d1e-9f43-2b7f4e1d8c55',
              email: 'Ada.Lovelace@example.com',
              name: 'Ada Lovelace',
              role: 'editor',
            },
            key: {
              id: '8d2f6a51-0b7c-4f3e-a1d9-5c6e7f809a1b',
              name: 'CI deploys',
              prefix: 'hop_Xk3q9ZpA',
              expiresAt: null,
            },
            location: { country: 'PT', region: '11', city: 'Lisbon' },
          },
        },
      },
    },
  },
});

export const me = new OpenAPIHono<AppEnv>().openapi(meRoute, (c) => {
  const p = c.get('principal');
  return c.json(
    {
      user: { id: p.userId, email: p.email, name: p.name, role: p.role },
      key: { id: p.keyId, name: p.keyName, prefix: p.keyPrefix, expiresAt: p.keyExpiresAt },
      location: geo(c),
    },
    200,
    // Personal, and the location varies with the caller's network.
    { 'Cache-Control': 'private, no-store' },
  );
});
