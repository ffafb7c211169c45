import { createDb } from '../api/db/client';
import type { Config } from '../api/lib/config';
import { log } from '../api/lib/log';

// Work a long-lived process does on timers, once per process: the edge
// deployments have no such place (a cron route would be their equivalent).

const EVERY_MS = 10 * 60_000;

// Idempotency records are replayable for 24 h; after that a key may be reused.
const PRUNE_IDEMPOTENCY = `delete from idempotency_keys where (user_id, key) in (
    select user_id, key from idempotency_keys where created_at < now() - interval '24 hours' limit 1000)`;

export function startHousekeeping(config: Config, everyMs = EVERY_MS): { stop(): void } {
  const db = createDb(config.DATABASE_URL, config.DB_QUERY_TIMEOUT_MS);
  let timer: ReturnType<typeof setTimeout> | undefined;
  const schedule = () => {
    // Jitter, so several processes on one database do not prune in step.
    timer = setTimeout(run, everyMs * (0.5 + Math.random()));
    timer.unref();
  };
  const run = async () => {
    try {
      const removed = await db.query(`${PRUNE_IDEMPOTENCY} returning 1`);
      if (removed.length) log(config.LOG_LEVEL, 'info', { msg: 'housekeeping', idempotencyRecords: removed.length });
    } catch (error) {
      log(config.LOG_LEVEL, 'warn', { msg: 'housekeeping failed', error: String(error) });
    }
    schedule();
  };
  schedule();
  return { stop: () => clearTimeout(timer) };
}
