import type { Db } from '../../db';

// link.clicked, opt-in: the schedulers turn new rows of the clicks table into
// one event per subscribed endpoint, at most one a second each, carrying up
// to CLICKS_PER_EVENT clicks (the payload stays under 20 KB). Clicks are read
// by id, so click recording itself is untouched.
//
// Ids are taken in order but commit out of order: a cursor moved past an id
// whose insert is still running would skip it. So a run only notes the
// newest id it sees and the transactions writing in this database right then
// (pg_stat_activity; both click statements write another row before drawing
// a click id, so a writer has its xid by then); a later run sends up to that
// id once they have all ended. Transactions that start later draw higher ids.
// The cost: a batch goes out one scheduler run after its clicks are seen.

export const CLICKS_PER_EVENT = 80;

const CLICK_DATA = `jsonb_build_object('linkId', c.link_id, 'slug', c.slug, 'at', c.at, 'country', c.country,
  'region', c.region, 'city', c.city, 'referrerHost', c.referrer_host, 'browser', c.browser, 'os', c.os,
  'device', c.device, 'bot', c.is_bot)`;

const BATCH_CLICKS = `with w as (
    select id, clicks_cursor, clicks_pending_id, clicks_pending_xids,
      clicks_pending_id is not null and not exists (select 1 from pg_stat_activity a
        where a.datname = current_database() and a.backend_xid = any(clicks_pending_xids)) as ready
    from webhooks
    where status = 'active' and events @> '{link.clicked}'
      and (clicks_sent_at is null or clicks_sent_at < now() - interval '1 second')
    for update skip locked
  ), batch as (
    select w.id as webhook_id, c.* from w cross join lateral (
      select c.id, c.link_id, l.slug, c.at, c.country, c.region, c.city, c.referrer_host, c.browser, c.os, c.device,
        c.is_bot
      from clicks c join links l on l.id = c.link_id
      where w.ready and c.id > w.clicks_cursor and c.id <= w.clicks_pending_id
      order by c.id limit ${CLICKS_PER_EVENT}
    ) c
  ), grouped as (
    select gen_random_uuid() as event_id, webhook_id, max(id) as last_id, count(*) as n,
      jsonb_build_object('count', count(*), 'clicks', jsonb_agg(${CLICK_DATA} order by c.id)) as data
    from batch c group by webhook_id
  ), events as (
    insert into webhook_events (id, type, data) select event_id, 'link.clicked', data from grouped returning id
  ), deliveries as (
    insert into webhook_deliveries (webhook_id, event_id) select webhook_id, event_id from grouped returning id
  ), moved as (
    select w.id, case
        when not w.ready then w.clicks_cursor
        when g.n = ${CLICKS_PER_EVENT} then g.last_id -- more to send from this window
        else w.clicks_pending_id
      end as cursor, g.event_id is not null as sent
    from w left join grouped g on g.webhook_id = w.id
  ), noted as (
    update webhooks set clicks_cursor = m.cursor,
      clicks_sent_at = case when m.sent then now() else clicks_sent_at end,
      -- The window is used up (or there was none): note the next one.
      clicks_pending_id = case when w.clicks_pending_id is null or m.cursor >= w.clicks_pending_id
        then (select coalesce(max(id), 0) from clicks) else w.clicks_pending_id end,
      clicks_pending_xids = case when w.clicks_pending_id is null or m.cursor >= w.clicks_pending_id
        then (select coalesce(array_agg(backend_xid), '{}') from pg_stat_activity
          where datname = current_database() and backend_xid is not null and pid <> pg_backend_pid())
        else w.clicks_pending_xids end
    from moved m join w on w.id = m.id
    where webhooks.id = m.id
    returning 1
  )
  select (select count(*) from deliveries)::int as deliveries, (select count(*) from noted)::int as endpoints`;

/** Writes the link.clicked events that are due (their deliveries are pending, due now); one round trip. */
export async function batchClicks(db: Db): Promise<number> {
  const [row] = await db.query<{ deliveries: number }>(BATCH_CLICKS);
  return row?.deliveries ?? 0;
}

/** SQL for a webhook's SET clause: subscribing to link.clicked starts from the newest click, not the first. */
export const START_CLICKS_IF_NEW = `clicks_cursor = case when events @> '{link.clicked}' then clicks_cursor
    else (select coalesce(max(id), 0) from clicks) end,
  clicks_pending_id = case when events @> '{link.clicked}' then clicks_pending_id end,
  clicks_pending_xids = case when events @> '{link.clicked}' then clicks_pending_xids end`;
