import { OpenAPIHono } from '@hono/zod-openapi';
import type { AppEnv } from '../../lib/env';
import * as handlers from './keys.handlers';
import * as routes from './keys.routes';

export const keys = new OpenAPIHono<AppEnv>()
  .openapi(routes.createKeyRoute, handlers.createKey)
  .openapi(routes.listKeysRoute, handlers.listKeys)
  .openapi(routes.getKeyRoute, handlers.getKey)
  .openapi(routes.revokeKeyRoute, handlers.revokeKey);
