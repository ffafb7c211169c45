import type { RouteHandler } from '@hono/zod-openapi';
import type { AppEnv } from '../../lib/env';
import { geo } from '../../lib/platform';
import type { meRoute } from './me.routes';

export const getMe: RouteHandler<typeof meRoute, AppEnv> = (c) => {
  const p = c.get('principal');
  return c.json(
    {
      user: { id: p.userId, email: p.email, name: p.name, role: p.role },
      key: { id: p.keyId, name: p.keyName, prefix: p.keyPrefix, expiresAt: p.keyExpiresAt },
      location: geo(c),
    },
    200,
    // Personal, and the location varies with the caller's network.
    { 'Cache-Control': 'private, no-store' },
  );
};
