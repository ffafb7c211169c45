import { OpenAPIHono } from '@hono/zod-openapi';
import type { AppEnv } from '../../lib/env';
import * as handlers from './users.handlers';
import * as routes from './users.routes';

export const users = new OpenAPIHono<AppEnv>()
  .openapi(routes.listUsersRoute, handlers.listUsers)
  .openapi(routes.createUserRoute, handlers.createUser)
  .openapi(routes.getUserRoute, handlers.getUser)
  .openapi(routes.updateUserRoute, handlers.updateUser)
  .openapi(routes.deleteUserRoute, handlers.deleteUser);
