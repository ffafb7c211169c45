import { OpenAPIHono } from '@hono/zod-openapi';
import type { AppEnv } from '../../lib/env';
import * as handlers from './analytics.handlers';
import * as routes from './analytics.routes';
import * as clicks from './clicks.handlers';

export const analytics = new OpenAPIHono<AppEnv>()
  .openapi(routes.analyticsRoute, handlers.analytics)
  .openapi(routes.linkAnalyticsRoute, handlers.linkAnalytics)
  .openapi(routes.listClicksRoute, clicks.listClicks)
  .openapi(routes.exportClicksRoute, clicks.exportClicks);
