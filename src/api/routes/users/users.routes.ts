import { LinkHeader, PageQuerySchema } from '../../http/pagination';
import { IdParamSchema, LocationHeader, jsonContent } from '../../http/schemas';
import { defineRoute } from '../define-route';
import { CreateUserSchema, UpdateUserSchema, UserPageSchema, UserSchema } from './users.schemas';

const TAGS = ['Users'];

export const listUsersRoute = defineRoute({
  method: 'get',
  path: '/api/v1/users',
  operationId: 'listUsers',
  tags: TAGS,
  summary: 'List users',
  description:
    'All users, newest first, a page at a time. Follow `Link: rel="next"` (or pass `nextCursor` as `cursor`).',
  auth: 'admin',
  request: { query: PageQuerySchema },
  responses: {
    200: { description: 'A page of users.', headers: LinkHeader, content: jsonContent(UserPageSchema) },
  },
});

export const createUserRoute = defineRoute({
  method: 'post',
  path: '/api/v1/users',
  operationId: 'createUser',
  tags: TAGS,
  summary: 'Create a user',
  description:
    'Creates a user with a role (default viewer). Emails are unique whatever their case. ' +
    'Create an API key for the user with `POST /api/v1/keys` and `userId`.',
  auth: 'admin',
  errors: ['email-taken'],
  request: { body: { required: true, content: jsonContent(CreateUserSchema) } },
  responses: {
    201: { description: 'Created.', headers: LocationHeader, content: jsonContent(UserSchema) },
  },
});

export const getUserRoute = defineRoute({
  method: 'get',
  path: '/api/v1/users/{id}',
  operationId: 'getUser',
  tags: TAGS,
  summary: 'Get a user',
  description: 'One user by id.',
  auth: 'admin',
  errors: ['not-found'],
  request: { params: IdParamSchema },
  responses: { 200: { description: 'The user.', content: jsonContent(UserSchema) } },
});

export const updateUserRoute = defineRoute({
  method: 'patch',
  path: '/api/v1/users/{id}',
  operationId: 'updateUser',
  tags: TAGS,
  summary: 'Update a user',
  description:
    'Changes any of email, name and role. A role change applies to all of the user’s keys at once. ' +
    'Demoting the last admin is refused with 409.',
  auth: 'admin',
  errors: ['not-found', 'email-taken', 'last-admin'],
  request: { params: IdParamSchema, body: { required: true, content: jsonContent(UpdateUserSchema) } },
  responses: { 200: { description: 'The updated user.', content: jsonContent(UserSchema) } },
});

export const deleteUserRoute = defineRoute({
  method: 'delete',
  path: '/api/v1/users/{id}',
  operationId: 'deleteUser',
  tags: TAGS,
  summary: 'Delete a user',
  description:
    'Deletes the user and all of their API keys, which stop working at once. ' +
    'Links they created stay, without a creator. Deleting the last admin is refused with 409.',
  auth: 'admin',
  errors: ['not-found', 'last-admin'],
  request: { params: IdParamSchema },
  responses: { 204: { description: 'Deleted.' } },
});
