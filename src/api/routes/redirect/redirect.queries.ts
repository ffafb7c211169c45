import { recordsetTypes, selectList, type Columns, type RecordOf } from '../../db/model';
import { REDIRECT_COLUMNS, selectLink } from '../links/links.queries';
import { deliveryIdsColumn, linkData, outboxCtes } from '../webhooks/outbox';

// One click row: what a redirect records. No IP address, ever.
export const CLICK_COLUMNS = {
  link_id: { column: 'link_id', type: 'uuid' },
  at: { column: 'at', type: 'timestamptz' },
  country: { column: 'country', type: 'text', nullable: true },
  region: { column: 'region', type: 'text', nullable: true },
  city: { column: 'city', type: 'text', nullable: true },
  referrer_host: { column: 'referrer_host', type: 'text', nullable: true },
  browser: { column: 'browser', type: 'text', nullable: true },
  os: { column: 'os', type: 'text', nullable: true },
  device: { column: 'device', type: 'text', nullable: true },
  is_bot: { column: 'is_bot', type: 'boolean' },
} as const satisfies Columns;

export type Click = RecordOf<typeof CLICK_COLUMNS>;

const COLUMNS = Object.keys(CLICK_COLUMNS).join(', ');

// The analytics aggregates (migration 0007), upserted by the statement that
// inserts the clicks (no extra round trip; a refused batch id adds nothing):
// per link, 15-minute UTC bucket and dimension tuple; all links per bucket
// and dimension value; per link and UTC day. `source` is a CTE of click
// rows. Rows are upserted in key order, so concurrent batches that share
// rows (all-links ones) wait for each other instead of deadlocking.
const DIMENSIONS = 'country, region, city, referrer_host, browser, os, device, is_bot';
export const BUCKET_OF_AT = `date_bin('15 minutes', at, timestamptz '2000-01-01 00:00:00+00')`;
export const DIMENSION_VALUES = `(values ('all', null), ('country', country), ('region', region), ('city', city),
    ('referrer', referrer_host), ('browser', browser), ('os', os), ('device', device)) as d (dimension, value)`;
export const aggregateClicks = (source: string) => `aggregated as (
    insert into click_counts (link_id, bucket, ${DIMENSIONS}, clicks)
    select link_id, ${BUCKET_OF_AT}, ${DIMENSIONS}, count(*) from ${source}
    group by link_id, ${BUCKET_OF_AT}, ${DIMENSIONS}
    order by link_id, ${BUCKET_OF_AT}
    on conflict (link_id, bucket, ${DIMENSIONS}) do update set clicks = click_counts.clicks + excluded.clicks
  ), aggregated_dims as (
    insert into click_dims (bucket, dimension, value, is_bot, clicks)
    select ${BUCKET_OF_AT}, d.dimension, d.value, is_bot, count(*) from ${source} cross join lateral ${DIMENSION_VALUES}
    group by 1, 2, 3, 4 order by 2, 1, 3, 4
    on conflict (dimension, bucket, value, is_bot) do update set clicks = click_dims.clicks + excluded.clicks
  ), aggregated_days as (
    insert into click_link_days (day, link_id, is_bot, clicks)
    select date_trunc('day', at, 'UTC'), link_id, is_bot, count(*) from ${source}
    group by 1, 2, 3 order by 1, 2, 3
    on conflict (day, link_id, is_bot) do update set clicks = click_link_days.clicks + excluded.clicks
  )`;

/** The redirect's lookup: only what it caches. */
export const LOOKUP_LINK = `select ${selectList(REDIRECT_COLUMNS)} from links where slug = $1`;

// One statement per batch ($1 the clicks, $2 the batch id): claim the batch
// id, insert the clicks and add the human ones to links.clicks. A batch id
// already claimed (a retry of a write that committed after its client gave
// up) inserts and counts nothing; a concurrent retry waits on the id's index
// entry, then does nothing. Link rows are locked in id order so two batches
// cannot deadlock. Clicks of links deleted meanwhile are dropped with them.
// Claims older than a day are pruned a few at a time, skipping rows another
// flush is pruning, so flushes of unrelated links never wait on each other.
export const FLUSH_CLICKS = `with batch as (
    insert into click_batches (id) values ($2) on conflict do nothing returning id
  ), input as (
    select x.* from jsonb_to_recordset($1::jsonb) as x(${recordsetTypes(CLICK_COLUMNS)})
    where exists (select 1 from batch)
  ), locked as (
    select id from links where id in (select link_id from input) order by id for update
  ), kept as (
    select input.* from input join locked on locked.id = input.link_id
  ), inserted as (
    insert into clicks (${COLUMNS}) select ${COLUMNS} from kept returning 1
  ), ${aggregateClicks('kept')}, counted as (
    update links set clicks = links.clicks + n.humans
    from (select link_id, count(*) as humans from kept where not is_bot group by link_id) n
    where links.id = n.link_id
    returning 1
  ), pruned as (
    delete from click_batches where id in (
      select id from click_batches where at < now() - interval '1 day' order by at limit 100 for update skip locked)
  )
  select (select count(*) from inserted) as inserted`;

// A capped link counts a human click and checks the cap in one atomic
// statement before redirecting: exact among isolates that know of the cap.
// The cap read is the database's (a cap removed elsewhere counts the click
// like any other); `found` tells an exhausted link from one deleted meanwhile.
// $1 the link, $2.. the click's columns after link_id.
const CLICK_VALUES = Object.keys(CLICK_COLUMNS)
  .slice(1)
  .map((_, i) => `$${i + 2}`)
  .join(', ');
// The click that uses up the cap also writes a link.exhausted event (the
// outbox, routes/webhooks); the base URL for its shortUrl follows the click's values.
const BASE = `$${Object.keys(CLICK_COLUMNS).length + 1}`;
export const CLAIM_CAPPED_CLICK = `with hit as (
    update links set clicks = clicks + 1 where id = $1 and (max_clicks is null or clicks < max_clicks) returning id
  ), inserted as (
    insert into clicks (${COLUMNS}) select id, ${CLICK_VALUES} from hit returning ${COLUMNS}
  ), ${aggregateClicks('inserted')}, used_up as (
    select ${selectLink('l.')} from links l join hit on hit.id = l.id where l.clicks + 1 = l.max_clicks
  ), ${outboxCtes('exhausted', 'link.exhausted', 'used_up', `${linkData(BASE)} || jsonb_build_object('clicks', s.clicks + 1)`)}
  select exists (select 1 from hit) as within, exists (select 1 from links where id = $1) as found,
    ${deliveryIdsColumn('exhausted')}`;

/** Whether a capped link has used its clicks (for bots and HEAD, which never count); no row: deleted. */
export const CAP_STATE = `select coalesce(clicks < max_clicks, true) as within, true as found from links where id = $1`;

/**
 * Writes one click batch (FLUSH_CLICKS): what the recorder's drains call.
 * The client is asked for only when a batch is written, not per click.
 */
export const clickWriter =
  (db: () => { query(text: string, params: unknown[]): Promise<unknown> }) =>
  (batch: { id: string; clicks: Click[] }) =>
    db().query(FLUSH_CLICKS, [JSON.stringify(batch.clicks), batch.id]);

/** The parameters of CLAIM_CAPPED_CLICK for a click (and CAP_STATE's first), and the short domain. */
export const clickParams = (click: Click, base?: string) => [
  ...Object.keys(CLICK_COLUMNS).map((key) => click[key as keyof Click]),
  ...(base === undefined ? [] : [base]),
];
