import { z } from '@hono/zod-openapi';
import { RoleSchema } from '../users/users.schemas';

const place = (description: string) => z.string().nullable().openapi({ description });

export const MeSchema = z
  .object({
    user: z.object({
      id: z.uuid(),
      email: z.string().openapi({ format: 'email' }),
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
        country: place('ISO 3166-1 alpha-2 country code.'),
        region: place('Region or subdivision code.'),
        city: place('City name.'),
      })
      .openapi({ description: 'Where the platform (Cloudflare, Vercel) places the caller; null where unknown.' }),
  })
  .openapi('Me', {
    example: {
      user: {
        id: '3f0c8a9e-6a4b-4d1e-9f43-2b7f4e1d8c55',
        email: 'Ada.Lovelace@example.com',
        name: 'Ada Lovelace',
        role: 'editor',
      },
      key: { id: '8d2f6a51-0b7c-4f3e-a1d9-5c6e7f809a1b', name: 'CI deploys', prefix: 'hop_Xk3q9ZpA', expiresAt: null },
      location: { country: 'PT', region: '11', city: 'Lisbon' },
    },
  });
