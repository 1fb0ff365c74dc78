-- Issue 10: per-calendar health (written by the server's busy-time fetch, read by the provider on
-- /settings/calendar) and the owner's calendar-user addresses per integration (RFC 6638), kept in
-- tables of their own: the seed's tables stay exactly as the seed defines them.

create table public.calendar_health (
  user_id uuid not null references auth.users(id) on delete cascade,
  -- The selected calendar's id as in providers.settings.calendar.selectedCalendarIds.
  calendar_id text not null,
  last_attempt_at timestamptz not null default now(),
  last_success_at timestamptz,
  -- null after a successful read; otherwise why the calendar could not be read.
  failure_reason text,
  -- SUMMARY or UID of the event that could not be read, when one is to blame.
  failure_event text,
  warnings_count integer not null default 0,
  -- The first few warnings (text), newest read only.
  warnings jsonb not null default '[]'::jsonb,
  primary key (user_id, calendar_id)
);

alter table public.calendar_health enable row level security;

-- The provider reads their own rows; only the server's service path writes them.
create policy calendar_health_select on public.calendar_health
  for select using (auth.uid() = user_id);
create policy calendar_health_delete on public.calendar_health
  for delete using (auth.uid() = user_id);

revoke all on public.calendar_health from anon;
grant select, delete on public.calendar_health to authenticated;
grant select, insert, update, delete on public.calendar_health to service_role;

create table public.integration_addresses (
  integration_id uuid primary key references public.integrations(id) on delete cascade,
  user_id uuid not null references auth.users(id) on delete cascade,
  -- calendar-user-address-set of the account's principal, lower-cased, without "mailto:".
  addresses text[] not null default '{}',
  updated_at timestamptz not null default now()
);

create index integration_addresses_user_id_idx on public.integration_addresses (user_id);

-- Same guard as integration_secrets: the row's user must own the integration.
create trigger integration_addresses_owner
  before insert or update on public.integration_addresses
  for each row execute function public.enforce_integration_owner();

create trigger integration_addresses_touch
  before update on public.integration_addresses
  for each row execute function public.touch_updated_at();

alter table public.integration_addresses enable row level security;

create policy integration_addresses_select on public.integration_addresses
  for select using (auth.uid() = user_id);
create policy integration_addresses_insert on public.integration_addresses
  for insert with check (auth.uid() = user_id);
create policy integration_addresses_update on public.integration_addresses
  for update using (auth.uid() = user_id) with check (auth.uid() = user_id);
create policy integration_addresses_delete on public.integration_addresses
  for delete using (auth.uid() = user_id);

revoke all on public.integration_addresses from anon;
grant select, insert, update, delete on public.integration_addresses to authenticated, service_role;
