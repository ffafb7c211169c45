import type { Context } from 'hono';
import { db } from '../../db';
import type { AppEnv } from '../../lib/env';
import { defer, serverInfo } from '../../lib/platform';
import { dispatch } from './dispatcher';

/**
 * Sends the deliveries a write just made (`webhookDeliveries`, see
 * outbox.ts) after the response: the write's own latency stays one round
 * trip. What fails here is retried by the schedulers.
 */
export function deliverAfterResponse(c: Context<AppEnv>, ids: unknown): void {
  if (!Array.isArray(ids) || ids.length === 0) return;
  // A task later: the claim's round trip starts once the response is on its way, not beside it.
  const later = new Promise((resolve) => setTimeout(resolve, 0));
  defer(
    c,
    later.then(() => dispatch(db(c), c.var.config, { ids: ids as string[], fetch: serverInfo(c)?.webhookFetch })),
  );
}
