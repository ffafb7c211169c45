import { z } from '@hono/zod-openapi';
import { NextCursorSchema } from '../../http/pagination';
import { chars, withDefault } from '../../http/schemas';
import { ROLES } from '../../middleware/auth';

export const RoleSchema = z.enum(ROLES).openapi('Role', {
  description: 'viewer reads; editor also writes links; admin also manages users and everyone’s keys.',
});

const DateTime = z.string().openapi({ format: 'date-time' });

export const UserSchema = z
  .object({
    id: z.uuid(),
    email: z.string().openapi({ format: 'email' }),
    name: z.string(),
    role: RoleSchema,
    createdAt: DateTime,
    updatedAt: DateTime,
  })
  .openapi('User', {
    example: {
      id: '3f0c8a9e-6a4b-4d1e-9f43-2b7f4e1d8c55',
      email: 'Ada.Lovelace@example.com',
      name: 'Ada Lovelace',
      role: 'editor',
      createdAt: '2026-05-01T09:30:00.000Z',
      updatedAt: '2026-05-01T09:30:00.000Z',
    },
  });

export type User = z.infer<typeof UserSchema>;

const EmailSchema = z
  .email('Must be an email address')
  .max(254, 'Must be at most 254 characters')
  .openapi({ description: 'Unique whatever its case; stored as given, e.g. `Ada.Lovelace@example.com`.' });

const NameSchema = z
  .string()
  .trim()
  .pipe(chars(2, 100))
  .openapi({ description: '2–100 characters, trimmed, e.g. `Ada Lovelace`.', minLength: 2, maxLength: 100 });

export const CreateUserSchema = z
  .object({
    email: EmailSchema,
    name: NameSchema,
    role: withDefault(RoleSchema, 'viewer', 'The new user’s role.'),
  })
  .openapi('CreateUser', { example: { email: 'Ada.Lovelace@example.com', name: 'Ada Lovelace', role: 'editor' } });

export const UpdateUserSchema = z
  .object({ email: EmailSchema.optional(), name: NameSchema.optional(), role: RoleSchema.optional() })
  .refine(
    (patch) => Object.values(patch).some((value) => value !== undefined),
    'Give at least one of email, name, role',
  )
  .openapi('UpdateUser', { example: { role: 'viewer' } });

export const UserPageSchema = z
  .object({ items: z.array(UserSchema), nextCursor: NextCursorSchema })
  .openapi('UserPage');
