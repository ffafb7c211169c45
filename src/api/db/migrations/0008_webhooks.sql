-- Webhooks: endpoints, an outbox of events, and one delivery row per
-- endpoint × event. Additive only. Events are written by the same statement
-- as the change that causes them (see routes/webhooks/outbox.ts).

create table webhooks (
  id uuid primary key default gen_random_uuid(),
  created_by uuid references users (id) on delete set null,
  url text not null check (char_length(url) <= 2048),
  events text[] not null check (cardinality(events) > 0),
  description text check (char_length(description) <= 500),
  -- whsec_ + base64 of 32 random bytes (Standard Webhooks). After a rotation
  -- the previous one keeps signing beside it until previous_secret_expires_at.
  secret text not null,
  previous_secret text,
  previous_secret_expires_at timestamptz,
  status text not null default 'active' check (status in ('active', 'disabled')),
  disabled_reason text check (char_length(disabled_reason) <= 500),
  consecutive_failures integer not null default 0,
  -- link.clicked (opt-in), read from the clicks table by id: clicks up to
  -- clicks_cursor were sent. clicks_pending_id is the newest click a run saw;
  -- it is sent once the transactions then writing in this database
  -- (clicks_pending_xids), which could still insert a click below it, have
  -- ended, so none is skipped.
  clicks_cursor bigint not null default 0,
  clicks_pending_id bigint,
  clicks_pending_xids xid[],
  clicks_sent_at timestamptz,
  created_at timestamptz not null default clock_timestamp(),
  updated_at timestamptz not null default clock_timestamp()
);
create index webhooks_created on webhooks (created_at desc, id desc);
-- Every link write asks "is anyone subscribed?": a small, active-only index.
create index webhooks_active_events on webhooks using gin (events) where status = 'active';

-- The outbox: one row per event, whatever the number of endpoints.
create table webhook_events (
  id uuid primary key default gen_random_uuid(),
  type text not null,
  data jsonb not null,
  created_at timestamptz not null default clock_timestamp()
);
-- Pruning: events older than the retention with no delivery left.
create index webhook_events_created on webhook_events (created_at);

create table webhook_deliveries (
  id uuid primary key default gen_random_uuid(),
  webhook_id uuid not null references webhooks (id) on delete cascade,
  event_id uuid not null references webhook_events (id) on delete cascade,
  -- pending: due at next_attempt_at; delivered; failed: the schedule ran out.
  status text not null default 'pending' check (status in ('pending', 'delivered', 'failed')),
  attempts integer not null default 0,
  next_attempt_at timestamptz default now(),
  -- A claimer's lease: a crashed claimer's rows come back when it lapses.
  claimed_until timestamptz,
  last_attempt_at timestamptz,
  last_status_code smallint,
  last_error text,
  duration_ms integer,
  response_excerpt text check (octet_length(response_excerpt) <= 1024),
  created_at timestamptz not null default clock_timestamp(),
  unique (webhook_id, event_id)
);
create index webhook_deliveries_due on webhook_deliveries (next_attempt_at) where status = 'pending';
create index webhook_deliveries_webhook on webhook_deliveries (webhook_id, created_at desc, id desc);
create index webhook_deliveries_event on webhook_deliveries (event_id);
-- Pruning: finished deliveries, oldest first.
create index webhook_deliveries_finished on webhook_deliveries (created_at) where status <> 'pending';
