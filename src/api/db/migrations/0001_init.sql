-- Hop's first schema. Tables arrive with the features that use them; this
-- one only proves the pipeline and records when the database was created.
create table if not exists hop_meta (
  key text primary key,
  value text not null,
  updated_at timestamptz not null default now()
);

insert into hop_meta (key, value) values ('created_at', now()::text)
on conflict (key) do nothing;
