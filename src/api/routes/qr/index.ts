import { OpenAPIHono, z } from '@hono/zod-openapi';
import { etag } from 'hono/etag';
import type { AppEnv } from '../../env';
import { defineRoute } from '../../http/define-route';
import { HttpUrlSchema } from '../../http/schemas';
import { renderQrSvg } from './render-svg';

export const QrQuerySchema = z.object({
  url: HttpUrlSchema.openapi({ description: 'The http(s) URL to encode.', example: 'https://example.com/' }),
  size: z.coerce
    .number()
    .int()
    .min(64)
    .max(2048)
    .default(256)
    .openapi({ description: 'Width and height of the image in pixels.', example: 256 }),
  margin: z.coerce
    .number()
    .int()
    .min(0)
    .max(16)
    .default(2)
    .openapi({ description: 'Quiet zone around the code, in modules.', example: 2 }),
  ecc: z
    .enum(['L', 'M', 'Q', 'H'])
    .default('M')
    .openapi({ description: 'Error correction level: L 7%, M 15%, Q 25%, H 30%.', example: 'M' }),
});

export const qrRoute = defineRoute({
  method: 'get',
  path: '/api/v1/qr',
  operationId: 'getQrCode',
  tags: ['QR codes'],
  summary: 'QR code for a URL',
  description: 'Renders an SVG QR code. Responses are immutable for a given query and carry an `ETag`.',
  request: { query: QrQuerySchema },
  responses: {
    200: {
      description: 'The QR code.',
      headers: z.object({
        ETag: z.string().openapi({ description: 'Validator for conditional requests.' }),
        'Cache-Control': z.string(),
      }),
      content: { 'image/svg+xml': { schema: z.string().openapi({ format: 'binary' }) } },
    },
    304: { description: 'Not modified: the `If-None-Match` validator still holds.' },
  },
});

// The same query always renders the same image, so it may be cached for long.
const CACHE_CONTROL = 'public, max-age=86400, immutable';

export const qr = new OpenAPIHono<AppEnv>();
qr.use(qrRoute.getRoutingPath(), etag());
qr.openapi(qrRoute, (c) => {
  const { url, size, margin, ecc } = c.req.valid('query');
  return c.body(renderQrSvg(url, { size, margin, ecc }), 200, {
    'Content-Type': 'image/svg+xml; charset=utf-8',
    'Cache-Control': CACHE_CONTROL,
  });
});
