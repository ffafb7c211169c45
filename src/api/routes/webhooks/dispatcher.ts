import type { Db } from '../../db';
import type { Config } from '../../lib/config';
import { log } from '../../lib/log';
import { attempt, type AttemptResult } from './attempt';
import { batchClicks } from './click-batches';
import { destinationProblem } from './destination';
import { pruneDeliveries } from './prune';

// Sends what is due: claims pending deliveries with FOR UPDATE SKIP LOCKED
// and a lease (so concurrent schedulers never take the same attempt, and a
// crashed one's rows come back when the lease lapses), attempts them, then
// records each result and the next attempt. Every scheduler calls this: the
// deferred send after a write, the cron route, Workers' `scheduled`, and the
// Node server's timer and shutdown.

/** Seconds from a failed attempt to the next: after the 1st, 2nd, … 7th. After the 8th: given up. */
export const RETRY_SCHEDULE_SECONDS = [5, 300, 1800, 7200, 18_000, 36_000, 86_400];
export const DISABLE_AFTER_FAILURES = 20;
/** Longer than a batch can take (BATCH in parallel, each bounded by WEBHOOK_TIMEOUT_MS ≤ 30 s). */
const LEASE_SECONDS = 120;
const BATCH = 10;
/** Retry-After beyond this is not waited for longer: the schedule's own last step. */
const MAX_DELAY_SECONDS = 86_400;

const CLAIM = `with due as (
    select d.id from webhook_deliveries d join webhooks w on w.id = d.webhook_id and w.status = 'active'
    where d.status = 'pending' and d.next_attempt_at <= now()
      and (d.claimed_until is null or d.claimed_until < now())
      and ($1::uuid[] is null or d.id = any($1::uuid[]))
    order by d.next_attempt_at
    limit $2
    for update of d skip locked
  ), claimed as (
    update webhook_deliveries d set claimed_until = now() + make_interval(secs => $3), attempts = d.attempts + 1
    from due where d.id = due.id
    returning d.id, d.attempts, d.webhook_id, d.event_id
  )
  select c.id, c.attempts, c.event_id as "eventId", e.type, e.data, e.created_at as "createdAt", w.url,
    array_remove(array[w.secret, case when w.previous_secret_expires_at > now() then w.previous_secret end], null)
      as secrets
  from claimed c join webhook_events e on e.id = c.event_id join webhooks w on w.id = c.webhook_id`;

// $1 delivery, $2 the attempt it records, $3 ok, $4 status code, $5 duration,
// $6 excerpt, $7 error, $8 seconds to the next attempt (null: none), $9 a
// reason to disable the endpoint now (410). The endpoint's failure streak
// and status change in the same statement.
const RECORD = `with d as (
    update webhook_deliveries set
      status = case when $3 then 'delivered' when $8::int is null then 'failed' else 'pending' end,
      next_attempt_at = case when $3 or $8::int is null then null else now() + make_interval(secs => $8::int) end,
      claimed_until = null, last_attempt_at = now(), last_status_code = $4, duration_ms = $5,
      response_excerpt = $6, last_error = $7
    where id = $1 and attempts = $2
    returning webhook_id
  )
  update webhooks w set
    consecutive_failures = case when $3 then 0 else w.consecutive_failures + 1 end,
    status = case when w.status = 'active' and not $3
      and ($9::text is not null or w.consecutive_failures + 1 >= ${DISABLE_AFTER_FAILURES}) then 'disabled' else w.status end,
    disabled_reason = case when w.status = 'active' and not $3
      and ($9::text is not null or w.consecutive_failures + 1 >= ${DISABLE_AFTER_FAILURES})
      then coalesce($9, '${DISABLE_AFTER_FAILURES} consecutive failed deliveries') else w.disabled_reason end,
    updated_at = case when w.status = 'active' and not $3
      and ($9::text is not null or w.consecutive_failures + 1 >= ${DISABLE_AFTER_FAILURES}) then now() else w.updated_at end
  from d where w.id = d.webhook_id
  returning w.status`;

interface Claimed {
  id: string;
  attempts: number;
  eventId: string;
  type: string;
  data: unknown;
  createdAt: Date | string;
  url: string;
  secrets: string[];
}

export interface DispatchResult {
  claimed: number;
  delivered: number;
  failed: number;
}

export interface DispatchOptions {
  /** Only these deliveries (the ones a write just made). */
  ids?: string[];
  /** Stop claiming new batches after this long (a cron request must answer). */
  budgetMs?: number;
  /** The host's fetch for deliveries (the Node server's checks resolved addresses). */
  fetch?: typeof fetch;
}

/** The next delay after a failed `attempts`-th attempt, or null when the schedule is over. */
export function nextDelay(attempts: number, retryAfter: number | null): number | null {
  const step = RETRY_SCHEDULE_SECONDS[attempts - 1];
  if (step === undefined) return null;
  return Math.min(MAX_DELAY_SECONDS, Math.max(step, retryAfter ?? 0));
}

/** The payload: `{ type, timestamp, data }`, timestamp being when the event happened. */
export const payload = (row: Pick<Claimed, 'type' | 'createdAt' | 'data'>) =>
  JSON.stringify({ type: row.type, timestamp: new Date(row.createdAt).toISOString(), data: row.data });

async function deliverOne(db: Db, config: Config, row: Claimed, send?: typeof fetch): Promise<AttemptResult> {
  const refused = destinationProblem(row.url, config.WEBHOOK_ALLOW_INSECURE);
  const result: AttemptResult = refused
    ? { ok: false, status: null, durationMs: 0, excerpt: null, error: `Refused: ${refused}`, retryAfter: null }
    : await attempt(row.url, row.secrets, { id: row.eventId, body: payload(row) }, config.WEBHOOK_TIMEOUT_MS, send);
  const gone = result.status === 410 ? 'The endpoint answered 410 Gone' : null;
  const delay = result.ok ? null : gone ? null : nextDelay(row.attempts, result.retryAfter);
  await db.query(RECORD, [
    row.id,
    row.attempts,
    result.ok,
    result.status,
    result.durationMs,
    result.excerpt,
    result.error,
    delay,
    gone,
  ]);
  if (!result.ok) {
    log(config.LOG_LEVEL, 'warn', {
      msg: 'webhook delivery failed',
      delivery: row.id,
      attempt: row.attempts,
      error: result.error,
      nextInSeconds: delay,
    });
  }
  return result;
}

/** Claims and sends due deliveries, batch after batch, until none is left or the budget is spent. */
export async function dispatch(db: Db, config: Config, options: DispatchOptions = {}): Promise<DispatchResult> {
  const total: DispatchResult = { claimed: 0, delivered: 0, failed: 0 };
  const deadline = Date.now() + (options.budgetMs ?? 15_000);
  // A scheduler run (not a write's own send) also turns new clicks into
  // link.clicked events, and trims the delivery log.
  if (!options.ids) await Promise.all([batchClicks(db), pruneDeliveries(db)]);
  do {
    const rows = await db.query<Claimed>(CLAIM, [options.ids ?? null, BATCH, LEASE_SECONDS]);
    total.claimed += rows.length;
    const results = await Promise.all(rows.map((row) => deliverOne(db, config, row, options.fetch)));
    for (const result of results) total[result.ok ? 'delivered' : 'failed']++;
    if (rows.length < BATCH) break;
  } while (Date.now() < deadline);
  return total;
}
