-- Click batches are written at least once and counted exactly once; an
-- idempotent write and its result commit together; a link's fallback URLs
-- need what triggers them. Additive only, so instances of the previous
-- version keep working while a deploy rolls out.

-- A batch id the database refuses twice: a retried click batch counts once.
create table click_batches (
  id uuid primary key,
  at timestamptz not null default now()
);
create index click_batches_at on click_batches (at);

-- Idempotency claims get a token and a lease, and record the fenced write's
-- result (its rows). Rows of the previous version (response in headers/body,
-- no token) are still replayed; those two columns go in a later migration,
-- once no instance of that version runs.
alter table idempotency_keys
  add column token uuid,
  add column locked_until timestamptz,
  add column result jsonb;

-- Checked for new writes now, without scanning the table under an exclusive
-- lock; existing rows are fixed and validated in 0004.
alter table links
  add constraint links_expired_url_needs_expires_at check (expired_url is null or expires_at is not null) not valid,
  add constraint links_exhausted_url_needs_max_clicks check (exhausted_url is null or max_clicks is not null) not valid;
