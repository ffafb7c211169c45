import { z } from '@hono/zod-openapi';
import { defineRoute } from '../define-route';
import { QrQuerySchema } from './qr.schemas';

export const qrRoute = defineRoute({
  method: 'get',
  path: '/api/v1/qr',
  operationId: 'getQrCode',
  tags: ['QR codes'],
  summary: 'QR code for a URL',
  description:
    'Renders an SVG QR code. Responses are immutable for a given query and carry an `ETag`. A URL beyond what ' +
    'a QR code can hold at the chosen `ecc` answers 422 naming `url`.',
  limit: ['qr'],
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
