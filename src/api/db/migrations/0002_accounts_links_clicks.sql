-- Accounts, API keys, links, clicks and idempotency records.

create table users (
  id uuid primary key default gen_random_uuid(),
  email text not null,
  name text not null check (char_length(name) between 2 and 100),
  role text not null default 'viewer' check (role in ('admin', 'editor', 'viewer')),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
-- Emails are unique whatever their case.
create unique index users_email_key on users (lower(email));

create table api_keys (
  id uuid primary key default gen_random_uuid(),
  user_id uuid not null references users (id) on delete cascade,
  name text not null,
  -- What a person recognises the key by ("hop_AbCd1234"); the secret is only ever hashed.
  prefix text not null,
  hash text not null unique,
  created_at timestamptz not null default now(),
  last_used_at timestamptz,
  expires_at timestamptz,
  revoked_at timestamptz
);
create index api_keys_user on api_keys (user_id);

create table links (
  id uuid primary key default gen_random_uuid(),
  slug text not null unique, -- case-sensitive on purpose
  url text not null,
  title text,
  tags text[] not null default '{}',
  expires_at timestamptz,
  expired_url text,
  max_clicks integer check (max_clicks > 0),
  exhausted_url text,
  redirect_status smallint not null default 302 check (redirect_status in (301, 302, 307, 308)),
  forward_query boolean not null default true,
  -- Human clicks so far, kept by click recording; max_clicks is checked against it.
  clicks bigint not null default 0,
  -- Bumped on every change: the ETag.
  version integer not null default 1,
  created_by uuid references users (id) on delete set null,
  created_at timestamptz not null default clock_timestamp(),
  updated_at timestamptz not null default clock_timestamp()
);
-- Keyset pagination: newest first, id breaks ties.
create index links_created on links (created_at desc, id desc);
create index links_tags on links using gin (tags);

create table clicks (
  id bigint generated always as identity primary key,
  link_id uuid not null references links (id) on delete cascade,
  at timestamptz not null default now(),
  country text,
  region text,
  city text,
  referrer_host text,
  browser text,
  os text,
  device text,
  is_bot boolean not null
);
create index clicks_link_at on clicks (link_id, at);

create table idempotency_keys (
  user_id uuid not null references users (id) on delete cascade,
  key text not null,
  -- SHA-256 of method, path and body: the same key with another request is refused.
  request_hash text not null,
  -- Null while the first request is still running.
  status smallint,
  headers jsonb,
  body text,
  created_at timestamptz not null default now(),
  primary key (user_id, key)
);
