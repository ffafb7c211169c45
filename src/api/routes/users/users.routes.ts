import { z } from '@hono/zod-openapi';
import { defineRoute } from '../../http/define-route';
import { PageQuerySchema } from '../../http/pagination';
import {
  CreateUserSchema,
  IdParamSchema,
  LinkHeader,
  LocationHeader,
  UpdateUserSchema,
  UserListSchema,
  UserSchema,
} from './schemas';

const USER_EXAMPLE = {
  id: '3f0c8a9e-6a4b-4d1e-9f43-2b7f4e1d8c55',
  email: 'Ada.Lovelace@example.com',
  name: 'Ada Lovelace',
  role: 'editor',
  createdAt: '2026-05-01T09:30:00.000Z',
  updatedAt: '2026-05-01T09:30:00.000Z',
} as const;

const json = <T extends z.ZodType>(schema: T, example: unknown) => ({
  'application/json': { schema, example },
});

const NOT_FOUND = { description: 'No user has this id.' };
const CONFLICT = 'The email belongs to another user, or the change would leave no admin.';

export const listUsersRoute = defineRoute({
  method: 'get',
  path: '/api/v1/users',
  operationId: 'listUsers',
  tags: ['Users'],
  summary: 'List users',
  description:
    'All users, newest first, a page at a time. Follow `Link: rel="next"` (or pass `nextCursor` as `cursor`).',
  auth: 'admin',
  request: { query: PageQuerySchema },
  responses: {
    200: {
      description: 'A page of users.',
      headers: LinkHeader,
      content: json(UserListSchema, { items: [USER_EXAMPLE], nextCursor: null }),
    },
  },
});

export const createUserRoute = defineRoute({
  method: 'post',
  path: '/api/v1/users',
  operationId: 'createUser',
  tags: ['Users'],
  summary: 'Create a user',
  description:
    'Creates a user with a role (default viewer). Emails are unique whatever their case. ' +
    'Create an API key for the user with `POST /api/v1/keys` and `userId`.',
  auth: 'admin',
  errors: [409],
  request: {
    body: {
      required: true,
      content: json(CreateUserSchema, { email: 'Ada.Lovelace@example.com', name: 'Ada Lovelace', role: 'editor' }),
    },
  },
  responses: {
    201: {
      description: 'Created.',
      headers: LocationHeader(`/api/v1/users/${USER_EXAMPLE.id}`),
      content: json(UserSchema, USER_EXAMPLE),
    },
    409: { description: 'Another user already has this email (compared case-insensitively).' },
  },
});

export const getUserRoute = defineRoute({
  method: 'get',
  path: '/api/v1/users/{id}',
  operationId: 'getUser',
  tags: ['Users'],
  summary: 'Get a user',
  description: 'One user by id.',
  auth: 'admin',
  errors: [404],
  request: { params: IdParamSchema },
  responses: {
    200: { description: 'The user.', content: json(UserSchema, USER_EXAMPLE) },
    404: NOT_FOUND,
  },
});

export const updateUserRoute = defineRoute({
  method: 'patch',
  path: '/api/v1/users/{id}',
  operationId: 'updateUser',
  tags: ['Users'],
  summary: 'Update a user',
  description:
    'Changes any of email, name and role. A role change applies to all of the user’s keys at once. ' +
    'Demoting the last admin is refused with 409.',
  auth: 'admin',
  errors: [404, 409],
  request: {
    params: IdParamSchema,
    body: { required: true, content: json(UpdateUserSchema, { role: 'viewer' }) },
  },
  responses: {
    200: { description: 'The updated user.', content: json(UserSchema, { ...USER_EXAMPLE, role: 'viewer' }) },
    404: NOT_FOUND,
    409: { description: CONFLICT },
  },
});

export const deleteUserRoute = defineRoute({
  method: 'delete',
  path: '/api/v1/users/{id}',
  operationId: 'deleteUser',
  tags: ['Users'],
  summary: 'Delete a user',
  description:
    'Deletes the user and all of their API keys, which stop working at once. ' +
    'Links they created stay, without a creator. Deleting the last admin is refused with 409.',
  auth: 'admin',
  errors: [404, 409],
  request: { params: IdParamSchema },
  responses: {
    204: { description: 'Deleted.' },
    404: NOT_FOUND,
    409: { description: 'The user is the last admin.' },
  },
});
