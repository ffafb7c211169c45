import { OpenAPIHono } from '@hono/zod-openapi';
import type { AppEnv } from '../../env';
import { createLinks } from './create';
import { readLinks } from './read';
import { updateLinks } from './update';

export { linkCache, type CachedLink } from './cache';

export const links = new OpenAPIHono<AppEnv>().route('/', createLinks).route('/', readLinks).route('/', updateLinks);
