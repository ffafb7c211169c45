import type { RouteHandler } from '@hono/zod-openapi';
import { version } from '../../../../package.json';
import { db, DatabaseUnavailableError } from '../../db';
import { problem, RETRY_AFTER_SECONDS } from '../../http/problem';
import type { AppEnv } from '../../lib/env';
import { serverInfo } from '../../lib/platform';
import type { healthRoute } from './health.routes';

export const getHealth: RouteHandler<typeof healthRoute, AppEnv> = async (c) => {
  try {
    await db(c).query('select 1');
  } catch (error) {
    if (!(error instanceof DatabaseUnavailableError)) throw error;
    return problem(c, 'unavailable', {
      detail: 'The database is unavailable.',
      headers: { 'Retry-After': String(RETRY_AFTER_SECONDS), 'Cache-Control': 'no-store' },
      extensions: { db: 'unavailable' },
    });
  }
  const server = serverInfo(c);
  const process = server && {
    uptimeSeconds: Math.round((Date.now() - server.startedAt) / 100) / 10,
    clickBuffer: c.var.clickRecorder.pending,
  };
  return c.json({ status: 'ok' as const, version, db: 'ok' as const, ...process }, 200, {
    'Cache-Control': 'no-store',
  });
};
