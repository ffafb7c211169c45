import { OpenAPIHono } from '@hono/zod-openapi';
import type { AppEnv } from '../../lib/env';
import * as handlers from './links.handlers';
import * as routes from './links.routes';

export { LinkCache, type CachedLink } from './link-cache';

export const links = new OpenAPIHono<AppEnv>()
  .openapi(routes.createLinkRoute, handlers.createLink)
  .openapi(routes.createLinksRoute, handlers.createLinks)
  .openapi(routes.listLinksRoute, handlers.listLinks)
  .openapi(routes.getLinkRoute, handlers.getLink)
  .openapi(routes.updateLinkRoute, handlers.updateLink)
  .openapi(routes.deleteLinkRoute, handlers.deleteLink);
