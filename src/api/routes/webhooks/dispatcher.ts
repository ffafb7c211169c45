import type { Db } from '../../db';
import type { Config } from '../../lib/config';
import { log } from '../../lib/log';
import { attempt, type AttemptResult } from './attempt';
import { batchClicks } from './click-batches';
import { destinationProblem } from './destination';
import { pruneDeliveries } from './prune';
import { recordOutcomes, type Outcome } from './record';

// Sends what is due: claims pending deliveries with FOR UPDATE SKIP LOCKED
// and a lease (so concurrent schedulers never take the same attempt, and a
// crashed one's rows come back when the lease lapses), attempts them, then
// records the batch's results and next attempts (record.ts): two round trips
// a batch. Every scheduler calls this: the deferred send after a write, the
// cron route, Workers' `scheduled`, and the Node server's timer and shutdown.

/** Seconds from a failed attempt to the next: after the 1st, 2nd, … 7th. After the 8th: given up. */
export const RETRY_SCHEDULE_SECONDS = [5, 300, 1800, 7200, 18_000, 36_000, 86_400];
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

async function attemptOne(config: Config, row: Claimed, send?: typeof fetch): Promise<Outcome> {
  const refused = destinationProblem(row.url, config.WEBHOOK_ALLOW_INSECURE);
  const result: AttemptResult = refused
    ? { ok: false, status: null, durationMs: 0, excerpt: null, error: `Refused: ${refused}`, retryAfter: null }
    : await attempt(row.url, row.secrets, { id: row.eventId, body: payload(row) }, config.WEBHOOK_TIMEOUT_MS, send);
  const gone = result.status === 410;
  const delay = result.ok || gone ? null : nextDelay(row.attempts, result.retryAfter);
  if (!result.ok) {
    log(config.LOG_LEVEL, 'warn', {
      msg: 'webhook delivery failed',
      delivery: row.id,
      attempt: row.attempts,
      error: result.error,
      nextInSeconds: delay,
    });
  }
  return {
    id: row.id,
    attempt: row.attempts,
    ok: result.ok,
    code: result.status,
    ms: result.durationMs,
    excerpt: result.excerpt,
    error: result.error,
    delay,
    gone,
  };
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
    const outcomes = await Promise.all(rows.map((row) => attemptOne(config, row, options.fetch)));
    await recordOutcomes(db, outcomes);
    for (const outcome of outcomes) total[outcome.ok ? 'delivered' : 'failed']++;
    if (rows.length < BATCH) break;
  } while (Date.now() < deadline);
  return total;
}
