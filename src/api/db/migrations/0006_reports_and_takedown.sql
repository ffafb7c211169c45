-- Abuse reports, and links an editor or an actioned report disabled. Additive
-- only: instances of the previous version keep working while a deploy rolls out.

-- A disabled link answers 451 (reason illegal) or 410, and counts no clicks.
alter table links
  add column disabled boolean not null default false,
  add column disabled_reason text;

-- Checked for new writes at once; validated without blocking writes (the columns are new: nothing to fix).
alter table links
  add constraint links_disabled_reason_needs_disabled check (disabled_reason is null or disabled) not valid,
  add constraint links_disabled_reason_known
    check (disabled_reason in ('phishing', 'malware', 'spam', 'illegal', 'other')) not valid;
alter table links validate constraint links_disabled_reason_needs_disabled;
alter table links validate constraint links_disabled_reason_known;

create table reports (
  id uuid primary key default gen_random_uuid(),
  link_id uuid not null references links (id) on delete cascade,
  reason text not null check (reason in ('phishing', 'malware', 'spam', 'illegal', 'other')),
  details text check (char_length(details) <= 2000),
  email text check (char_length(email) <= 254),
  status text not null default 'open' check (status in ('open', 'dismissed', 'actioned')),
  note text check (char_length(note) <= 2000),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
-- Admins page through reports newest first, all of them or by status.
create index reports_created on reports (created_at desc, id desc);
create index reports_status_created on reports (status, created_at desc, id desc);
create index reports_link on reports (link_id);
