import { OpenAPIHono } from '@hono/zod-openapi';
import type { AppEnv } from '../../lib/env';
import { getMe } from './me.handlers';
import { meRoute } from './me.routes';

export const me = new OpenAPIHono<AppEnv>().openapi(meRoute, getMe);
