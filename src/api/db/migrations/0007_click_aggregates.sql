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
group by 1, 2, 3, 4, 5, 6, 7, 8, 9, 10;

create unique index click_counts_key on click_counts
  (link_id, bucket, country, region, city, referrer_host, browser, os, device, is_bot) nulls not distinct;
-- All-links questions read by time.
create index click_counts_bucket on click_counts (bucket);

-- Raw reads outside whole buckets (the edges of a range not on a 15-minute
-- boundary, the export) go by time over all links: BRIN is tiny and nearly
-- free to maintain on rows inserted in time order.
create index clicks_at_brin on clicks using brin (at);
