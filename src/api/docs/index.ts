import { OpenAPIHono } from '@hono/zod-openapi';
import type { AppEnv } from '../env';
import { defineRoute } from '../http/define-route';
import { z } from '@hono/zod-openapi';

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

export const docsRoute = defineRoute({
  method: 'get',
  path: '/api/docs',
  operationId: 'getDocs',
  tags: ['System'],
  summary: 'API reference (Swagger UI)',
  description: 'An HTML page rendering `/api/openapi.json` with Swagger UI served from this origin.',
  responses: {
    200: { description: 'The Swagger UI page.', content: { 'text/html': { schema: z.string() } } },
  },
});

export const docs = new OpenAPIHono<AppEnv>().openapi(docsRoute, (c) =>
  c.html(PAGE, 200, { 'Cache-Control': 'public, max-age=300' }),
);
