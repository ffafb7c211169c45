-- Pre-aggregated click counts for the analytics API.
--
-- One row per link, 15-minute UTC bucket and full dimension tuple (every
-- recorded attribute of a click, bots apart). Any filter across dimensions
-- (country=DE and browser=Chrome) and any breakdown is answered exactly by
-- summing rows, which a per-dimension layout cannot do. 15 minutes because
-- every zone offset in use is a multiple of it: a local hour, day, week or
-- month in any IANA zone (Asia/Kolkata +05:30, Asia/Kathmandu +05:45, DST
-- days) starts on a bucket boundary, so local buckets are exact sums.
--
-- The click-writing statements (redirect.queries.ts) upsert these rows in
-- the same statement that inserts the clicks, so they are as fresh as the raw
-- rows, and a retried batch, refused by its batch id, adds nothing twice.
-- Unknown values stay null: the unique index treats nulls as equal.
create table click_counts (
  link_id uuid not null references links (id) on delete cascade,
  bucket timestamptz not null,
  country text,
  region text,
  city text,
  referrer_host text,
  browser text,
  os text,
  device text,
  is_bot boolean not null,
  clicks bigint not null check (clicks > 0)
);

-- Backfill from the clicks recorded so far, then index.
insert into click_counts (link_id, bucket, country, region, city, referrer_host, browser, os, device, is_bot, clicks)
select link_id, date_bin('15 minutes', at, timestamptz '2000-01-01 00:00:00+00'),
  country, region, city, referrer_host, browser, os, device, is_bot, count(*)
from clicks
group by 1, 2, 3, 4, 5, 6, 7, 8, 9, 10
-- In time order, as live writes append them: a range of buckets reads few pages.
order by 2;

create unique index click_counts_key on click_counts
  (link_id, bucket, country, region, city, referrer_host, browser, os, device, is_bot) nulls not distinct;
-- All-links questions read by time.
create index click_counts_bucket on click_counts (bucket);

-- Raw reads outside whole buckets (the edges of a range not on a 15-minute
-- boundary, the export) go by time over all links: BRIN is tiny and nearly
-- free to maintain on rows inserted in time order.
create index clicks_at_brin on clicks using brin (at);

-- click_counts answers any filter exactly but compresses only where a link
-- gets many alike clicks in 15 minutes. The questions asked most (all links,
-- no filter) get two small tables beside it:
--
-- click_dims: all links together, per 15-minute bucket, one row per
-- dimension value (dimension 'all' is the total): a few hundred rows a
-- bucket however many clicks, still exact in every zone.
create table click_dims (
  bucket timestamptz not null,
  dimension text not null,
  value text,
  is_bot boolean not null,
  clicks bigint not null
);
-- click_link_days: clicks per link and UTC day, for link breakdowns and counts
-- without filters (the partial days at a range's ends come from click_counts).
create table click_link_days (
  day timestamptz not null,
  link_id uuid not null references links (id) on delete cascade,
  is_bot boolean not null,
  clicks bigint not null
);

insert into click_dims (bucket, dimension, value, is_bot, clicks)
select bucket, d.dimension, d.value, is_bot, sum(clicks)
from click_counts cross join lateral (values ('all', null), ('country', country), ('region', region), ('city', city),
  ('referrer', referrer_host), ('browser', browser), ('os', os), ('device', device)) as d (dimension, value)
group by 1, 2, 3, 4
order by 1;
-- Dimension first: a question reads one dimension over a range of buckets.
create unique index click_dims_key on click_dims (dimension, bucket, value, is_bot) nulls not distinct;

insert into click_link_days (day, link_id, is_bot, clicks)
select date_trunc('day', bucket, 'UTC'), link_id, is_bot, sum(clicks) from click_counts group by 1, 2, 3 order by 1;
create unique index click_link_days_key on click_link_days (day, link_id, is_bot);
-- One link's days.
create index click_link_days_link on click_link_days (link_id, day);

-- A deleted link takes its clicks and click_counts rows with it (cascade);
-- the all-links table forgets them here, in the same transaction.
create function click_dims_forget() returns trigger language plpgsql as $$
begin
  update click_dims d set clicks = d.clicks - g.clicks
  from (
    select bucket, x.dimension, x.value, is_bot, sum(clicks) as clicks
    from gone cross join lateral (values ('all', null), ('country', country), ('region', region), ('city', city),
      ('referrer', referrer_host), ('browser', browser), ('os', os), ('device', device)) as x (dimension, value)
    group by 1, 2, 3, 4
  ) g
  where d.bucket = g.bucket and d.dimension = g.dimension and d.value is not distinct from g.value
    and d.is_bot = g.is_bot;
  return null;
end
$$;
create trigger click_counts_forget after delete on click_counts
  referencing old table as gone for each statement execute function click_dims_forget();
