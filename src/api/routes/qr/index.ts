import { OpenAPIHono } from '@hono/zod-openapi';
import { etag } from 'hono/etag';
import type { AppEnv } from '../../lib/env';
import { getQrCode } from './qr.handlers';
import { qrRoute } from './qr.routes';

export const qr = new OpenAPIHono<AppEnv>();
qr.use(qrRoute.getRoutingPath(), etag());
qr.openapi(qrRoute, getQrCode);
