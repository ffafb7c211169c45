import { createDb } from '../../db/client';
import type { Config } from '../../lib/config';
import { log } from '../../lib/log';
import type { HubOptions } from './click-hub';

/** How a host (the SSE route, the Node server's WebSocket) configures the isolate's hub from its config. */
export const hubOptions = (config: Config): HubOptions => ({
  db: () => createDb(config.DATABASE_URL, config.DB_QUERY_TIMEOUT_MS),
  pollMs: config.STREAM_POLL_MS,
  // Short: a lost poll must not stall every stream; a slow one costs at most a few overlapping queries.
  stuckMs: 2 * config.STREAM_POLL_MS,
  onPollError: (error) => log(config.LOG_LEVEL, 'warn', { msg: 'click feed poll failed', error: String(error) }),
});
