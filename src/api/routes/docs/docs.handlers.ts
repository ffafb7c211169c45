import type { RouteHandler } from '@hono/zod-openapi';
import type { AppEnv } from '../../lib/env';
import type { docsRoute, openApiRoute } from './docs.routes';
import { openApiDocument, type Documented } from './openapi-document';

// Swagger UI's assets are static files under /swagger-ui/ (copied from
// swagger-ui-dist into public/ at install), served by Next's public dir and by
// Workers static assets: same origin, no CDN, nothing inline for the CSP.
const ASSETS = '/swagger-ui';

const PAGE = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Hop API</title>
<link rel="icon" type="image/png" href="${ASSETS}/favicon-32x32.png">
<link rel="stylesheet" href="${ASSETS}/swagger-ui.css">
</head>
<body>
<div id="swagger-ui"></div>
<script src="${ASSETS}/swagger-ui-bundle.js"></script>
<script src="${ASSETS}/init.js"></script>
</body>
</html>
`;

const CACHE = { 'Cache-Control': 'public, max-age=300' };

export const getDocs: RouteHandler<typeof docsRoute, AppEnv> = (c) => c.html(PAGE, 200, CACHE);

/** Serves the document of `app`, built once per isolate. */
export function getOpenApiDocument(app: Documented): RouteHandler<typeof openApiRoute, AppEnv> {
  let body: string | undefined;
  return (c) => {
    body ??= JSON.stringify(openApiDocument(app));
    return c.body(body, 200, { 'Content-Type': 'application/json', ...CACHE });
  };
}
