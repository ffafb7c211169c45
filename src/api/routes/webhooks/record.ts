import type { Db } from '../../db';

// What a batch of attempts did, written in one statement: each delivery's
// result and next attempt, and each endpoint's failure streak and status.
// Attempts of one batch ran side by side, so within it order means nothing:
// any success ends an endpoint's streak; otherwise its failures add up.

export const DISABLE_AFTER_FAILURES = 20;
const GONE_REASON = 'The endpoint answered 410 Gone';
const STREAK_REASON = `${DISABLE_AFTER_FAILURES} consecutive failed deliveries`;

export interface Outcome {
  id: string;
  /** The attempt this records: a stale one (the lease lapsed, another took over) changes nothing. */
  attempt: number;
  ok: boolean;
  code: number | null;
  ms: number;
  excerpt: string | null;
  error: string | null;
  /** Seconds to the next attempt; null: none (delivered, given up, or gone). */
  delay: number | null;
  /** The receiver answered 410: the endpoint is disabled. */
  gone: boolean;
}

const RECORD = `with r as (
    select * from jsonb_to_recordset($1::jsonb) as x(id uuid, attempt int, ok boolean, code int, ms int,
      excerpt text, error text, delay int, gone boolean)
  ), d as (
    update webhook_deliveries d set
      status = case when r.ok then 'delivered' when r.delay is null then 'failed' else 'pending' end,
      next_attempt_at = case when r.delay is null then null else now() + make_interval(secs => r.delay) end,
      claimed_until = null, last_attempt_at = now(), last_status_code = r.code, duration_ms = r.ms,
      response_excerpt = r.excerpt, last_error = r.error
    from r where d.id = r.id and d.attempts = r.attempt
    returning d.webhook_id, r.ok, r.gone
  ), per as (
    select webhook_id, count(*) filter (where ok) as oks, count(*) filter (where not ok) as fails,
      bool_or(gone) as gone
    from d group by webhook_id
  ), judged as (
    select w.id, w.status = 'active'
        and (p.gone or (p.oks = 0 and w.consecutive_failures + p.fails >= ${DISABLE_AFTER_FAILURES})) as disable,
      p.oks, p.fails, p.gone
    from per p join webhooks w on w.id = p.webhook_id
  )
  update webhooks w set
    consecutive_failures = case when j.oks > 0 then 0 else w.consecutive_failures + j.fails end,
    status = case when j.disable then 'disabled' else w.status end,
    disabled_reason = case when not j.disable then w.disabled_reason
      when j.gone then '${GONE_REASON}' else '${STREAK_REASON}' end,
    updated_at = case when j.disable then now() else w.updated_at end
  from judged j where w.id = j.id`;

/** One round trip for a whole batch. */
export async function recordOutcomes(db: Db, outcomes: Outcome[]): Promise<void> {
  if (outcomes.length) await db.query(RECORD, [JSON.stringify(outcomes)]);
}
