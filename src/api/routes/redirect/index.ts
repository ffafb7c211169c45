import { OpenAPIHono } from '@hono/zod-openapi';
import type { AppEnv } from '../../lib/env';
import { SLUG_PATTERN } from '../links/links.schemas';
import { followLink } from './redirect.handlers';
import { followLinkRoute } from './redirect.routes';

export { ClickRecorder } from './click-recorder';
export { clickWriter } from './redirect.queries';

export const redirect = new OpenAPIHono<AppEnv>();
redirect.on(['GET', 'HEAD'], `/:slug{${SLUG_PATTERN.source.slice(1, -1)}}`, followLink);
redirect.openAPIRegistry.registerPath(followLinkRoute);
