import { OpenAPIHono } from '@hono/zod-openapi';
import type { AppEnv } from '../../lib/env';
import { getDocs, getOpenApiDocument } from './docs.handlers';
import { docsRoute, openApiRoute } from './docs.routes';
import type { Documented } from './openapi-document';

export { openApiDocument, registerComponents } from './openapi-document';

/** The Swagger UI page, and the OpenAPI document of `app`. */
export const docs = (app: Documented) =>
  new OpenAPIHono<AppEnv>().openapi(docsRoute, getDocs).openapi(openApiRoute, getOpenApiDocument(app));
