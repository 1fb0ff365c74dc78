-- Hardening: revocable sessions for local accounts, sign-in/sign-up throttles, one-time password
-- reset links, and the calendar list a selection form was rendered with.
--
-- A schema of its own, outside `public`: Supabase's API never exposes it, and these rows are the
-- server's business (the local-auth code works on them as the table owner, the way Supabase Auth
-- works on its own tables). RLS is on everywhere; only calendar_listings, which holds a provider's
-- own calendar addresses, is readable by that provider through RLS.

create schema if not exists app_private;
revoke all on schema app_private from public;
grant usage on schema app_private to authenticated, service_role;

-- Local-account sessions. The cookie carries a random id, signed; only its SHA-256 is stored, so
-- a copy of this table cannot be turned back into cookies. Idle expiry: last_seen_at.
create table app_private.sessions (
  id_hash text primary key,
  user_id uuid not null references auth.users(id) on delete cascade,
  created_at timestamptz not null default now(),
  last_seen_at timestamptz not null default now()
);
create index sessions_user_id_idx on app_private.sessions (user_id);
alter table app_private.sessions enable row level security;

-- Failed sign-in / sign-up attempts per key (an account's email hash, or a client address).
create table app_private.auth_throttles (
  key text primary key,
  failures integer not null,
  last_failure_at timestamptz not null
);
alter table app_private.auth_throttles enable row level security;

-- One-time password reset links made by the operator (npm run user:reset-password).
create table app_private.password_resets (
  token_hash text primary key,
  user_id uuid not null references auth.users(id) on delete cascade,
  created_at timestamptz not null default now(),
  expires_at timestamptz not null,
  used_at timestamptz
);
alter table app_private.password_resets enable row level security;

revoke all on app_private.sessions, app_private.auth_throttles, app_private.password_resets from anon, authenticated;
grant select, insert, update, delete on app_private.sessions, app_private.auth_throttles, app_private.password_resets to service_role;

-- The calendars listed when a selection form was rendered, so saving it needs no second CalDAV
-- round trip; keyed by a random id in the form and the section version it was rendered at.
create table app_private.calendar_listings (
  id uuid primary key default gen_random_uuid(),
  user_id uuid not null references auth.users(id) on delete cascade,
  form_version text not null,
  -- {"<integration id>": ["<calendar url>", ...] | null (could not be listed)}
  calendars jsonb not null,
  read_at timestamptz not null default now()
);
create index calendar_listings_user_id_idx on app_private.calendar_listings (user_id, read_at);
alter table app_private.calendar_listings enable row level security;

create policy calendar_listings_select on app_private.calendar_listings
  for select using (auth.uid() = user_id);
create policy calendar_listings_insert on app_private.calendar_listings
  for insert with check (auth.uid() = user_id);
create policy calendar_listings_update on app_private.calendar_listings
  for update using (auth.uid() = user_id) with check (auth.uid() = user_id);
create policy calendar_listings_delete on app_private.calendar_listings
  for delete using (auth.uid() = user_id);

revoke all on app_private.calendar_listings from anon;
grant select, insert, update, delete on app_private.calendar_listings to authenticated, service_role;
