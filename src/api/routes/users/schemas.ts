import { z } from '@hono/zod-openapi';
import { ROLES } from '../../auth';
import { noNul } from '../../http/schemas';

// Shared by the account routes (users, keys, me).

/** A string of `min`–`max` characters counted as Postgres' char_length does (code points). */
export const chars = (min: number, max: number) =>
  z
    .string()
    .refine((value) => {
      const length = [...value].length;
      return length >= min && length <= max;
    }, `Must be ${min}–${max} characters`)
    .refine(...noNul)
    .openapi({ minLength: min, maxLength: max });

/** Timestamps leave the API as ISO 8601 UTC strings, whatever the driver parsed them into. */
export const iso = (value: unknown): string | null =>
  value === null || value === undefined ? null : new Date(value as string | Date).toISOString();

export const RoleSchema = z.enum(ROLES).openapi({
  description: 'viewer reads; editor also writes links; admin also manages users and everyone’s keys.',
  example: 'editor',
});

export const IdParamSchema = z.object({
  id: z.uuid().openapi({ param: { name: 'id', in: 'path' }, example: '3f0c8a9e-6a4b-4d1e-9f43-2b7f4e1d8c55' }),
});

const EXAMPLE_ID = '3f0c8a9e-6a4b-4d1e-9f43-2b7f4e1d8c55';
const EXAMPLE_TIME = '2026-05-01T09:30:00.000Z';

export const UserSchema = z
  .object({
    id: z.uuid().openapi({ example: EXAMPLE_ID }),
    email: z.string().openapi({ example: 'Ada.Lovelace@example.com' }),
    name: z.string().openapi({ example: 'Ada Lovelace' }),
    role: RoleSchema,
    createdAt: z.string().openapi({ format: 'date-time', example: EXAMPLE_TIME }),
    updatedAt: z.string().openapi({ format: 'date-time', example: EXAMPLE_TIME }),
  })
  .openapi('User');

export type User = z.infer<typeof UserSchema>;

const EmailSchema = z
  .email('Must be an email address')
  .max(254, 'Must be at most 254 characters')
  .openapi({ description: 'Unique whatever its case; stored as given.', example: 'Ada.Lovelace@example.com' });

const NameSchema = z
  .string()
  .trim()
  .pipe(chars(2, 100))
  .openapi({ description: '2–100 characters, trimmed.', minLength: 2, maxLength: 100, example: 'Ada Lovelace' });

export const CreateUserSchema = z
  .object({ email: EmailSchema, name: NameSchema, role: RoleSchema.default('viewer') })
  .openapi('CreateUser', { example: { email: 'Ada.Lovelace@example.com', name: 'Ada Lovelace', role: 'editor' } });

export const UpdateUserSchema = z
  .object({ email: EmailSchema.optional(), name: NameSchema.optional(), role: RoleSchema.optional() })
  .refine(
    (patch) => Object.values(patch).some((value) => value !== undefined),
    'Give at least one of email, name, role',
  )
  .openapi('UpdateUser', { example: { role: 'viewer' } });

export const UserListSchema = z
  .object({
    items: z.array(UserSchema),
    nextCursor: z
      .string()
      .nullable()
      .openapi({ description: 'Pass as `cursor` for the next page; null on the last page.', example: null }),
  })
  .openapi('UserList');

export const LocationHeader = (example: string) =>
  z.object({ Location: z.string().openapi({ description: 'Where the created resource lives.', example }) });

export const LinkHeader = z.object({
  Link: z.string().optional().openapi({
    description: 'The next page, when there is one: `<…>; rel="next"`.',
    example: '</api/v1/users?limit=20&cursor=WyIy…>; rel="next"',
  }),
});
