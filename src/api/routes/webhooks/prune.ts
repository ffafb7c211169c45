import type { Db } from '../../db';

// The delivery log is kept for RETENTION_DAYS: each scheduler run removes a
// few hundred finished deliveries older than that, then events no delivery
// refers to any more (also those of deleted endpoints). Pending deliveries
// are never pruned.

export const RETENTION_DAYS = 30;
const PER_RUN = 500;

const PRUNE = `with old as (
    select id from webhook_deliveries
    where status <> 'pending' and created_at < now() - interval '${RETENTION_DAYS} days'
    order by created_at limit ${PER_RUN}
    for update skip locked
  ), gone as (
    delete from webhook_deliveries d using old where d.id = old.id returning d.event_id
  ), orphans as (
    select e.id from webhook_events e
    where e.created_at < now() - interval '${RETENTION_DAYS} days'
      and not exists (select 1 from webhook_deliveries d where d.event_id = e.id and d.id not in (select id from old))
    order by e.created_at limit ${PER_RUN}
  )
  delete from webhook_events where id in (select id from orphans) returning 1`;

/** One round trip; how many events went. */
export async function pruneDeliveries(db: Db): Promise<number> {
  return (await db.query(PRUNE)).length;
}
