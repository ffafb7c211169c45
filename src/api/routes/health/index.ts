import { OpenAPIHono } from '@hono/zod-openapi';
import type { AppEnv } from '../../lib/env';
import { getHealth } from './health.handlers';
import { healthRoute } from './health.routes';

export const health = new OpenAPIHono<AppEnv>().openapi(healthRoute, getHealth);
