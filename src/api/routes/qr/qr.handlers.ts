import type { RouteHandler } from '@hono/zod-openapi';
import { invalid } from '../../http/validation';
import type { AppEnv } from '../../lib/env';
import { QR_CAPACITY } from './qr.schemas';
import type { qrRoute } from './qr.routes';
import { renderQrSvg } from './render-svg';

// The same query always renders the same image, so it may be cached for long.
const CACHE_CONTROL = 'public, max-age=86400, immutable';

export const getQrCode: RouteHandler<typeof qrRoute, AppEnv> = (c) => {
  const { url, size, margin, ecc } = c.req.valid('query');
  let svg: string;
  try {
    svg = renderQrSvg(url, { size, margin, ecc });
  } catch (error) {
    // The encoder's "Data too long": more than the largest QR code holds.
    if (!(error instanceof RangeError && error.message === 'Data too long')) throw error;
    const bytes = new TextEncoder().encode(url).length;
    return invalid(
      c,
      {
        url: [
          `Too long for a QR code at ecc=${ecc}: ${bytes} bytes of UTF-8, and a QR code holds at most ` +
            `${QR_CAPACITY[ecc]} (ecc=L holds ${QR_CAPACITY.L})`,
        ],
      },
      'query string',
    );
  }
  return c.body(svg, 200, { 'Content-Type': 'image/svg+xml; charset=utf-8', 'Cache-Control': CACHE_CONTROL });
};
