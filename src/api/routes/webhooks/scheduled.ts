import { createDb } from '../../db/client';
import type { Config } from '../../lib/config';
import { log } from '../../lib/log';
import { dispatch, type DispatchResult } from './dispatcher';

/**
 * One scheduler run outside a request (Workers' `scheduled`, the Node
 * server's timer and shutdown): sends what is due within `budgetMs`, logs
 * what it did, never throws.
 */
export async function sendDueWebhooks(
  config: Config,
  budgetMs = 15_000,
  send?: typeof fetch,
): Promise<DispatchResult | null> {
  try {
    const result = await dispatch(createDb(config.DATABASE_URL, config.DB_QUERY_TIMEOUT_MS), config, {
      budgetMs,
      fetch: send,
    });
    if (result.claimed) log(config.LOG_LEVEL, 'info', { msg: 'webhooks sent', ...result });
    return result;
  } catch (error) {
    log(config.LOG_LEVEL, 'warn', { msg: 'webhook run failed', error: String(error) });
    return null;
  }
}
