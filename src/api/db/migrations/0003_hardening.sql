-- Click batches are written at least once and counted exactly once; an
-- idempotent write and its result commit together; a link's fallback URLs
-- need what triggers them.

-- A batch id the database refuses twice: a retried click batch counts once.
create table click_batches (
  id uuid primary key,
  at timestamptz not null default now()
);
create index click_batches_at on click_batches (at);

-- Idempotency records now hold the claim's token and lease, and the result
-- the fenced write recorded (its rows), instead of a stored response. Records
-- of the old shape cannot be replayed: they go (they expire within 24 h anyway).
delete from idempotency_keys;
alter table idempotency_keys
  drop column headers,
  drop column body,
  add column token uuid not null,
  add column locked_until timestamptz not null,
  add column result jsonb;

-- PATCH could leave a fallback URL without its trigger; such a fallback never
-- applied, so clearing it changes no redirect.
update links set expired_url = null where expired_url is not null and expires_at is null;
update links set exhausted_url = null where exhausted_url is not null and max_clicks is null;
alter table links
  add constraint links_expired_url_needs_expires_at check (expired_url is null or expires_at is not null),
  add constraint links_exhausted_url_needs_max_clicks check (exhausted_url is null or max_clicks is not null);
